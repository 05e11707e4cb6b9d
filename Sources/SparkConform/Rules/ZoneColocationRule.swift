import SparkConformJSON

/// Executors in the driver's Availability Zone: shuffle between driver and
/// executors stays inside one zone (no cross-AZ transfer cost or latency).
public struct ZoneColocationRule: PodRule {
    public let id = RuleID.zoneColocation
    public var policySection: WritableKeyPath<Policy, Policy.AffinityTermSettings> { \.zoneColocation }
    public func isEnabled(in policy: Policy) -> Bool { policy.zoneColocation.enabled }

    public init() {}

    public func apply(to pod: inout JSONValue, context: RuleContext) -> RuleOutcome {
        let settings = context.policy.zoneColocation
        let appID: String
        switch executorAppID(context) {
        case .success(let id): appID = id
        case .failure(let skip): return skip.outcome
        }
        // A required term with no driver pod to match would leave the executor Pending forever.
        if settings.strength == .required, !context.original.hasDriverPodOwner {
            return skipped("no driver pod owns this executor (client mode): a required term could never match")
        }
        let selector: JSONValue = [
            "matchLabels": [SparkLabels.appSelector: .string(appID), SparkLabels.role: .string(SparkRole.driver.rawValue)]
        ]
        let term = AffinityTerms.podTerm(selector: selector, topologyKey: settings.topologyKey)
        let added = AffinityTerms.ensurePodAffinityTerm(
            term, kind: .podAffinity, strength: settings.strength, weight: settings.weight, in: &pod)
        return added
            ? applied("\(settings.strength.rawValue) podAffinity to driver of \(appID) by \(settings.topologyKey)")
            : satisfied("pod already has the podAffinity term")
    }
}

extension RuleID {
    public static let zoneColocation = RuleID(declaring: "zone-colocation")
}
