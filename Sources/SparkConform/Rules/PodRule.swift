/// What every rule sees: the pod as received and the policy in force for it.
public struct RuleContext: Sendable {
    public let original: PodView
    public let role: SparkRole
    public let appID: String?
    public let namespace: String
    public let policy: Policy
}

/// One best practice. A rule edits the draft pod (never the patch) and
/// reports its outcome; it only adds what is missing and keeps user values.
public protocol PodRule: Sendable {
    var id: RuleID { get }
    func apply(to pod: inout JSONValue, context: RuleContext) -> RuleOutcome
}

extension PodRule {
    func applied(_ reason: String, conflicts: [Conflict] = []) -> RuleOutcome {
        RuleOutcome(rule: id, status: .applied, reason: reason, conflicts: conflicts)
    }

    func satisfied(_ reason: String, conflicts: [Conflict] = []) -> RuleOutcome {
        RuleOutcome(rule: id, status: .satisfied, reason: reason, conflicts: conflicts)
    }

    func skipped(_ reason: String) -> RuleOutcome {
        RuleOutcome(rule: id, status: .skipped, reason: reason)
    }

    /// Applied when anything changed, satisfied otherwise.
    func outcome(changes: [String], satisfiedReason: String, conflicts: [Conflict] = []) -> RuleOutcome {
        changes.isEmpty
            ? satisfied(satisfiedReason, conflicts: conflicts)
            : applied(changes.joined(separator: "; "), conflicts: conflicts)
    }
}
