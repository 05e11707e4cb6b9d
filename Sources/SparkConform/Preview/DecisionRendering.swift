import SparkConformJSON

/// The member names of every JSON rendering of a decision: explain (JSON and
/// YAML) and the audit record, whose reader (`AuditReport`) shares them too.
public enum DecisionField: String, Sendable {
    case kind, time, uid, namespace, pod, role, appId, operation, dryRun, mode, podSecurity, runsOn, capacityPreset
    case localDirsMode, localDirsModeFrom
    case outcome, reason, rulesApplied, rulesSatisfied, rulesSkipped, conflicts, patchOperations
    case wouldPatchOperations, wouldPatch, warnings, latencyMs, user, status, error
    case rules, auditAnnotations, patch
}

/// Every rendering of a `Decision` lives here: explain as text, JSON or YAML,
/// the decision's part of the audit record, and the view of some rules
/// (`preview --rules`, the golden cases), so the formats say the same thing.
extension Decision {
    /// The facts every JSON rendering states, in one order: who the pod is
    /// to Spark, how it was judged, where it runs, and what came of it.
    func appendFacts(to members: inout [JSONMember]) {
        func add(_ field: DecisionField, _ value: JSONValue) { members.append(JSONMember(key: field.rawValue, value: value)) }
        add(.role, role.map { .string($0.rawValue) } ?? .null)
        add(.appId, appID.map(JSONValue.string) ?? .null)
        add(.mode, .string(mode.rawValue))
        if let podSecurity {
            add(.podSecurity, ["level": .string(podSecurity.level.rawValue), "source": .string(podSecurity.source.rawValue)])
        }
        if let landing { add(.runsOn, .string(landing.description)) }
        if let capacityPreset { add(.capacityPreset, .string(capacityPreset)) }
        if let localDirsMode { add(.localDirsMode, .string(localDirsMode.rawValue)) }
        if let localDirsModeSource { add(.localDirsModeFrom, .string(localDirsModeSource.description)) }
        add(.outcome, .string(outcome.rawValue))
        if let reason { add(.reason, .string(reason)) }
    }

    public func rules(with status: RuleOutcome.Status) -> [RuleOutcome] { outcomes.filter { $0.status == status } }

    public var conflictsJSON: JSONValue { .array(conflicts.map(\.json)) }

    /// `preview --output explain --format json|yaml`.
    public func explanation(pod name: String, namespace: String) -> JSONValue {
        var members = [JSONMember(key: DecisionField.pod.rawValue, value: .string(name))]
        func add(_ field: DecisionField, _ value: JSONValue) { members.append(JSONMember(key: field.rawValue, value: value)) }
        add(.namespace, .string(namespace))
        appendFacts(to: &members)
        add(.rules, .array(outcomes.map { outcome in
            var object = JSONObject([
                ("rule", .string(outcome.rule.rawValue)), ("status", .string(outcome.status.rawValue)),
                ("reason", .string(outcome.reason)),
            ])
            if !outcome.conflicts.isEmpty { object["conflicts"] = .array(outcome.conflicts.map(\.json)) }
            return .object(object)
        }))
        add(.warnings, .array(warnings.map(JSONValue.string)))
        add(.auditAnnotations, .object(JSONObject(auditAnnotations.map { ($0.key, JSONValue.string($0.value)) })))
        add(.patch, PatchOperation.document(sentPatch))
        if mode == .audit { add(.wouldPatch, PatchOperation.document(enforcePatch)) }
        return .object(JSONObject(distinctMembers: members))
    }

    /// `preview --output explain` as text, for a person.
    public func explanationText(pod name: String, namespace: String) -> String {
        var lines: [String] = []
        var header = "pod \(namespace)/\(name)"
        if let role { header += " (\(role.rawValue)" + (appID.map { ", app \($0)" } ?? "") + ")" }
        lines.append(header)
        if let reason {
            lines.append("  unchanged: \(reason)")
        } else {
            let count = enforcePatch.count
            let operations = "\(count) patch operation\(count == 1 ? "" : "s")" + (rulesShown == nil ? "" : " from the rules shown")
            lines.append(mode == .audit ? "  mode audit: would apply \(operations), applies none" : "  mode enforce: \(operations)")
            if let podSecurity { lines.append("  pod security: \(podSecurity.description)") }
            if let landing {
                let preset = capacityPreset.map { " (preset \($0))" } ?? ""
                let source = localDirsModeSource.map { " (\($0))" } ?? ""
                lines.append("  runs on: \(landing.description)\(preset); local dirs: \(localDirsMode?.rawValue ?? "-")\(source)")
            }
            if let rulesShown { lines.append("  rules shown: " + (rulesShown.isEmpty ? "none" : rulesShown.map(\.rawValue).joined(separator: ", "))) }
            // The column fits the rules shown, so a view does not change when another rule is added.
            let width = outcomes.map(\.rule.rawValue.count).max() ?? 0
            for outcome in outcomes {
                let status = outcome.status.rawValue.padding(toLength: 9)
                lines.append("  \(status) \(outcome.rule.rawValue.padding(toLength: width))  \(outcome.reason)")
                for conflict in outcome.conflicts { lines.append("    conflict: \(conflict.summary)") }
            }
        }
        for warning in warnings { lines.append("  warning: \(warning)") }
        let annotations = auditAnnotations
        if !annotations.isEmpty {
            lines.append("  audit annotations: " + annotations.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The decision as far as `rules` are concerned: their outcomes, the
    /// warnings about them and those about no rule, and the operations they
    /// added (each relative to the pod the earlier rules left; recorded only
    /// when the decision was made with `recordingRuleOperations`). Adding a
    /// rule, or rewording another's reasons, leaves this view unchanged.
    public func showing(_ rules: [RuleID]) -> Decision {
        var view = self
        view.rulesShown = RuleTable.ids.filter(rules.contains)
        guard reason == nil else { return view }
        view.outcomes = outcomes.filter { rules.contains($0.rule) }
        view.warnings = notices + Self.warnings(about: view.outcomes, auditMode: mode == .audit && outcome != .internalError)
        let operations = outcome == .internalError ? [] : view.outcomes.flatMap { $0.operations ?? [] }
        view.enforcePatch = operations
        view.sentPatch = mode == .enforce ? operations : []
        return view
    }

    /// The admission warnings the rules' outcomes give: conflicts, what a rule
    /// could not do, and in audit mode what each rule would do.
    static func warnings(about outcomes: [RuleOutcome], auditMode: Bool) -> [String] {
        var warnings = outcomes.flatMap(\.conflicts).map { Mutator.clip("spark-conform: " + $0.summary) }
        for outcome in outcomes {
            if let warning = outcome.warning { warnings.append(Mutator.clip("spark-conform: \(outcome.rule.rawValue): \(warning)")) }
        }
        if auditMode {
            for outcome in outcomes where outcome.status == .applied {
                warnings.append(Mutator.clip("spark-conform audit mode: \(outcome.rule.rawValue) would apply: \(outcome.reason)"))
            }
        }
        return warnings
    }
}

extension Conflict {
    public var json: JSONValue {
        [
            "rule": .string(rule.rawValue), "field": .string(field), "podValue": .string(podValue),
            "policyValue": .string(policyValue), "resolution": .string(resolution.rawValue),
        ]
    }
}
