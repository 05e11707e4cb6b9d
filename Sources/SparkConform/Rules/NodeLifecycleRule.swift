/// Driver on on-demand capacity (losing it kills the application), executors
/// on Spot (losing one costs a retry), through nodeSelector entries and the
/// Spot taint's toleration.
public struct NodeLifecycleRule: PodRule {
    public let id = RuleID.nodeLifecycle

    public init() {}

    public func apply(to pod: inout JSONValue, context: RuleContext) -> RuleOutcome {
        let settings = context.policy.nodeLifecycle
        let wanted = context.role == .driver ? settings.onDemandValue : settings.spotValue
        let selectorPath = ["spec", "nodeSelector"]
        var changes: [String] = []
        var conflicts: [Conflict] = []

        let existing = pod[path: selectorPath + [settings.labelKey]]?.stringValue
        let preferSpot = context.role == .executor && settings.preferSpot
        if let existing, existing != wanted {
            let overridden = settings.override && !preferSpot
            conflicts.append(Conflict(
                rule: id, field: "spec.nodeSelector.\(settings.labelKey)", podValue: existing, policyValue: wanted,
                resolution: overridden ? .overridden : .keptPodValue))
            if overridden {
                pod[path: selectorPath + [settings.labelKey]] = .string(wanted)
                changes.append("nodeSelector \(settings.labelKey)=\(wanted) (replaced \(existing))")
            }
        } else if existing == nil {
            if preferSpot {
                if addPreferredSpot(settings, to: &pod) {
                    changes.append("preferred nodeAffinity \(settings.labelKey) In [\(wanted)]")
                }
            } else {
                pod[path: selectorPath + [settings.labelKey]] = .string(wanted)
                changes.append("nodeSelector \(settings.labelKey)=\(wanted)")
            }
        }

        if context.role == .executor, let toleration = settings.spotToleration, !tolerates(pod, toleration) {
            let entry: JSONValue = [
                "key": .string(toleration.key), "operator": "Equal", "value": .string(toleration.value),
                "effect": .string(toleration.effect),
            ]
            let tolerations = pod[path: ["spec", "tolerations"]]?.arrayValue ?? []
            pod[path: ["spec", "tolerations"]] = .array(tolerations + [entry])
            changes.append("toleration \(toleration.key)=\(toleration.value):\(toleration.effect)")
        }
        return outcome(changes: changes, satisfiedReason: "pod already targets \(settings.labelKey)=\(wanted)", conflicts: conflicts)
    }

    private func addPreferredSpot(_ settings: Policy.NodeLifecycle, to pod: inout JSONValue) -> Bool {
        let path = ["spec", "affinity", "nodeAffinity", AffinityTerms.preferredField]
        let terms = pod[path: path]?.arrayValue ?? []
        let preference: JSONValue = [
            "matchExpressions": [
                ["key": .string(settings.labelKey), "operator": "In", "values": [.string(settings.spotValue)]]
            ]
        ]
        if terms.contains(where: { $0["preference"] == preference }) { return false }
        pod[path: path] = .array(terms + [["weight": .int(settings.preferSpotWeight), "preference": preference]])
        return true
    }

    /// Kubernetes' own matching: an empty key with Exists tolerates every taint.
    private func tolerates(_ pod: JSONValue, _ taint: Policy.Toleration) -> Bool {
        let tolerations = pod[path: ["spec", "tolerations"]]?.arrayValue ?? []
        return tolerations.contains { toleration in
            let key = toleration["key"]?.stringValue ?? ""
            let op = toleration["operator"]?.stringValue ?? "Equal"
            let effect = toleration["effect"]?.stringValue ?? ""
            guard effect.isEmpty || effect == taint.effect else { return false }
            if op == "Exists" { return key.isEmpty || key == taint.key }
            return key == taint.key && (toleration["value"]?.stringValue ?? "") == taint.value
        }
    }
}
