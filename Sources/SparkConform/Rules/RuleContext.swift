/// What every rule sees: the pod as received and the policy in force for it.
public struct RuleContext: Sendable {
    public let original: PodView
    public let role: SparkRole
    public let policy: Policy

    public var appID: String? { original.appID }
}
