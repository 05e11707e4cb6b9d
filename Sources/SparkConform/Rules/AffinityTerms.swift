/// Adding affinity terms without duplicating one the pod already has.
/// Two terms are the same when their selector and topology key are equal.
enum AffinityTerms {
    static let requiredField = "requiredDuringSchedulingIgnoredDuringExecution"
    static let preferredField = "preferredDuringSchedulingIgnoredDuringExecution"

    /// `kind` is `podAffinity` or `podAntiAffinity`. Returns false when an
    /// equivalent term (or a required one, when preferred is asked) exists.
    static func ensurePodAffinityTerm(
        _ term: JSONValue, kind: String, strength: Policy.Strength, weight: Int, in pod: inout JSONValue
    ) -> Bool {
        let base = ["spec", "affinity", kind]
        let required = pod[path: base + [requiredField]]?.arrayValue ?? []
        let preferred = pod[path: base + [preferredField]]?.arrayValue ?? []
        let matches = { (candidate: JSONValue?) in
            candidate?["labelSelector"] == term["labelSelector"] && candidate?["topologyKey"] == term["topologyKey"]
        }
        if required.contains(where: matches) { return false }
        switch strength {
        case .required:
            pod[path: base + [requiredField]] = .array(required + [term])
        case .preferred:
            if preferred.contains(where: { matches($0["podAffinityTerm"]) }) { return false }
            let weighted: JSONValue = ["weight": .int(weight), "podAffinityTerm": term]
            pod[path: base + [preferredField]] = .array(preferred + [weighted])
        }
        return true
    }

    static func podTerm(selector: JSONValue, topologyKey: String) -> JSONValue {
        ["labelSelector": selector, "topologyKey": .string(topologyKey)]
    }
}
