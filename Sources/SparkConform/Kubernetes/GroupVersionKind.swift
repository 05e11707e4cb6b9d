/// A Kubernetes object's kind with its API group and version.
public struct GroupVersionKind: Sendable, Equatable {
    public var group: String
    public var version: String
    public var kind: String

    public init(group: String, version: String, kind: String) {
        self.group = group
        self.version = version
        self.kind = kind
    }

    public static let pod = GroupVersionKind(group: "", version: "v1", kind: "Pod")

    public var description: String { group.isEmpty ? "\(version)/\(kind)" : "\(group)/\(version)/\(kind)" }
}
