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
