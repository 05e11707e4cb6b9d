import Dispatch
import SparkConform
import SparkConformTestSupport
import Testing

/// The report reads a stream cut anywhere, with memory bounded by its limits.
@Suite struct AuditReportStreamTests {
    /// Audit lines for every fixture, as the server writes them, in two modes and with a dry run.
    static func log() throws -> [UInt8] {
        var lines: [String] = []
        for (index, name) in Fixture.names.enumerated() {
            var policy = Policy()
            policy.mode = index.isMultiple(of: 2) ? .audit : .enforce
            let request = AdmissionRequest(
                uid: "u-\(index)", kind: .pod, operation: "CREATE", namespace: index < 4 ? "team-a" : "team-b",
                object: try Fixture.pod(name), dryRun: index == 3)
            let record = AuditRecord.decision(Mutator.decide(request, policy: policy), request: request, time: "2026-12-02T10:00:0\(index % 10).000Z", latencySeconds: 0.0001)
            lines.append(JSONWriter.string(record))
        }
        return Array((lines.joined(separator: "\n") + "\n").utf8)
    }

    static func report(_ bytes: [UInt8], chunk: Int, limits: AuditReport.Limits = .init()) -> AuditReport {
        var report = AuditReport(limits: limits)
        bytes.withUnsafeBufferPointer { buffer in
            var start = 0
            while start < buffer.count {
                let end = min(buffer.count, start + chunk)
                report.add(bytes: UnsafeBufferPointer(rebasing: buffer[start..<end]))
                start = end
            }
        }
        report.finish()
        return report
    }

    @Test func everyChunkSizeGivesTheSameReport() throws {
        let log = try Self.log()
        let whole = JSONWriter.string(Self.report(log, chunk: log.count).json(top: 10))
        #expect(whole.contains(#""auditRecords":\#(Fixture.names.count)"#))
        #expect(whole.contains(#""dryRun":1"#))
        for chunk in [1, 2, 3, 7, 64, 1000, 4096] {
            #expect(JSONWriter.string(Self.report(log, chunk: chunk).json(top: 10)) == whole, "chunk \(chunk)")
        }
    }

    /// The log three times over with bad, blank and too long lines between, as one reader and as parts on threads.
    @Test func partsOnThreadsGiveWhatOneReaderGives() throws {
        let record = try Self.log()
        let noise = Array("not json\n\n{\"level\":\"info\"}\n\(String(repeating: "z", count: 300))\n[1]\n".utf8)
        let log = record + noise + record + noise + record
        var limits = AuditReport.Limits()
        limits.lineBytes = 200
        let expected = JSONWriter.string(Self.report(log, chunk: log.count, limits: limits).json(top: 10))
        #expect(expected.contains(#""badLines":"#))
        let onThreads: (Int, @Sendable (Int) -> Void) -> Void = { count, body in DispatchQueue.concurrentPerform(iterations: count, execute: body) }
        let inTurn: (Int, @Sendable (Int) -> Void) -> Void = { count, body in (0..<count).forEach(body) }
        for (runParts, parts) in [(onThreads, 2), (onThreads, 3), (inTurn, 4), (inTurn, 1)] {
            for chunk in [5, 500, 4096, log.count] {
                var report = AuditReport(limits: limits)
                log.withUnsafeBufferPointer { buffer in
                    var start = 0
                    while start < buffer.count {
                        let end = min(buffer.count, start + chunk)
                        report.add(bytes: UnsafeBufferPointer(rebasing: buffer[start..<end]), parts: parts, runParts: runParts)
                        start = end
                    }
                }
                report.finish()
                #expect(JSONWriter.string(report.json(top: 10)) == expected, "\(parts) parts, chunk \(chunk)")
            }
        }
    }

    @Test func aLineOverTheLimitIsABadLineAndItsBytesAreNotKept() throws {
        var limits = AuditReport.Limits()
        limits.lineBytes = 100
        let log = Array(("{\"a\":\"" + String(repeating: "x", count: 500) + "\"}\n{}\n" + String(repeating: "y", count: 300)).utf8)
        for chunk in [7, 1000] {
            let report = Self.report(log, chunk: chunk, limits: limits)
            #expect(report.lines == 3)
            #expect(report.badLines == 2)
            #expect(report.otherLines == 1)
            #expect(report.badLineExamples.map(\.line) == [1, 3])
            #expect(report.badLineExamples.allSatisfy { $0.problem == "longer than 100 bytes" })
        }
    }

    @Test func keysBeyondTheLimitsAreCountedNotListed() throws {
        var limits = AuditReport.Limits()
        limits.apps = 2
        limits.namespaces = 1
        let report = Self.report(try Self.log(), chunk: 1 << 20, limits: limits)
        #expect(report.apps.entries.count == 2)
        #expect(report.namespaces.entries.count == 1)
        #expect(report.unitemised.contains { $0.what == "namespaces" && $0.records == Fixture.names.count - 4 })
        #expect(report.unitemised.contains { $0.what == "apps" && $0.records > 0 })
        #expect(report.text(top: 10).contains("records beyond the limit on namespaces are in the totals but not listed"))
        // Records past a limit still count where they can: every line was read as a record.
        #expect(report.records == Fixture.names.count)
    }
}
