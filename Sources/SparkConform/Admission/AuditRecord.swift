/// One line of the policy audit log per admission decision. Pure: the server
/// supplies the time and the measured latency.
public enum AuditRecord {
    /// Marks audit lines apart from operational log lines in one stream.
    public static let kind = "admission-audit"

    public static func decision(
        _ decision: Decision, request: AdmissionRequest, time: String, latencySeconds: Double
    ) -> JSONValue {
        let pod = request.object.map { PodView($0).displayName } ?? ""
        var record = JSONObject([
            ("kind", .string(kind)), ("time", .string(time)), ("uid", .string(request.uid)),
            ("namespace", .string(request.namespace)),
            ("pod", .string(pod.isEmpty ? request.name : pod)),
            ("role", decision.role.map { .string($0.rawValue) } ?? .null),
            ("appId", decision.appID.map(JSONValue.string) ?? .null),
            ("operation", .string(request.operation)), ("dryRun", .bool(request.dryRun)),
            ("mode", .string(decision.mode.rawValue)), ("outcome", .string(decision.outcomeName)),
        ])
        if let reason = decision.reason { record["reason"] = .string(reason) }
        record["rulesApplied"] = .array(decision.rules(with: .applied).map { .string($0.rule.rawValue) })
        record["rulesSatisfied"] = .array(decision.rules(with: .satisfied).map { .string($0.rule.rawValue) })
        record["rulesSkipped"] = .array(decision.rules(with: .skipped).map {
            ["rule": .string($0.rule.rawValue), "reason": .string($0.reason)]
        })
        record["conflicts"] = decision.conflictsJSON
        record["patchOperations"] = .int(decision.patch.count)
        if decision.mode == .audit {
            record["wouldPatchOperations"] = .int(decision.wouldPatch.count)
            // Exactly what enforce mode would have sent.
            record["wouldPatch"] = PatchOperation.document(decision.wouldPatch)
        }
        record["warnings"] = .array(decision.warnings.map(JSONValue.string))
        record["latencyMs"] = .number(milliseconds(latencySeconds))
        record["user"] = request.username.map(JSONValue.string) ?? .null
        return .object(record)
    }

    /// A request refused before any decision (bad JSON, no request): still one line.
    public static func rejected(
        status: Int, message: String, uid: String?, time: String, latencySeconds: Double
    ) -> JSONValue {
        .object(JSONObject([
            ("kind", .string(kind)), ("time", .string(time)), ("uid", uid.map(JSONValue.string) ?? .null),
            ("outcome", "rejected"), ("status", .int(status)), ("error", .string(message)),
            ("latencyMs", .number(milliseconds(latencySeconds))),
        ]))
    }

    /// Three decimals, written without Foundation's number formatting.
    static func milliseconds(_ seconds: Double) -> String {
        let micros = Int((max(0, seconds) * 1_000_000).rounded())
        let fraction = String(micros % 1000)
        return "\(micros / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}
