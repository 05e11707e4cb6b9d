/// Reading a log on several cores: the complete lines of a chunk are cut into
/// contiguous parts, each part read into a report of its own, and the parts
/// appended in order, so the result is the report one reader would give
/// (line numbers, examples and first-come limits included). The caller runs
/// the parts (`runParts`: call the body once per index, on any threads, and
/// return when all have), which keeps this file free of threads. Only at a
/// key limit can the two differ: which keys are listed, not any total.
extension AuditReport {
    public mutating func add(
        bytes chunk: UnsafeBufferPointer<UInt8>, parts: Int, runParts: (Int, @Sendable (Int) -> Void) -> Void
    ) {
        // A line begun in an earlier chunk is completed here first, in order.
        guard parts > 1, let first = NewlineScan.firstNewline(in: chunk, from: 0) else { return add(bytes: chunk) }
        add(bytes: UnsafeBufferPointer(rebasing: chunk[...first]))
        var last = chunk.count - 1
        while chunk[last] != UInt8(ascii: "\n") { last -= 1 }  // stops at `first` at the latest
        guard last > first else { return add(bytes: UnsafeBufferPointer(rebasing: chunk[(first + 1)...])) }
        // Read-only while the parts run; each part writes only its own report.
        nonisolated(unsafe) let middle = UnsafeBufferPointer(rebasing: chunk[(first + 1)...last])
        let bounds = Self.cut(middle, into: parts)
        var reports = [AuditReport](repeating: AuditReport(limits: limits), count: bounds.count)
        reports.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let reports = buffer
            runParts(bounds.count) { index in
                reports[index].add(bytes: UnsafeBufferPointer(rebasing: middle[bounds[index]]))
            }
        }
        for report in reports { append(report) }
        add(bytes: UnsafeBufferPointer(rebasing: chunk[(last + 1)...]))
    }

    /// About equal ranges of `bytes` (which ends with a newline), each ending just after a newline.
    static func cut(_ bytes: UnsafeBufferPointer<UInt8>, into parts: Int) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start = 0
        for part in 1...parts where start < bytes.count {
            let target = part == parts ? bytes.count - 1 : max(start, bytes.count * part / parts)
            guard let end = NewlineScan.firstNewline(in: bytes, from: target) else { break }
            ranges.append(start..<(end + 1))
            start = end + 1
        }
        return ranges
    }

    /// `later`, a report of the lines right after this one's, added in.
    mutating func append(_ later: AuditReport) {
        let offset = lines
        lines += later.lines
        records += later.records
        otherLines += later.otherLines
        blankLines += later.blankLines
        badLines += later.badLines
        for bad in later.badLineExamples.prefix(limits.badLineExamples - badLineExamples.count) {
            badLineExamples.append(BadLine(line: bad.line + offset, problem: bad.problem))
        }
        rejected.merge(later.rejected, weight: { $0 }, combine: +=)
        if let time = later.firstTime, firstTime.map({ time < $0 }) ?? true { firstTime = time }
        if let time = later.lastTime, lastTime.map({ time > $0 }) ?? true { lastTime = time }
        let limits = limits
        namespaces.merge(later.namespaces, weight: { $0.admissions + $0.dryRun }) { $0.merge($1) }
        overall.merge(later.overall)
        conflicts.merge(later.conflicts, weight: \.pods) { summary, more in
            summary.pods += more.pods
            summary.namespaces.merge(more.namespaces, weight: { $0 }, combine: +=)
            summary.examplePods += more.examplePods.prefix(limits.examplePods - summary.examplePods.count)
        }
        apps.merge(later.apps, weight: \.pods) { summary, more in
            summary.pods += more.pods
            summary.change += more.change
            summary.conflict += more.conflict
            summary.examplePods += more.examplePods.prefix(limits.examplePods - summary.examplePods.count)
        }
    }
}

extension AuditReport.NamespaceSummary {
    mutating func merge(_ more: Self) {
        admissions += more.admissions
        change += more.change
        conflict += more.conflict
        dryRun += more.dryRun
        roles.merge(more.roles, weight: { $0 }, combine: +=)
        modes.merge(more.modes, weight: { $0 }, combine: +=)
        outcomes.merge(more.outcomes, weight: { $0 }, combine: +=)
        untouched.merge(more.untouched, weight: { $0 }, combine: +=)
        rules.merge(more.rules, weight: { $0.change + $0.satisfied + $0.skipped + $0.conflict }) { counts, more in
            counts.change += more.change
            counts.satisfied += more.satisfied
            counts.skipped += more.skipped
            counts.conflict += more.conflict
            counts.skipReasons.merge(more.skipReasons, weight: { $0 }, combine: +=)
        }
    }
}
