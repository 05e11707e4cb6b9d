import SparkConformJSON

/// The fields of an AdmissionReview's `request` that the webhook uses.
/// The object stays raw JSON; only the envelope is interpreted.
public struct AdmissionRequest: Sendable {
    public var uid: String
    public var kind: GroupVersionKind
    public var operation: String
    public var namespace: String
    public var name: String
    public var object: JSONValue?
    public var dryRun: Bool
    public var username: String?

    public init(
        uid: String, kind: GroupVersionKind, operation: String, namespace: String, name: String = "",
        object: JSONValue?, dryRun: Bool = false, username: String? = nil
    ) {
        self.uid = uid
        self.kind = kind
        self.operation = operation
        self.namespace = namespace
        self.name = name
        self.object = object
        self.dryRun = dryRun
        self.username = username
    }
}
