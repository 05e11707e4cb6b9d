import SparkConformJSON

/// The JSON form of a decision's explanation, shared by `preview --output
/// explain` and the audit log so both describe a decision the same way.
extension Decision {
    public func rules(with status: RuleOutcome.Status) -> [RuleOutcome] { outcomes.filter { $0.status == status } }

    public var rulesJSON: JSONValue {
        .array(outcomes.map { outcome in
            var object = JSONObject([
                ("rule", .string(outcome.rule.rawValue)), ("status", .string(outcome.status.rawValue)),
                ("reason", .string(outcome.reason)),
            ])
            if !outcome.conflicts.isEmpty { object["conflicts"] = .array(outcome.conflicts.map(\.json)) }
            return .object(object)
        })
    }

    public var conflictsJSON: JSONValue { .array(conflicts.map(\.json)) }
}

extension Conflict {
    public var json: JSONValue {
        [
            "rule": .string(rule.rawValue), "field": .string(field), "podValue": .string(podValue),
            "policyValue": .string(policyValue), "resolution": .string(resolution.rawValue),
        ]
    }
}
