import SparkConformJSON

/// kube-scheduler's node filters for a pod (pkg/scheduler/framework/plugins/nodeaffinity
/// and tainttoleration, component-helpers/scheduling/corev1): every nodeSelector entry,
/// the required nodeSelectorTerms ORed with the expressions of each ANDed (NotIn and
/// DoesNotExist match a node without the key), and a toleration for every NoSchedule
/// and NoExecute taint.
enum NodeFit {
    static func fits(_ pod: JSONValue, on node: ClusterSnapshot.Node) -> Bool {
        for member in pod[path: ["spec", "nodeSelector"]]?.objectValue?.members ?? []
        where node.labels[member.key] != member.value.stringValue {
            return false
        }
        let termsPath = ["spec", "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms"]
        if let terms = pod[path: termsPath]?.arrayValue, !terms.contains(where: { matches($0, node.labels) }) {
            return false
        }
        return untolerated(pod, on: node).isEmpty
    }

    /// The taints of `node` the pod does not tolerate.
    static func untolerated(_ pod: JSONValue, on node: ClusterSnapshot.Node) -> [Policy.Toleration] {
        let tolerations = pod[path: ["spec", "tolerations"]]?.arrayValue ?? []
        return node.taints.filter { taint in
            (taint.effect == "NoSchedule" || taint.effect == "NoExecute") && !tolerations.contains { Tolerations.tolerates($0, taint) }
        }
    }

    private static func matches(_ term: JSONValue, _ labels: [String: String]) -> Bool {
        let expressions = term["matchExpressions"]?.arrayValue ?? []
        guard !expressions.isEmpty else { return false }
        return expressions.allSatisfy { expression in
            guard let key = expression["key"]?.stringValue else { return false }
            let values = (expression["values"]?.arrayValue ?? []).compactMap(\.stringValue)
            let value = labels[key]
            switch expression["operator"]?.stringValue {
            case "In": return value.map(values.contains) ?? false
            case "NotIn": return value.map { !values.contains($0) } ?? true
            case "Exists": return value != nil
            case "DoesNotExist": return value == nil
            case "Gt": return value.flatMap { Int($0) }.flatMap { v in values.first.flatMap { Int($0) }.map { v > $0 } } ?? false
            case "Lt": return value.flatMap { Int($0) }.flatMap { v in values.first.flatMap { Int($0) }.map { v < $0 } } ?? false
            default: return false
            }
        }
    }

    /// Whether a node is Spot under any capacity label the presets know.
    static func isSpot(_ node: ClusterSnapshot.Node) -> Bool {
        Policy.CapacityPreset.spotLabels.contains { scheme in node.labels[scheme.key].map(scheme.spotValues.contains) ?? false }
    }
}
