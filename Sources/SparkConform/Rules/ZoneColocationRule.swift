import SparkConformJSON

/// Executors in one Availability Zone with their driver: shuffle between
/// driver and executors stays inside one zone (no cross-AZ transfer cost or
/// latency). Every required term must be satisfiable, or the executor stays
/// Pending forever: when no Spark driver pod owns the executor (client mode,
/// a notebook's pod), the term selects the application's own executors instead.
public struct ZoneColocationRule: PodRule {
    public let id = RuleID.zoneColocation
    public var policySection: WritableKeyPath<Policy, Policy.AffinityTermSettings> { \.zoneColocation }

    public init() {}

    public func apply(to pod: inout JSONValue, context: RuleContext) -> RuleOutcome {
        let appID: String
        switch affinityAppID(context) {
        case .success(let id): appID = id
        case .failure(let skip): return skip.outcome
        }
        let settings = context.policy.zoneColocation
        let original = context.original
        if original.ownerIsSparkDriver {
            let term = Self.term(appID: appID, role: .driver, topologyKey: settings.topologyKey)
            return ensure(
                term, .podAffinity, strength: settings.strength, weight: settings.weight, in: &pod,
                change: "\(settings.strength.rawValue) podAffinity to driver of \(appID) by \(settings.topologyKey)",
                already: "pod already has the podAffinity term")
        }
        // No driver pod to follow: the executors follow each other. The scheduler lets
        // the first one through because it matches its own term, provided no pod matches
        // the term yet and the pod matches all its required terms (kube-scheduler,
        // interpodaffinity/filtering.go, satisfiesPodsAffinityAntiAffinity). A required
        // term of the user's own could break the second condition: then only prefer.
        let why = original.ownerPodName.map { "owner \($0) is not a Spark driver" } ?? "no pod owns it (client mode)"
        var strength = settings.strength
        var note = ""
        let existingRequired = pod[path: AffinityTerms.Kind.podAffinity.requiredPath]?.arrayValue ?? []
        if strength == .required, !existingRequired.isEmpty {
            strength = .preferred
            note = "; preferred, as the pod has required podAffinity terms of its own"
        }
        let term = Self.term(appID: appID, role: .executor, topologyKey: settings.topologyKey)
        return ensure(
            term, .podAffinity, strength: strength, weight: settings.weight, in: &pod,
            change: "\(why): \(strength.rawValue) podAffinity to \(appID)'s executors by \(settings.topologyKey)\(note)",
            already: "\(why): pod already has the podAffinity term to its application's executors")
    }

    static func term(appID: String, role: SparkRole, topologyKey: String) -> JSONValue {
        let selector: JSONValue = ["matchLabels": [SparkLabels.appSelector: .string(appID), SparkLabels.role: .string(role.rawValue)]]
        return AffinityTerms.podTerm(selector: selector, topologyKey: topologyKey)
    }
}

extension RuleID {
    public static let zoneColocation = RuleID(declaring: "zone-colocation")
}
