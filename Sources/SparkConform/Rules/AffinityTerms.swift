import SparkConformJSON

/// Adding affinity terms without duplicating one the pod already has.
/// Two terms are the same when their selector and topology key are equal.
enum AffinityTerms {
    static let requiredField = "requiredDuringSchedulingIgnoredDuringExecution"
    static let preferredField = "preferredDuringSchedulingIgnoredDuringExecution"

    enum Kind {
        case podAffinity, podAntiAffinity

        /// `spec.affinity.<kind>.required…` and `…preferred…`, built once rather than per pod.
        var requiredPath: [String] { self == .podAffinity ? Kind.affinityRequired : Kind.antiAffinityRequired }
        var preferredPath: [String] { self == .podAffinity ? Kind.affinityPreferred : Kind.antiAffinityPreferred }

        private static let affinityRequired = ["spec", "affinity", "podAffinity", requiredField]
        private static let affinityPreferred = ["spec", "affinity", "podAffinity", preferredField]
        private static let antiAffinityRequired = ["spec", "affinity", "podAntiAffinity", requiredField]
        private static let antiAffinityPreferred = ["spec", "affinity", "podAntiAffinity", preferredField]
    }

    /// Returns false when an equivalent term (or a required one, when preferred is asked) exists.
    static func ensurePodAffinityTerm(
        _ term: JSONValue, kind: Kind, strength: Policy.Strength, weight: Int, in pod: inout JSONValue
    ) -> Bool {
        let required = pod[path: kind.requiredPath]?.arrayValue ?? []
        let preferred = pod[path: kind.preferredPath]?.arrayValue ?? []
        let matches = { (candidate: JSONValue?) in
            candidate?["labelSelector"] == term["labelSelector"] && candidate?["topologyKey"] == term["topologyKey"]
        }
        if required.contains(where: matches) { return false }
        switch strength {
        case .required:
            pod[path: kind.requiredPath] = .array(required + [term])
        case .preferred:
            if preferred.contains(where: { matches($0["podAffinityTerm"]) }) { return false }
            let weighted: JSONValue = ["weight": .int(weight), "podAffinityTerm": term]
            pod[path: kind.preferredPath] = .array(preferred + [weighted])
        }
        return true
    }

    static func podTerm(selector: JSONValue, topologyKey: String) -> JSONValue {
        ["labelSelector": selector, "topologyKey": .string(topologyKey)]
    }
}
