import SparkConformJSON

/// The report for a program: every count, names as the audit log spells them.
extension AuditReport {
    public func json(top: Int) -> JSONValue {
        let appCounts = appCounts
        return [
            "input": [
                "lines": .int(lines), "auditRecords": .int(records), "otherLogLines": .int(otherLines),
                "blankLines": .int(blankLines), "badLines": .int(badLines),
                "badLineExamples": .array(badLineExamples.map { ["line": .int($0.line), "problem": .string($0.problem)] }),
            ],
            "period": ["from": firstTime.map(JSONValue.string) ?? .null, "to": lastTime.map(JSONValue.string) ?? .null],
            "totals": Self.summaryJSON(overall, members: [
                ("internalErrors", .int(internalErrors)), ("rejectedRequests", .int(rejectedRequests)),
                ("rejectedByStatus", Self.countsJSON(Dictionary(uniqueKeysWithValues: rejected.entries.map { (String($0.key), $0.value) }))),
            ]),
            "namespaces": .array(namespaceRows.map { name, summary in
                Self.summaryJSON(summary, members: [("namespace", .string(name)), ("apps", .int(appCounts[name] ?? 0))])
            }),
            "topConflicts": .array(topConflicts(top).map { key, summary in
                [
                    "rule": .string(key.rule), "field": .string(key.field), "podValue": .string(key.podValue),
                    "policyValue": .string(key.policyValue), "resolution": .string(key.resolution), "pods": .int(summary.pods),
                    "namespaces": Self.countsJSON(summary.namespaces.entries),
                    "examplePods": .array(summary.examplePods.map(JSONValue.string)),
                ]
            }),
            "apps": .array(topApps(top).map { key, summary in
                [
                    "namespace": .string(key.namespace), "appId": .string(key.appID), "pods": .int(summary.pods),
                    "change": .int(summary.change), "conflict": .int(summary.conflict),
                    "examplePods": .array(summary.examplePods.map(JSONValue.string)),
                ]
            }),
            "unitemised": .object(JSONObject(unitemised.map { ($0.what, JSONValue.int($0.records)) })),
        ]
    }

    /// A namespace's summary, or all of them, after the `members` that name it.
    private static func summaryJSON(_ summary: NamespaceSummary, members: [(String, JSONValue)]) -> JSONValue {
        .object(JSONObject(members + [
            ("admissions", .int(summary.admissions)),
            ("roles", countsJSON(summary.roles.entries)), ("modes", countsJSON(summary.modes.entries)),
            ("outcomes", countsJSON(summary.outcomes.entries)),
            ("change", .int(summary.change)), ("conflict", .int(summary.conflict)), ("dryRun", .int(summary.dryRun)),
            ("untouched", reasonsJSON(summary.untouched)),
            ("rules", .array(ruleRows(summary).map { rule, counts in
                [
                    "rule": .string(rule), "change": .int(counts.change), "satisfied": .int(counts.satisfied),
                    "skipped": .int(counts.skipped), "conflict": .int(counts.conflict),
                    "skipReasons": reasonsJSON(counts.skipReasons),
                ]
            })),
        ]))
    }

    private static func countsJSON(_ counts: [String: Int]) -> JSONValue {
        .object(JSONObject(counts.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.int($0.value)) }))
    }

    private static func reasonsJSON(_ tally: BoundedTally<String, Int>) -> JSONValue {
        .array(sortedCounts(tally).map { ["reason": .string($0.key), "pods": .int($0.count)] })
    }
}
