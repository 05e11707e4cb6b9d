import SparkConformJSON

/// What a policy audit log says the webhook did, or would do in enforce mode:
/// the summary a platform team reads before switching from audit to enforce.
/// Built one line at a time, in memory bounded by `Limits` whatever the log's
/// length; a line that is not an audit record is counted and described, never
/// fatal. Counts are admissions (the webhook is called once per pod).
public struct AuditReport: Sendable {
    public struct Limits: Sendable {
        public var namespaces = 10_000
        public var apps = 100_000
        public var conflicts = 10_000
        public var reasonsPerRule = 100
        public var badLineExamples = 5
        public var examplePods = 3
        /// A longer line is a bad line (its bytes are not kept): one record is a few KiB.
        public var lineBytes = 16 * 1024 * 1024
        public init() {}
    }

    /// One rule in one namespace. `change`: the rule changed the pod (enforce)
    /// or would have (audit); `conflict`: pods where the rule met a value of the
    /// user's that differs from the policy's.
    public struct RuleCounts: Sendable {
        public var change = 0
        public var satisfied = 0
        public var skipped = 0
        public var conflict = 0
        public var skipReasons: BoundedTally<String, Int>
    }

    public struct NamespaceSummary: Sendable {
        public var admissions = 0
        /// By `spark-role` (`driver`, `executor`), `other` for pods that are not Spark's.
        public var roles = BoundedTally<String, Int>(limit: AuditReport.smallTallyLimit)
        public var modes = BoundedTally<String, Int>(limit: AuditReport.smallTallyLimit)
        public var outcomes = BoundedTally<String, Int>(limit: AuditReport.smallTallyLimit)
        /// Pods that at least one rule changed or would change.
        public var change = 0
        public var conflict = 0
        /// Server-side dry runs (`kubectl --dry-run=server`): no pod was created; not in the counts above.
        public var dryRun = 0
        /// Pods the webhook did not evaluate, by reason (not a Spark pod, opted out, …).
        public var untouched: BoundedTally<String, Int>
        public var rules = BoundedTally<String, RuleCounts>(limit: AuditReport.smallTallyLimit)
    }

    /// Roles, modes, outcomes, rules and statuses: a handful each in a real log.
    static let smallTallyLimit = 64

    public struct ConflictKey: Hashable, Sendable {
        public let rule: String
        public let field: String
        public let podValue: String
        public let policyValue: String
        public let resolution: String
    }

    public struct ConflictSummary: Sendable {
        public var pods = 0
        /// Pods per namespace; a conflict seen in very many namespaces lists the first 50.
        public var namespaces = BoundedTally<String, Int>(limit: 50)
        public var examplePods: [String] = []
    }

    public struct AppKey: Hashable, Sendable {
        public let namespace: String
        public let appID: String
    }

    public struct AppSummary: Sendable {
        public var pods = 0
        public var change = 0
        public var conflict = 0
        public var examplePods: [String] = []
    }

    public struct BadLine: Sendable, Equatable {
        public let line: Int
        public let problem: String
    }

    public let limits: Limits
    public internal(set) var lines = 0
    public internal(set) var records = 0
    /// JSON objects that are not audit records: the server's operational log
    /// lines, when both streams were collected together.
    public internal(set) var otherLines = 0
    public internal(set) var blankLines = 0
    public internal(set) var badLines = 0
    public internal(set) var badLineExamples: [BadLine] = []
    /// Requests refused before any decision (bad JSON, wrong content type), by HTTP status.
    public internal(set) var rejected = BoundedTally<Int, Int>(limit: smallTallyLimit)
    public internal(set) var firstTime: String?
    public internal(set) var lastTime: String?
    public internal(set) var namespaces: BoundedTally<String, NamespaceSummary>
    /// Every namespace together, also those beyond the namespace limit.
    public internal(set) var overall: NamespaceSummary
    public internal(set) var conflicts: BoundedTally<ConflictKey, ConflictSummary>
    public internal(set) var apps: BoundedTally<AppKey, AppSummary>
    /// The start of a line whose end is in the next chunk.
    private var pending: [UInt8] = []
    private var pendingTooLong = false

    public init(limits: Limits = Limits()) {
        self.limits = limits
        namespaces = BoundedTally(limit: limits.namespaces)
        overall = NamespaceSummary(untouched: BoundedTally(limit: limits.reasonsPerRule))
        conflicts = BoundedTally(limit: limits.conflicts)
        apps = BoundedTally(limit: limits.apps)
    }

    /// The bulky member a report never reads is checked but not built.
    private static let deferred = JSONParser.DeferredKeys([AuditRecord.Field.wouldPatch.rawValue, AuditRecord.Field.warnings.rawValue])

    /// The next bytes of the log, cut anywhere: lines are completed across calls.
    public mutating func add(bytes chunk: UnsafeBufferPointer<UInt8>) {
        var start = 0
        while let newline = NewlineScan.firstNewline(in: chunk, from: start) {
            if pending.isEmpty && !pendingTooLong {
                add(line: UnsafeBufferPointer(rebasing: chunk[start..<newline]))
            } else {
                appendPending(chunk[start..<newline])
                finishPending()
            }
            start = newline + 1
        }
        appendPending(chunk[start...])
    }

