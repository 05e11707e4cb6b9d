import SparkConformJSON

/// Driver on on-demand capacity (losing it kills the application), executors
/// on Spot (losing one costs a retry), through nodeSelector entries and the
/// Spot taint's toleration. On Karpenter the driver also gets
/// `karpenter.sh/do-not-disrupt`, so consolidation never evicts it.
public struct NodeLifecycleRule: PodRule {
    public let id = RuleID.nodeLifecycle
    public var policySection: WritableKeyPath<Policy, Policy.NodeLifecycle> { \.nodeLifecycle }
    public func isEnabled(in policy: Policy) -> Bool { policy.nodeLifecycle.enabled }

    public init() {}

    public func apply(to pod: inout JSONValue, context: RuleContext) -> RuleOutcome {
        if let skip = skippedOnFargate(context, "has no EC2 capacity to select or tolerate") { return skip }
        let settings = context.policy.nodeLifecycle
        let wanted = context.role == .driver ? settings.onDemandValue : settings.spotValue
        var changes: [String] = []
        var conflicts: [Conflict] = []

        let preferSpot = context.role == .executor && settings.preferSpot
        if preferSpot {
            if let existing = pod[path: MapEntries.nodeSelector.path + [settings.labelKey]]?.stringValue {
                // A hard selector is the user's; preferring Spot never replaces it.
                if existing != wanted {
                    conflicts.append(Conflict(
                        rule: id, field: "spec.nodeSelector.\(settings.labelKey)", podValue: existing, policyValue: wanted,
                        resolution: .keptPodValue))
                }
            } else if addPreferredSpot(settings, to: &pod) {
                changes.append("preferred nodeAffinity \(settings.labelKey) In [\(wanted)]")
            }
        } else {
            MapEntries(rule: id, MapEntries.nodeSelector).ensure(
                settings.labelKey, wanted, override: settings.override, in: &pod, changes: &changes, conflicts: &conflicts)
        }

        if context.role == .executor, let toleration = settings.spotToleration, Tolerations.ensure(toleration, in: &pod) {
            changes.append("toleration \(toleration.summary)")
        }
        if context.role == .driver {
            for (key, value) in settings.preset.driverAnnotations {
                MapEntries(rule: id, MapEntries.annotations).ensure(
                    key, value, override: settings.override, in: &pod, changes: &changes, conflicts: &conflicts)
            }
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
}

extension RuleID {
    public static let nodeLifecycle = RuleID(declaring: "node-lifecycle")
}
