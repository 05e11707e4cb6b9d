import SparkConformJSON

/// Driver on on-demand capacity (losing it kills the application), executors
/// on Spot (losing one costs a retry). The default preset `auto` is satisfiable
/// on any cluster: drivers require "not Spot" under every known capacity label,
/// executors prefer Spot under each and tolerate the known Spot taints. The
/// explicit presets use one label strictly (nodeSelector entries). On Karpenter
/// the driver also gets `karpenter.sh/do-not-disrupt`, so consolidation never evicts it.
public struct NodeLifecycleRule: PodRule {
    public let id = RuleID.nodeLifecycle
    public var policySection: WritableKeyPath<Policy, Policy.NodeLifecycle> { \.nodeLifecycle }

    public init() {}

    public func apply(to pod: inout JSONValue, context: RuleContext) -> RuleOutcome {
        if let skip = skippedOnFargate(context, "has no EC2 capacity to select or tolerate") { return skip }
        let settings = context.policy.nodeLifecycle
        var changes: [String] = []
        var conflicts: [Conflict] = []
        let selector = MapEntries(rule: id, MapEntries.nodeSelector)
        for (key, value) in settings.preset.nodeSelector {
            selector.ensure(key, value, override: settings.override, in: &pod, changes: &changes, conflicts: &conflicts)
        }
        let wanted = context.role == .driver ? settings.onDemandValue : settings.spotValue
        if settings.isAuto {
            applyAuto(settings, to: &pod, role: context.role, changes: &changes, conflicts: &conflicts)
        } else if context.role == .executor && settings.preferSpot {
            if let existing = pod[path: MapEntries.nodeSelector.path + [settings.labelKey]]?.stringValue {
                // A hard selector is the user's; preferring Spot never replaces it.
                if existing != wanted {
                    conflicts.append(Conflict(
                        rule: id, field: "spec.nodeSelector.\(settings.labelKey)", podValue: existing, policyValue: wanted,
                        resolution: .keptPodValue))
                }
            } else if addPreferredSpot(key: settings.labelKey, value: wanted, weight: settings.preferSpotWeight, to: &pod) {
                changes.append("preferred nodeAffinity \(settings.labelKey) In [\(wanted)]")
            }
        } else {
            selector.ensure(settings.labelKey, wanted, override: settings.override, in: &pod, changes: &changes, conflicts: &conflicts)
        }

        if context.role == .executor {
            for toleration in settings.spotTolerations where Tolerations.ensure(toleration, in: &pod) {
                changes.append("toleration \(toleration.summary)")
            }
        }
        if context.role == .driver {
            for (key, value) in settings.preset.driverAnnotations {
                MapEntries(rule: id, MapEntries.annotations).ensure(
                    key, value, override: settings.override, in: &pod, changes: &changes, conflicts: &conflicts)
            }
        }
        // Which preset decided, in explain and the audit record (reasons built only when reported).
        let preset = settings.presetName
        if !changes.isEmpty { changes[0] = "preset \(preset): \(changes[0])" }
        return outcome(
            changes: changes,
            satisfiedReason: "preset \(preset): "
                + (!settings.isAuto ? "pod already targets \(settings.labelKey)=\(wanted)"
                    : context.role == .driver ? "pod already kept off Spot under every capacity label"
                    : "pod already prefers Spot under every capacity label"),
            conflicts: conflicts)
    }

    /// Every known capacity label at once: a driver kept off Spot by a required `NotIn`
    /// under each (a node without the label passes), an executor preferring Spot under each.
    private func applyAuto(
        _ settings: Policy.NodeLifecycle, to pod: inout JSONValue, role: SparkRole, changes: inout [String], conflicts: inout [Conflict]
    ) {
        for scheme in Policy.CapacityPreset.spotLabels {
            if role == .executor {
                if addPreferredSpot(key: scheme.key, value: scheme.spotValues[0], weight: settings.preferSpotWeight, to: &pod) {
                    changes.append("preferred nodeAffinity \(scheme.key) In [\(scheme.spotValues[0])]")
                }
                continue
            }
            // Added where the user's terms leave room, kept where they ask for Spot: both are said.
            let result = RequiredNodeAffinity(key: scheme.key, excluded: scheme.spotValues).ensure(in: &pod)
            if result.addedToTerms > 0 {
                let whereAdded =
                    result.addedToTerms < result.terms ? " in \(result.addedToTerms) of \(result.terms) terms"
                    : result.terms > 1 ? " in each of \(result.terms) terms" : ""
                changes.append("required nodeAffinity \(scheme.key) NotIn [\(scheme.spotValues.joined(separator: ","))]" + whereAdded)
            }
            if let conflict = result.conflict {
                conflicts.append(Conflict(
                    rule: id, field: conflict.field, podValue: conflict.podValue, policyValue: "not \(scheme.spotValues.joined(separator: "|"))",
                    resolution: .keptPodValue))
            }
        }
    }

    private func addPreferredSpot(key: String, value: String, weight: Int, to pod: inout JSONValue) -> Bool {
        let path = ["spec", "affinity", "nodeAffinity", AffinityTerms.preferredField]
        let terms = pod[path: path]?.arrayValue ?? []
        let preference: JSONValue = ["matchExpressions": [["key": .string(key), "operator": "In", "values": [.string(value)]]]]
        if terms.contains(where: { $0["preference"] == preference }) { return false }
        pod[path: path] = .array(terms + [["weight": .int(weight), "preference": preference]])
        return true
    }
}

extension RuleID {
    public static let nodeLifecycle = RuleID(declaring: "node-lifecycle")
}
