import AsyncHTTPClient
import Foundation
import SparkConform
import SparkConformServer
import SparkConformTestSupport
import Testing

/// `spark-conform audit report` on logs a real server wrote for every fixture,
/// once in enforce and once in audit mode, with bad lines mixed in. The counts
/// it must give come from another channel: the audit annotations the server
/// returned to the apiserver with each audit-mode response.
@Suite struct AuditReportTests {
    static let namespaces = ["spark-team-a", "spark-team-b"]

    /// The bad lines a collected log can hold, each with where it goes.
    static let badLines = [
        "this is not JSON",
        #"{"kind":"admission-audit","outcome":"patched","mode":"enforce"}"#,
        "[1, 2, 3]",
        #"{"kind":"admission-audit","time":"2026-01-01T00:00:00Z","namespace":"spark-team-a","pod":"x","#,
        #"{"kind":"admission-audit","namespace":"spark-team-a","pod":"y","mode":"audit","outcome":"audit","rulesApplied":"zone-colocation","rulesSatisfied":[],"rulesSkipped":[],"conflicts":[]}"#,
    ]
    static let otherLines = [#"{"time":"2026-12-02T09:00:00Z","level":"info","logger":"spark-conform","message":"policy loaded"}"#]

    struct Expected: Equatable {
        /// namespace → rule → [change, satisfied, skipped, conflict]
        var rules: [String: [String: [Int]]] = [:]
        var admissions: [String: Int] = [:]
        var untouched: [String: Int] = [:]
    }

    /// Every fixture to the server, alternating namespaces, plus a pod that is not
    /// Spark's and a body that is not JSON; returns the log and the responses' annotations.
    static func writeLog(mode: Policy.Mode) async throws -> (log: String, expected: Expected) {
        var policy = Policy.blogCluster
        policy.mode = mode
        var result = ("", Expected())
        try await TestServer.withServer(policy: policy) { server in
            try await server.withClient(.http1) { client in
                result = try await sendAll(to: server, client: client, mode: mode)
            }
        }
        return result
    }

    /// Every fixture, and every golden case's pod made for the default policy or the blog's cluster,
    /// which the server runs (conflicts among them).
    static func pods() throws -> [JSONValue] {
        let cases = try GoldenCase.names.map(GoldenCase.init).filter {
            ($0.policy == Policy() || $0.policy == .blogCluster) && $0.podSecurity == nil
        }
        let casePods = cases.compactMap { try? JSONParser.parse($0.input) }.filter { $0["kind"] == "Pod" }
        return try Fixture.names.map(Fixture.pod) + casePods
    }

    private static func sendAll(to server: TestServer, client: HTTPClient, mode: Policy.Mode) async throws -> (String, Expected) {
        var expected = Expected()
        let pods = try pods()
        for (index, pod) in pods.enumerated() {
            let namespace = namespaces[index % namespaces.count]
            let reply = try await server.send(client, body: JSONWriter.bytes(CapturedReview.review(pod, namespace: namespace)))
            expected.admissions[namespace, default: 0] += 1
            // No annotations: the webhook did not evaluate the pod (opted out, not Spark's).
            guard let annotations = reply.json?[path: ["response", "auditAnnotations"]]?.objectValue else {
                expected.untouched[namespace, default: 0] += 1
                continue
            }
            var rules = expected.rules[namespace] ?? [:]
            count(annotations, mode: mode, into: &rules)
            expected.rules[namespace] = rules
        }
        let plain: JSONValue = ["apiVersion": "v1", "kind": "Pod", "metadata": ["name": "nginx"], "spec": ["containers": [["name": "web", "image": "nginx"]]]]
        _ = try await server.send(client, body: JSONWriter.bytes(CapturedReview.review(plain, namespace: "spark-team-a")))
        expected.admissions["spark-team-a", default: 0] += 1
        expected.untouched["spark-team-a", default: 0] += 1
        let refused = try await server.send(client, body: Array("{not json".utf8))
        #expect(refused.status == 400)
        _ = try await server.auditRecords(count: pods.count + 2)
        return (try String(contentsOf: server.directory.appendingPathComponent("audit.log"), encoding: .utf8), expected)
    }

    /// What the audit-mode annotations say per rule. In audit mode `rules-met`
    /// holds only the satisfied rules and `rules-would-apply` the rest; enforce
    /// mode, which changes the pod, must report the same numbers as changes.
    static func count(_ annotations: JSONObject, mode: Policy.Mode, into rules: inout [String: [Int]]) {
        func names(_ key: String) -> [String] {
            annotations[key]?.stringValue.map { $0.split(separator: ",").map(String.init) } ?? []
        }
        if mode == .audit {
            for rule in names("rules-would-apply") { rules[rule, default: [0, 0, 0, 0]][0] += 1 }
            for rule in names("rules-met") { rules[rule, default: [0, 0, 0, 0]][1] += 1 }
        }
        for rule in names("rules-skipped") { rules[rule, default: [0, 0, 0, 0]][2] += 1 }
        let conflicted = Set((annotations["conflicts"]?.stringValue ?? "").split(separator: "; ").compactMap { $0.split(separator: ":").first.map(String.init) })
        for rule in conflicted { rules[rule, default: [0, 0, 0, 0]][3] += 1 }
    }

    /// The log with the bad and other lines spread through it, blank lines and CRLF too.
    static func mixed(_ log: String) -> String {
        var lines = log.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        for (offset, bad) in (badLines + otherLines + [""]).enumerated() {
            lines.insert(bad, at: min(lines.count - 1, 1 + offset * 7))
        }
        lines[0] += "\r"
        return lines.joined(separator: "\n")  // no newline after the last line
    }

    static func int(_ value: JSONValue?) -> Int? {
        if case .number(let text)? = value { return Int(text) }
        return nil
    }

    static func report(_ text: String, format: String = "json") async throws -> (status: Int32, stdout: String, stderr: String) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("audit-\(UUID().uuidString).log")
        try text.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        return try await PreviewConsistencyTests.runCLI(["audit", "report", "--format", format, file.path])
    }

