import SparkConformJSON

/// Read-only view of a pod's raw JSON: the facts the rules decide on.
public struct PodView: Sendable {
    public let json: JSONValue

    public init(_ json: JSONValue) { self.json = json }

    public var labels: JSONObject { json[path: ["metadata", "labels"]]?.objectValue ?? JSONObject() }
    public var annotations: JSONObject { json[path: ["metadata", "annotations"]]?.objectValue ?? JSONObject() }

    public func label(_ key: String) -> String? { labels[key]?.stringValue }
    public func annotation(_ key: String) -> String? { annotations[key]?.stringValue }

    public var role: SparkRole? { label(SparkLabels.role).flatMap(SparkRole.init(rawValue:)) }
    public var appID: String? { label(SparkLabels.appSelector).flatMap { $0.isEmpty ? nil : $0 } }

    /// `name`, or `generateName` followed by `*` when the apiserver has not named it yet.
    public var displayName: String {
        if let name = json[path: ["metadata", "name"]]?.stringValue, !name.isEmpty { return name }
        if let prefix = json[path: ["metadata", "generateName"]]?.stringValue { return prefix + "*" }
        return ""
    }

    public var namespace: String? { json[path: ["metadata", "namespace"]]?.stringValue }

    /// In cluster mode Spark makes the driver pod the owner of each executor;
    /// in client mode there is no driver pod to co-locate with.
    public var hasDriverPodOwner: Bool {
        let owners = json[path: ["metadata", "ownerReferences"]]?.arrayValue ?? []
        return owners.contains { $0["kind"]?.stringValue == "Pod" }
    }

    public var serviceAccountName: String? { json[path: ["spec", "serviceAccountName"]]?.stringValue }

    public func containers(_ key: ContainerList) -> [JSONValue] {
        json[path: ["spec", key.rawValue]]?.arrayValue ?? []
    }

    public var volumes: [JSONValue] { json[path: ["spec", "volumes"]]?.arrayValue ?? [] }
}
