import SparkConformJSON

/// Tolerations: added only when no toleration the pod has already tolerates the taint.
enum Tolerations {
    /// True when the toleration was added.
    static func ensure(_ taint: Policy.Toleration, in pod: inout JSONValue) -> Bool {
        let tolerations = pod[path: ["spec", "tolerations"]]?.arrayValue ?? []
        if tolerations.contains(where: { tolerates($0, taint) }) { return false }
        let entry: JSONValue = [
            "key": .string(taint.key), "operator": "Equal", "value": .string(taint.value), "effect": .string(taint.effect),
        ]
        pod[path: ["spec", "tolerations"]] = .array(tolerations + [entry])
        return true
    }

    /// Kubernetes' own matching: an empty key with Exists tolerates every taint.
    static func tolerates(_ toleration: JSONValue, _ taint: Policy.Toleration) -> Bool {
        let key = toleration["key"]?.stringValue ?? ""
        let op = toleration["operator"]?.stringValue ?? "Equal"
        let effect = toleration["effect"]?.stringValue ?? ""
        guard effect.isEmpty || effect == taint.effect else { return false }
        if op == "Exists" { return key.isEmpty || key == taint.key }
        return key == taint.key && (toleration["value"]?.stringValue ?? "") == taint.value
    }
}

extension Policy.Toleration {
    var summary: String { "\(key)=\(value):\(effect)" }
}
