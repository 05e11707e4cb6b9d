/// `policy init --from-cluster`: a starting policy that states what the cluster
/// shows (the capacity preset its nodes' labels call for, the namespaces where
/// the Spark account exists) and keeps the rest of the embedded default.
public enum StarterPolicy {
    public static func yaml(for cluster: ClusterSnapshot, releaseNamespace: String) -> String {
        let labelled = Doctor.suggestedPreset(cluster)
        // A strict preset only where it places both roles and executors can use the Spot
        // capacity; otherwise auto, which narrows and prefers and never strands.
        var strict = Policy()
        strict.nodeLifecycle.preset = labelled
        let placesEverything = (Doctor.capacityPlacement(cluster, strict) + Doctor.spotToleration(cluster, strict)).isEmpty
        let preset = placesEverything ? labelled : .auto
        let defaults = Policy()
        let account = defaults.serviceAccount.name
        let withAccount = Doctor.sparkNamespaces(cluster, defaults, releaseNamespace: releaseNamespace)
            .filter { cluster.serviceAccount(account, in: $0) != nil }
        var why: String
        switch labelled {
        case .eksctl: why = "the nodes carry node-lifecycle (the blog's eksctl node groups)"
        case .eksManaged: why = "the nodes carry eks.amazonaws.com/capacityType (EKS managed node groups)"
        case .karpenter: why = "the nodes or NodePools carry karpenter.sh/capacity-type (Karpenter)"
        case .eksAuto: why = "the nodes carry eks.amazonaws.com/compute-type auto (EKS Auto Mode)"
        case .auto, .custom: why = "no capacity label the presets know: auto, satisfiable on any nodes"
        }
        if preset != labelled {
            why = "the nodes carry \(labelled.labelKey ?? "capacity") labels, but preset \(labelled.rawValue) would strand "
                + "pods or leave Spot unused here (spark-conform doctor says which): auto, satisfiable on any nodes"
        }
        let nodes = "\(cluster.nodes.count) node\(cluster.nodes.count == 1 ? "" : "s"), \(cluster.nodePools.count) NodePool\(cluster.nodePools.count == 1 ? "" : "s")"
        let namespaces = withAccount.joined(separator: ", ")
        return """
            # Written by spark-conform policy init --from-cluster (\(nodes)).
            # Everything not stated here is the embedded default: spark-conform policy default.
            rules:
              node-lifecycle:
                # \(why).
                preset: \(preset.rawValue)
              service-account:
                # The namespaces where the account \(account) exists\(withAccount.isEmpty ? " (none found)" : ""):
                # Spark pods there on the default account get it.
                existsIn: [\(namespaces)]

            """
    }
}
