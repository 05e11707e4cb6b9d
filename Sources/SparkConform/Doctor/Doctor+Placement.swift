import SparkConformJSON

extension Doctor {
    /// `capacity-placement`: the pods the webhook patches can be placed on a node
    /// the cluster has, or one a NodePool may launch.
    static func capacityPlacement(_ cluster: ClusterSnapshot, _ policy: Policy) -> [Finding] {
        let candidates = cluster.candidateNodes
        let preset = policy.nodeLifecycle.presetName
        guard !candidates.isEmpty else {
            return [Finding(
                severity: .warning, check: "capacity-placement", subject: "nodes",
                message: "no nodes and no Karpenter NodePools were read: where Spark pods land cannot be checked",
                fix: "run doctor against the cluster with read access to nodes (and nodepools.karpenter.sh)")]
        }
        let namespace = sparkNamespace(cluster, policy)
        var findings: [Finding] = []
        for role in [SparkRole.driver, .executor] {
            let pod = patchedSparkPod(role, policy: policy, namespace: namespace)
            guard !candidates.contains(where: { NodeFit.fits(pod, on: $0) }) else { continue }
            let selector = (pod[path: ["spec", "nodeSelector"]]?.objectValue?.members ?? [])
                .map { "\($0.key)=\($0.value.stringValue ?? "")" }.joined(separator: ", ")
            let suggested = suggestedPreset(cluster)
            findings.append(Finding(
                severity: .error, check: "capacity-placement", subject: "node-lifecycle preset \(preset)",
                message: "\(role.rawValue)s the webhook patches would stay Pending: none of \(cluster.nodes.count) nodes and "
                    + "\(cluster.nodePools.count) NodePools matches " + (selector.isEmpty ? "their node affinity and taints" : selector),
                fix: suggested.rawValue == preset
                    ? "label the nodes the policy selects, or set rules.node-lifecycle.preset: auto"
                    : "set rules.node-lifecycle.preset: \(suggested.rawValue) (the labels these nodes carry)"))
        }
        return findings
    }

    /// `spot-toleration`: Spot capacity exists, but executors tolerate none of it.
    static func spotToleration(_ cluster: ClusterSnapshot, _ policy: Policy) -> [Finding] {
        let spot = cluster.candidateNodes.filter(NodeFit.isSpot)
        guard !spot.isEmpty else { return [] }
        let pod = patchedSparkPod(.executor, policy: policy, namespace: sparkNamespace(cluster, policy))
        guard !spot.contains(where: { NodeFit.untolerated(pod, on: $0).isEmpty }) else { return [] }
        let taints = Set(spot.flatMap { NodeFit.untolerated(pod, on: $0) }.map(\.summary)).sorted()
        return [Finding(
            severity: .warning, check: "spot-toleration", subject: "\(spot.count) Spot node\(spot.count == 1 ? "" : "s")",
            message: "executors never tolerate the Spot capacity's taint\(taints.count == 1 ? "" : "s") \(taints.joined(separator: ", ")): they will not run on Spot",
            fix: "set rules.node-lifecycle.spotToleration to the taint (key, value, effect)")]
    }
}
