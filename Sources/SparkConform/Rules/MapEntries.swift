import SparkConformJSON

/// Adding one entry to a string map of the pod (`spec.nodeSelector`,
/// `metadata.annotations`) the way every rule must: add when missing, keep a
/// user's different value and report the conflict (replace it only when the
/// policy says override).
struct MapEntries {
    let rule: RuleID
    let path: [String]
    /// Dotted, for conflicts: `spec.nodeSelector`.
    let field: String
    let noun: String

    static let nodeSelector = (path: ["spec", "nodeSelector"], field: "spec.nodeSelector", noun: "nodeSelector")
    static let annotations = (path: ["metadata", "annotations"], field: "metadata.annotations", noun: "annotation")

    init(rule: RuleID, _ map: (path: [String], field: String, noun: String)) {
        self.rule = rule
        self.path = map.path
        self.field = map.field
        self.noun = map.noun
    }

    func ensure(
        _ key: String, _ wanted: String, override: Bool, in pod: inout JSONValue,
        changes: inout [String], conflicts: inout [Conflict]
    ) {
        guard let existing = pod[path: path + [key]]?.stringValue else {
            pod[path: path + [key]] = .string(wanted)
            changes.append("\(noun) \(key)=\(wanted)")
            return
        }
        guard existing != wanted else { return }
        conflicts.append(Conflict(
            rule: rule, field: "\(field).\(key)", podValue: existing, policyValue: wanted,
            resolution: override ? .overridden : .keptPodValue))
        if override {
            pod[path: path + [key]] = .string(wanted)
            changes.append("\(noun) \(key)=\(wanted) (replaced \(existing))")
        }
    }
}
