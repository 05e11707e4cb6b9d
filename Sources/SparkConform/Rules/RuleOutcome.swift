/// What one rule did to one pod, and why.
public struct RuleOutcome: Sendable, Equatable {
    public enum Status: String, Sendable {
        /// The rule changed the pod.
        case applied
        /// The pod already had what the rule wants.
        case satisfied
        /// The rule did not run or could not apply; `reason` says why.
        case skipped
    }

    public let rule: RuleID
    public var status: Status
    public var reason: String
    public var conflicts: [Conflict]
    /// Something the user should see in kubectl's output (an admission warning)
    /// besides conflicts: what the rule could not do and why, in a few words.
    public var warning: String?
    /// The operations this rule added to the pod the earlier rules left; nil
    /// unless the decision was asked to record them (`recordingRuleOperations`).
    public var operations: [PatchOperation]?

    public init(rule: RuleID, status: Status, reason: String, conflicts: [Conflict] = [], warning: String? = nil) {
        self.rule = rule
        self.status = status
        self.reason = reason
        self.conflicts = conflicts
        self.warning = warning
    }
}
