/// A user's value that disagrees with the policy.
public struct Conflict: Sendable, Equatable {
    public enum Resolution: String, Sendable {
        /// The user's value stays (the default).
        case keptPodValue = "kept-pod-value"
        /// The policy says `override`: the policy's value replaced it.
        case overridden
    }

    public let rule: RuleID
    /// Dotted field in the pod, e.g. `spec.nodeSelector.node-lifecycle`.
    public let field: String
    public let podValue: String
    public let policyValue: String
    public let resolution: Resolution

    public init(rule: RuleID, field: String, podValue: String, policyValue: String, resolution: Resolution) {
        self.rule = rule
        self.field = field
        self.podValue = podValue
        self.policyValue = policyValue
        self.resolution = resolution
    }

    /// One line, short enough for an admission warning.
    public var summary: String {
        switch resolution {
        case .keptPodValue: "\(rule.rawValue): kept \(field)=\(podValue) (policy: \(policyValue))"
        case .overridden: "\(rule.rawValue): replaced \(field)=\(podValue) with \(policyValue)"
        }
    }
}

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

    public init(rule: RuleID, status: Status, reason: String, conflicts: [Conflict] = []) {
        self.rule = rule
        self.status = status
        self.reason = reason
        self.conflicts = conflicts
    }
}