    @Test func enforceAndAuditLogsGiveTheAnnotatedCounts() async throws {
        // The oracle is the audit-mode annotations: enforce must report as changes what audit predicted.
        let audit = try await Self.writeLog(mode: .audit)
        let enforce = try await Self.writeLog(mode: .enforce)
        #expect(!audit.expected.rules.isEmpty)
        for (mode, log) in [("audit", audit.log), ("enforce", enforce.log)] {
            let result = try await Self.report(Self.mixed(log))
            #expect(result.status == 0, "\(result.stderr)")
            let report = try JSONParser.parse(result.stdout)
            let input = try #require(report["input"])
            let records = log.split(separator: "\n").count
            #expect(input["auditRecords"] == .int(records))
            #expect(input["badLines"] == .int(Self.badLines.count))
            #expect(input["otherLogLines"] == .int(Self.otherLines.count))
            #expect(input["blankLines"] == .int(1))
            #expect(input["lines"] == .int(records + Self.badLines.count + Self.otherLines.count + 1))
            #expect(input["badLineExamples"]?.arrayValue?.count == 5)
            #expect(report[path: ["totals", "rejectedByStatus", "400"]] == .int(1))

            var seen = Expected()
            for namespace in report["namespaces"]?.arrayValue ?? [] {
                let name = try #require(namespace["namespace"]?.stringValue)
                seen.admissions[name] = Self.int(namespace["admissions"])
                #expect(namespace[path: ["modes", mode]] == namespace["admissions"], "\(name) is not all \(mode)")
                let untouched = namespace["untouched"]?.arrayValue ?? []
                if !untouched.isEmpty { seen.untouched[name] = untouched.compactMap { Self.int($0["pods"]) }.reduce(0, +) }
                for rule in namespace["rules"]?.arrayValue ?? [] {
                    let counts = ["change", "satisfied", "skipped", "conflict"].map { Self.int(rule[$0]) ?? -1 }
                    seen.rules[name, default: [:]][rule["rule"]?.stringValue ?? ""] = counts
                    let reasons = rule["skipReasons"]?.arrayValue?.compactMap { Self.int($0["pods"]) }.reduce(0, +)
                    #expect(reasons == counts[2], "skip reasons of \(name)/\(rule["rule"]?.stringValue ?? "") do not add up")
                }
            }
            #expect(seen.admissions == audit.expected.admissions, "\(mode)")
            #expect(Self.int(report[path: ["totals", "admissions"]]) == audit.expected.admissions.values.reduce(0, +))
            #expect(seen.untouched == audit.expected.untouched, "\(mode)")
            #expect(seen.rules == audit.expected.rules, "\(mode): report \(seen.rules) annotations \(audit.expected.rules)")
        }
    }

    @Test func textNamesTheBadLinesTheRulesAndTheConflicts() async throws {
        let log = try await Self.writeLog(mode: .audit).log
        let result = try await Self.report(Self.mixed(log), format: "text")
        #expect(result.status == 0)
        let text = result.stdout
        #expect(text.contains("\(Self.badLines.count) bad"))
        #expect(text.contains("bad line 2: not JSON: "))
        #expect(text.contains("audit record without namespace"))
        #expect(text.contains("not a JSON object"))
        #expect(text.contains("audit record's rulesApplied is not an array"))
        for namespace in Self.namespaces { #expect(text.contains("Namespace \(namespace): ")) }
        #expect(text.contains("not evaluated: not a Spark pod"))
        #expect(text.contains("Top conflicts"))
        #expect(text.contains("Requests refused before a decision: 1 (HTTP 400: 1)"))
    }

    @Test func unreadableFileIsAClearError() async throws {
        let result = try await PreviewConsistencyTests.runCLI(["audit", "report", "/nonexistent/audit.log"])
        #expect(result.status == 1)
        #expect(result.stderr == "spark-conform audit report: cannot read /nonexistent/audit.log\n")
    }
}