    /// The end of the log: a last line without a newline still counts.
    public mutating func finish() {
        if !pending.isEmpty || pendingTooLong { finishPending() }
    }

    private mutating func appendPending(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) {
        guard !pendingTooLong else { return }
        if pending.count + bytes.count > limits.lineBytes {
            pending = []
            pendingTooLong = true
        } else {
            pending.append(contentsOf: bytes)
        }
    }

    private mutating func finishPending() {
        if pendingTooLong {
            lines += 1
            noteBadLine("longer than \(limits.lineBytes) bytes")
        } else {
            let line = pending
            line.withUnsafeBufferPointer { add(line: $0) }
        }
        pending.removeAll(keepingCapacity: true)
        pendingTooLong = false
    }

    private mutating func noteBadLine(_ problem: String) {
        badLines += 1
        if badLineExamples.count < limits.badLineExamples { badLineExamples.append(BadLine(line: lines, problem: problem)) }
    }

    /// One line of the log, without its newline.
    public mutating func add(line: UnsafeBufferPointer<UInt8>) {
        lines += 1
        guard line.count <= limits.lineBytes else { return noteBadLine("longer than \(limits.lineBytes) bytes") }
        var bytes = line[...]
        while let last = bytes.last, last == UInt8(ascii: "\r") || last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") {
            bytes = bytes.dropLast()
        }
        guard bytes.contains(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") }) else {
            blankLines += 1
            return
        }
        do throws(AuditLine.Problem) {
            let value: JSONValue
            do {
                value = try JSONParser.parse(bytes, deferring: Self.deferred)
            } catch {
                throw AuditLine.Problem("not JSON: \(error.message)")
            }
            guard let object = value.objectValue else { throw AuditLine.Problem("not a JSON object") }
            guard object[AuditRecord.Field.kind.rawValue]?.stringValue == AuditRecord.kind else {
                otherLines += 1
                return
            }
            add(try AuditLine(object))
            records += 1
        } catch {
            noteBadLine(error.message)
        }
    }

    private mutating func add(_ record: AuditLine) {
        if let time = record.time {
            if firstTime.map({ time < $0 }) ?? true { firstTime = time }
            if lastTime.map({ time > $0 }) ?? true { lastTime = time }
        }
        guard let decision = record.decision else {
            rejected.increment(record.status ?? 0)
            return
        }
        let limits = limits
        namespaces.update(decision.namespace, new: NamespaceSummary(untouched: BoundedTally(limit: limits.reasonsPerRule))) {
            summary in summary.add(decision, reasonsPerRule: limits.reasonsPerRule)
        }
        overall.add(decision, reasonsPerRule: limits.reasonsPerRule)
        guard !decision.dryRun, decision.reason == nil else { return }
        let changes = !decision.applied.isEmpty
        for conflict in decision.conflicts {
            conflicts.update(conflict, new: ConflictSummary()) { summary in
                summary.pods += 1
                summary.namespaces.increment(decision.namespace)
                if summary.examplePods.count < limits.examplePods { summary.examplePods.append("\(decision.namespace)/\(decision.pod)") }
            }
        }
        if let appID = decision.appID {
            apps.update(AppKey(namespace: decision.namespace, appID: appID), new: AppSummary()) { summary in
                summary.pods += 1
                if changes { summary.change += 1 }
                if !decision.conflicts.isEmpty { summary.conflict += 1 }
                if summary.examplePods.count < limits.examplePods { summary.examplePods.append(decision.pod) }
            }
        }
    }
}

extension AuditReport.NamespaceSummary {
    fileprivate mutating func add(_ decision: AuditLine.Decided, reasonsPerRule: Int) {
        if decision.dryRun {
            dryRun += 1
            return
        }
        admissions += 1
        roles.increment(decision.role ?? "other")
        modes.increment(decision.mode)
        outcomes.increment(decision.outcome)
        if let reason = decision.reason {
            untouched.increment(reason)
            return
        }
        if !decision.applied.isEmpty { change += 1 }
        if !decision.conflicts.isEmpty { conflict += 1 }
        let fresh = AuditReport.RuleCounts(skipReasons: BoundedTally(limit: reasonsPerRule))
        for rule in decision.applied { rules.update(rule, new: fresh) { $0.change += 1 } }
        for rule in decision.satisfied { rules.update(rule, new: fresh) { $0.satisfied += 1 } }
        for (rule, reason) in decision.skipped {
            rules.update(rule, new: fresh) { counts in
                counts.skipped += 1
                counts.skipReasons.increment(reason)
            }
        }
        // A pod counts once per rule, however many of that rule's fields conflict.
        for rule in Set(decision.conflicts.map(\.rule)) { rules.update(rule, new: fresh) { $0.conflict += 1 } }
    }
}
