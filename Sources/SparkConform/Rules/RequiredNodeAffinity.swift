import SparkConformJSON

/// A requirement ANDed into a pod's required node affinity, the way the
/// scheduler reads it (component-helpers/scheduling/corev1/nodeaffinity):
/// `nodeSelectorTerms` are ORed, the expressions inside a term ANDed, and
/// `nodeSelector` must hold as well. So the requirement goes into every term
/// the pod has (a new term would widen what the user asked for), or into one
/// new term when it has none.
struct RequiredNodeAffinity {
    static let termsPath = ["spec", "affinity", "nodeAffinity", AffinityTerms.requiredField, "nodeSelectorTerms"]

    /// `key NotIn excluded`: the node must not carry any of these values (a node without the key passes).
    let key: String
    let excluded: [String]

    /// What `ensure` did: the terms it added the requirement to (a new one when the
    /// pod had none), and the first place the user asks for an excluded value
    /// (kept, and the requirement not added there). Neither: already satisfied.
    struct Result {
        var addedToTerms = 0
        /// The pod's required terms after `ensure`.
        var terms = 1
        var conflict: (field: String, podValue: String)?
    }

    var expression: JSONValue {
        ["key": .string(key), "operator": "NotIn", "values": .array(excluded.map { .string($0) })]
    }

    func ensure(in pod: inout JSONValue) -> Result {
        if let selected = pod[path: ["spec", "nodeSelector", key]]?.stringValue {
            // The selector decides this key on every node: nothing to add, or a contradiction.
            return Result(conflict: excluded.contains(selected) ? (field: "spec.nodeSelector.\(key)", podValue: selected) : nil)
        }
        guard let terms = pod[path: Self.termsPath]?.arrayValue, !terms.isEmpty else {
            pod[path: Self.termsPath] = [["matchExpressions": [expression]]]
            return Result(addedToTerms: 1)
        }
        var updated = terms
        var result = Result(terms: terms.count)
        for (index, term) in terms.enumerated() {
            let expressions = term["matchExpressions"]?.arrayValue ?? []
            switch judge(expressions) {
            case .keeps: continue
            case .asksFor(let value):
                if result.conflict == nil { result.conflict = ("spec.affinity.nodeAffinity.required term \(index + 1) \(key)", value) }
            case .open:
                updated[index][path: ["matchExpressions"]] = .array(expressions + [expression])
                result.addedToTerms += 1
            }
        }
        if result.addedToTerms > 0 { pod[path: Self.termsPath] = .array(updated) }
        return result
    }

    private enum Judgement { case keeps, asksFor(String), open }

    /// What a term's own expressions on the key say about the excluded values.
    private func judge(_ expressions: [JSONValue]) -> Judgement {
        var keeps = false
        for expression in expressions where expression["key"]?.stringValue == key {
            let values = (expression["values"]?.arrayValue ?? []).compactMap(\.stringValue)
            switch expression["operator"]?.stringValue {
            case "In":
                if let wanted = values.first(where: excluded.contains) { return .asksFor(wanted) }
                keeps = true  // only other values: none of ours
            case "NotIn" where excluded.allSatisfy(values.contains):
                keeps = true
            case "DoesNotExist":
                keeps = true
            default:
                continue  // Exists, a partial NotIn, Gt, Lt: ours still narrows it
            }
        }
        return keeps ? .keeps : .open
    }
}
