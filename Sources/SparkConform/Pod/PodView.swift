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

    /// The pod that owns this one (an executor's driver in cluster mode; the
    /// notebook's pod in client mode with `spark.kubernetes.driver.pod.name`).
    public var ownerPodName: String? {
        let owners = json[path: ["metadata", "ownerReferences"]]?.arrayValue ?? []
        return owners.first { $0["kind"]?.stringValue == "Pod" }?["name"]?.stringValue
    }

    /// Whether the owner pod is a Spark driver, by Spark's naming of cluster-mode
    /// drivers (what the executor carries; the webhook reads no API): the driver
    /// is `<prefix>-driver` and its executors `<prefix>-exec-<id>`, both from the
    /// application's resource name prefix; or, when a prefix was chosen for the
    /// executors, the driver URL names the driver's service `<driver>-svc`.
    /// A notebook's pod matches neither. A false "no" only costs the weaker
    /// zone term; a false "yes" would leave the executor Pending forever.
    public var ownerIsSparkDriver: Bool {
        guard let owner = ownerPodName else { return false }
        if let prefix = executorNamePrefix, owner == prefix + "-driver" { return true }
        return driverServiceName.map { $0 == owner + "-svc" } ?? false
    }

    /// `<prefix>` of an executor named `<prefix>-exec-<id>`. On UTF-8 bytes:
    /// character-level string searches cost tens of thousands of instructions here.
    var executorNamePrefix: String? {
        guard let name = json[path: ["metadata", "name"]]?.stringValue else { return nil }
        let bytes = Array(name.utf8)
        var end = bytes.count
        while end > 0, bytes[end - 1] >= UInt8(ascii: "0"), bytes[end - 1] <= UInt8(ascii: "9") { end -= 1 }
        let marker = Array("-exec-".utf8)
        guard end < bytes.count, end >= marker.count, Array(bytes[(end - marker.count)..<end]) == marker else { return nil }
        return String(decoding: bytes[..<(end - marker.count)], as: UTF8.self)
    }

    /// The first DNS label of the host in `SPARK_DRIVER_URL` (`spark://CoarseGrainedScheduler@<host>:<port>`).
    var driverServiceName: String? {
        for container in containers(.containers) {
            // env is deferred on the admission path: built only up to the variable.
            let variable = container["env"]?.firstElement { $0["name"]?.stringValue == "SPARK_DRIVER_URL" }
            guard let url = variable?["value"]?.stringValue else { continue }
            let bytes = Array(url.utf8)
            guard let at = bytes.lastIndex(of: UInt8(ascii: "@")) else { continue }
            let host = bytes[(at + 1)...]
            let end = host.firstIndex { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: ":") } ?? host.endIndex
            return String(decoding: host[..<end], as: UTF8.self)
        }
        return nil
    }

    public var serviceAccountName: String? { json[path: ["spec", "serviceAccountName"]]?.stringValue }

    public func containers(_ key: ContainerList) -> [JSONValue] {
        json[path: ["spec", key.rawValue]]?.arrayValue ?? []
    }

    public var volumes: [JSONValue] { json[path: ["spec", "volumes"]]?.arrayValue ?? [] }
}
