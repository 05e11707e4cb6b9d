import SparkConformJSON

/// One audit record read back, every member checked before any is counted, so
/// a malformed record is reported as a bad line instead of half-counted.
struct AuditLine {
    struct Problem: Error {
        let message: String
        init(_ message: String) { self.message = message }
    }

    /// A decision on a pod (`AuditRecord.decision`).
    struct Decided {
        let namespace: String
        let pod: String
        let role: String?
        let appID: String?
        let mode: String
        let outcome: String
        /// Why the pod was not evaluated at all; nil when the rules ran.
        let reason: String?
        let dryRun: Bool
        let applied: [String]
        let satisfied: [String]
        let skipped: [(rule: String, reason: String)]
        let conflicts: [AuditReport.ConflictKey]
    }

    let time: String?
    /// Nil for a request refused before any decision (`AuditRecord.rejected`).
    let decision: Decided?
    let status: Int?

    typealias Field = AuditRecord.Field

    init(_ record: JSONObject) throws(Problem) {
        time = record[Field.time.rawValue]?.stringValue
        let outcome = try Self.string(record, .outcome)
        if outcome == "rejected" {
            decision = nil
            if case .number(let text)? = record[Field.status.rawValue] { status = Int(text) } else { status = nil }
            return
        }
        status = nil
        decision = Decided(
            namespace: try Self.string(record, .namespace),
            pod: try Self.string(record, .pod),
            role: try Self.optionalString(record, .role),
            appID: try Self.optionalString(record, .appId),
            mode: try Self.string(record, .mode),
            outcome: outcome,
            reason: try Self.optionalString(record, .reason),
            dryRun: record[Field.dryRun.rawValue]?.boolValue ?? false,
            applied: try Self.strings(record, .rulesApplied),
            satisfied: try Self.strings(record, .rulesSatisfied),
            skipped: try Self.objects(record, .rulesSkipped).map { skip throws(Problem) in
                (try Self.string(skip, "rule", in: .rulesSkipped), try Self.string(skip, "reason", in: .rulesSkipped))
            },
            conflicts: try Self.objects(record, .conflicts).map { conflict throws(Problem) in
                AuditReport.ConflictKey(
                    rule: try Self.string(conflict, "rule", in: .conflicts),
                    field: try Self.string(conflict, "field", in: .conflicts),
                    podValue: try Self.string(conflict, "podValue", in: .conflicts),
                    policyValue: try Self.string(conflict, "policyValue", in: .conflicts),
                    resolution: try Self.string(conflict, "resolution", in: .conflicts))
            })
    }

    private static func string(_ record: JSONObject, _ field: Field) throws(Problem) -> String {
        guard let value = record[field.rawValue] else { throw Problem("audit record without \(field.rawValue)") }
        guard let text = value.stringValue else { throw Problem("audit record's \(field.rawValue) is not a string") }
        return text
    }

    private static func optionalString(_ record: JSONObject, _ field: Field) throws(Problem) -> String? {
        guard let value = record[field.rawValue], value != .null else { return nil }
        guard let text = value.stringValue else { throw Problem("audit record's \(field.rawValue) is not a string") }
        return text
    }

    private static func string(_ object: JSONObject, _ key: String, in field: Field) throws(Problem) -> String {
        guard let text = object[key]?.stringValue else { throw Problem("an entry of \(field.rawValue) has no string \(key)") }
        return text
    }

    private static func array(_ record: JSONObject, _ field: Field) throws(Problem) -> [JSONValue] {
        guard let value = record[field.rawValue] else { throw Problem("audit record without \(field.rawValue)") }
        guard let elements = value.arrayValue else { throw Problem("audit record's \(field.rawValue) is not an array") }
        return elements
    }

    private static func strings(_ record: JSONObject, _ field: Field) throws(Problem) -> [String] {
        try array(record, field).map { element throws(Problem) in
            guard let text = element.stringValue else { throw Problem("an entry of \(field.rawValue) is not a string") }
            return text
        }
    }

    private static func objects(_ record: JSONObject, _ field: Field) throws(Problem) -> [JSONObject] {
        try array(record, field).map { element throws(Problem) in
            guard let object = element.objectValue else { throw Problem("an entry of \(field.rawValue) is not an object") }
            return object
        }
    }
}
