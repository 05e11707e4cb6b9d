import SparkConformJSON

/// Spark on node groups of its own (the blog's "Dedicate Amazon EKS node
/// groups to Spark workloads"): per role, the policy's nodeSelector entries
/// and tolerations for those groups' taints. Merges, conflicts and
/// idempotence as `node-lifecycle`.
public struct DedicatedNodesRule: PodRule {
    public let id = RuleID.dedicatedNodes
    public var policySection: WritableKeyPath<Policy, Policy.DedicatedNodes> { \.dedicatedNodes }

    public init() {}

    public func apply(to pod: inout JSONValue, context: RuleContext) -> RuleOutcome {
        if let skip = skippedOnFargate(context, "has no node groups to select or tolerate") { return skip }
        let settings = context.policy.dedicatedNodes
        let placement = settings.placement(for: context.role)
        guard !placement.isEmpty else { return skipped("policy names no dedicated nodes for \(context.role.rawValue) pods") }
        var changes: [String] = []
        var conflicts: [Conflict] = []
        let selector = MapEntries(rule: id, MapEntries.nodeSelector)
        for label in placement.nodeSelector {
            selector.ensure(label.key, label.value, override: settings.override, in: &pod, changes: &changes, conflicts: &conflicts)
        }
        for toleration in placement.tolerations where Tolerations.ensure(toleration, in: &pod) {
            changes.append("toleration \(toleration.summary)")
        }
        return outcome(changes: changes, satisfiedReason: "pod already targets the dedicated nodes", conflicts: conflicts)
    }
}

extension RuleID {
    public static let dedicatedNodes = RuleID(declaring: "dedicated-nodes")
}
