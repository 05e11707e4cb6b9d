/// A policy made ready to decide with, once, when it loads: each namespace
/// override folded into a policy of its own, and every rule's switch read
/// from the rule's own section. The server resolves on every load and reload;
/// a pod then costs a lookup, not a fold and seven key-path reads.
public struct ResolvedPolicy: Sendable {
    /// The policy for the pods of one namespace.
    public struct ForNamespace: Sendable {
        public let policy: Policy
        /// Each table rule's switch, by its position in `RuleTable.rules`.
        let enabled: [Bool]

        init(_ policy: Policy) {
            self.policy = policy
            enabled = RuleTable.rules.map { $0.isEnabled(in: policy) }
        }
    }

    /// As loaded, overrides unfolded (what `/preview` and `policy` print from).
    public let policy: Policy
    let everywhere: ForNamespace
    let overridden: [String: ForNamespace]

    public init(_ policy: Policy) {
        self.policy = policy
        everywhere = ForNamespace(policy)
        overridden = policy.namespaceOverrides.keys.reduce(into: [:]) { $0[$1] = ForNamespace(Self.fold(policy, namespace: $1)) }
    }

    public func forNamespace(_ namespace: String) -> ForNamespace {
        overridden.isEmpty ? everywhere : overridden[namespace] ?? everywhere
    }

    /// The policy that applies in one namespace, its override folded in.
    static func fold(_ base: Policy, namespace: String) -> Policy {
        guard let override = base.namespaceOverrides[namespace] else { return base }
        var policy = base
        if let mode = override.mode { policy.mode = mode }
        if let name = override.serviceAccount {
            // Naming an account for a namespace states that it exists there.
            policy.serviceAccount.name = name
            policy.serviceAccount.existsIn.append(namespace)
        }
        if let arn = override.roleARN { policy.serviceAccount.roleARN = arn.isEmpty ? nil : arn }
        if let region = override.region { policy.serviceAccount.region = region.isEmpty ? nil : region }
        for rule in RuleTable.rules {
            if let enabled = override.rules[rule.id] { rule.setEnabled(enabled, in: &policy) }
        }
        return policy
    }
}
