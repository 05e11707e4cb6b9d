import SparkConformJSON

/// One line of the policy audit log per admission decision. Pure: the server
/// supplies the time and the measured latency.
public enum AuditRecord {
    /// Marks audit lines apart from operational log lines in one stream.
    public static let kind = "admission-audit"

    /// The record's member names: the writer here and `AuditReport`, its reader, share them.
    public typealias Field = DecisionField

    public static func decision(
        _ decision: Decision, request: AdmissionRequest, time: String, latencySeconds: Double
    ) -> JSONValue {
        let pod = request.object.map { PodView($0).displayName } ?? ""
        // Members in order, each key once: built as a list, not by keyed assignment.
        var members: [JSONMember] = []
        members.reserveCapacity(20)
        func add(_ field: Field, _ value: JSONValue) { members.append(JSONMember(key: field.rawValue, value: value)) }
        add(.kind, .string(kind))
        add(.time, .string(time))
        add(.uid, .string(request.uid))
        add(.namespace, .string(request.namespace))
        add(.pod, .string(pod.isEmpty ? request.name : pod))
        add(.operation, .string(request.operation))
        add(.dryRun, .bool(request.dryRun))
        decision.appendFacts(to: &members)
        add(.rulesApplied, .array(decision.rules(with: .applied).map { .string($0.rule.rawValue) }))
        add(.rulesSatisfied, .array(decision.rules(with: .satisfied).map { .string($0.rule.rawValue) }))
        add(.rulesSkipped, .array(decision.rules(with: .skipped).map {
            ["rule": .string($0.rule.rawValue), "reason": .string($0.reason)]
        }))
        add(.conflicts, decision.conflictsJSON)
        add(.patchOperations, .int(decision.sentPatch.count))
        if decision.mode == .audit {
            add(.wouldPatchOperations, .int(decision.enforcePatch.count))
            // Exactly what enforce mode would have sent.
            add(.wouldPatch, PatchOperation.document(decision.enforcePatch))
        }
        add(.warnings, .array(decision.warnings.map(JSONValue.string)))
        add(.latencyMs, .number(milliseconds(latencySeconds)))
        add(.user, request.username.map(JSONValue.string) ?? .null)
        return .object(JSONObject(distinctMembers: members))
    }

    /// A request refused before any decision (bad JSON, no request): still one line.
    public static func rejected(
        status: Int, message: String, uid: String?, time: String, latencySeconds: Double
    ) -> JSONValue {
        let members: [(Field, JSONValue)] = [
            (.kind, .string(kind)), (.time, .string(time)), (.uid, uid.map(JSONValue.string) ?? .null),
            (.outcome, "rejected"), (.status, .int(status)), (.error, .string(message)),
            (.latencyMs, .number(milliseconds(latencySeconds))),
        ]
        return .object(JSONObject(members.map { ($0.0.rawValue, $0.1) }))
    }

    /// Three decimals, written without Foundation's number formatting.
    static func milliseconds(_ seconds: Double) -> String {
        let micros = Int((max(0, seconds) * 1_000_000).rounded())
        let fraction = String(micros % 1000)
        return "\(micros / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}
