import SparkConformJSON

/// An executor never shares a node with another application's executors,
/// so one job's disk and network load does not slow another's.
public struct AppIsolationRule: PodRule {
    public let id = RuleID.appIsolation
    public var policySection: WritableKeyPath<Policy, Policy.AffinityTermSettings> { \.appIsolation }

    public init() {}

    public func apply(to pod: inout JSONValue, context: RuleContext) -> RuleOutcome {
        let appID: String
        switch affinityAppID(context) {
        case .success(let id): appID = id
        case .failure(let skip): return skip.outcome
        }
        let settings = context.policy.appIsolation
        let selector: JSONValue = [
            "matchExpressions": [
                ["key": .string(SparkLabels.appSelector), "operator": "NotIn", "values": [.string(appID)]],
                ["key": .string(SparkLabels.role), "operator": "In", "values": [.string(SparkRole.executor.rawValue)]],
            ]
        ]
        let term = AffinityTerms.podTerm(selector: selector, topologyKey: settings.topologyKey)
        return ensure(
            term, .podAntiAffinity, strength: settings.strength, weight: settings.weight, in: &pod,
            change: "\(settings.strength.rawValue) podAntiAffinity to other applications' executors by \(settings.topologyKey)",
            already: "pod already has the podAntiAffinity term")
    }
}

extension RuleID {
    public static let appIsolation = RuleID(declaring: "app-isolation")
}
