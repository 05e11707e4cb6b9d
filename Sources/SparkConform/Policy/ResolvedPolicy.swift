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
        overridden = policy.namespaceOverrides.keys.reduce(into: [:]) { $0[$1] = ForNamespace(policy.resolved(forNamespace: $1)) }
    }

    public func forNamespace(_ namespace: String) -> ForNamespace {
        overridden.isEmpty ? everywhere : overridden[namespace] ?? everywhere
    }
}
