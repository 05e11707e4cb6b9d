import AsyncHTTPClient
import Foundation
import NIOHTTP1
import SparkConform
import SparkConformServer
import SparkConformTestSupport
import Testing

/// The audit log, audit mode and the metrics, observed from outside a running server.
@Suite struct ObservabilityTests {
    @Test func everyDecisionIsAuditedAndCounted() async throws {
        try await TestServer.withServer(policy: .blogCluster) { server in
            try await server.withClient(.http1) { client in
                let executor = try Fixture.pod("spark-3.5.3-executor-basic")
                let driver = try Fixture.pod("spark-3.5.3-driver-basic")
                _ = try await server.send(client, body: JSONWriter.bytes(CapturedReview.review(executor, uid: "a-patched")))
                _ = try await server.send(client, body: JSONWriter.bytes(CapturedReview.review(driver, uid: "a-dry", dryRun: true)))
                _ = try await server.send(client, body: JSONWriter.bytes(CapturedReview.review(executor, uid: "a-update", operation: "UPDATE")))
                let plain = executor.with(["metadata", "labels", "spark-role"], nil)
                _ = try await server.send(client, body: JSONWriter.bytes(CapturedReview.review(plain, uid: "a-plain")))
                let optedOut = executor.with(["metadata", "annotations"], ["spark-conform.io/skip": "true"])
                _ = try await server.send(client, body: JSONWriter.bytes(CapturedReview.review(optedOut, uid: "a-skip")))
                _ = try await server.send(client, body: Array("{oops".utf8))
                _ = try await server.send(client, contentType: "text/plain", body: Array("{}".utf8))

                let records = try await server.auditRecords(count: 7)
                #expect(records.count == 7)
                #expect(records.allSatisfy { $0["kind"] == "admission-audit" && $0["time"]?.stringValue?.hasSuffix("Z") == true })
                func record(_ uid: String) -> JSONValue? { records.first { $0["uid"]?.stringValue == uid } }
                let patched = try #require(record("a-patched"))
                #expect(patched["outcome"] == "patched")
                #expect(patched["pod"] == "spark-pi-5db50ea2160f66cd-exec-1")
                #expect(patched["role"] == "executor")
                #expect(patched["appId"] == "spark-4eee1c3004c44079a286f29e25955376")
                #expect(patched["user"] == "system:serviceaccount:spark:spark")
                // What the library decides for the same requests: the server must record that, whatever the rules are.
                func decided(_ pod: JSONValue) throws -> Decision {
                    try Mutator.decide(AdmissionReview.decode(CapturedReview.review(pod)).request, policy: .blogCluster)
                }
                let executorDecision = try decided(executor), driverDecision = try decided(driver)
                #expect(executorDecision.sentPatch.count > 0)
                #expect(patched["patchOperations"] == .int(executorDecision.sentPatch.count))
                #expect(patched["rulesApplied"] == .array(executorDecision.rules(with: .applied).map { .string($0.rule.rawValue) }))
                #expect(Double(patched["latencyMs"].flatMap { if case .number(let text) = $0 { text } else { nil } } ?? "") != nil)
                #expect(record("a-dry")?["dryRun"] == true)
                #expect(driverDecision.rules(with: .skipped).count > 0)
                #expect(record("a-dry")?["rulesSkipped"]?.arrayValue?.count == driverDecision.rules(with: .skipped).count)
                #expect(record("a-update")?["reason"] == "operation UPDATE is not mutated")
                #expect(record("a-plain")?["reason"]?.stringValue?.hasPrefix("not a Spark pod") == true)
                #expect(record("a-skip")?["reason"] == "pod opted out with spark-conform.io/skip")
                let rejected = records.filter { $0["outcome"] == "rejected" }
                #expect(rejected.map { $0["status"] } == [400, 415])

                let metrics = try await server.send(client, .GET, path: "/metrics")
                #expect(metrics.status == 200)
                let samples = Self.samples(metrics.text)
                #expect(samples[#"spark_conform_admission_requests_total{outcome="patched"}"#] == 2)
                #expect(samples[#"spark_conform_admission_requests_total{outcome="unchanged"}"#] == 3)
                #expect(samples[#"spark_conform_admission_requests_total{outcome="rejected"}"#] == 2)
                #expect(samples[#"spark_conform_admission_duration_seconds_count"#] == 7)
                #expect(samples[#"spark_conform_admission_duration_seconds_bucket{le="0.00025"}"#] != nil)
                #expect(samples[#"spark_conform_rule_outcomes_total{rule="zone-colocation",status="applied"}"#] == 1)
                #expect(samples[#"spark_conform_rule_outcomes_total{rule="zone-colocation",status="skipped"}"#] == 1)
                #expect(samples[#"spark_conform_rule_outcomes_total{rule="node-lifecycle",status="applied"}"#] == 2)
                #expect(samples[#"spark_conform_rule_outcomes_total{rule="service-account",status="satisfied"}"#] == 2)
                let expiry = try #require(samples["spark_conform_tls_certificate_expiry_timestamp_seconds"])
                #expect(expiry > Date().timeIntervalSince1970 + 300 * 24 * 3600)
            }
        }
    }

    @Test func auditModePatchesNothingAndSaysWhatItWouldDo() async throws {
        var policy = Policy.blogCluster
        policy.mode = .audit
        try await TestServer.withServer(policy: policy) { server in
            try await server.withClient(.http2) { client in
                let pod = try Fixture.pod("spark-3.5.3-executor-basic")
                let reply = try await server.send(client, body: JSONWriter.bytes(CapturedReview.review(pod, uid: "audit-1")))
                let response = try #require(reply.json?["response"])
                #expect(response["patch"] == nil)
                #expect(response["patchType"] == nil)
                let enforced = Mutator.decide(pod: pod, namespace: "spark", policy: .blogCluster)
                // One warning per rule that would change the pod, each saying what it would do.
                let wouldApply = enforced.rules(with: .applied)
                #expect(!wouldApply.isEmpty)
                #expect(response["warnings"]?.arrayValue?.count == wouldApply.count)
                #expect(response["warnings"]?.arrayValue?.first?.stringValue?.hasPrefix("spark-conform audit mode: \(wouldApply[0].rule) would apply: ") == true)
                #expect(response[path: ["auditAnnotations", "mode"]] == "audit")
                #expect(response[path: ["auditAnnotations", "rules-would-apply"]] == .string(wouldApply.map(\.rule.rawValue).joined(separator: ",")))
                #expect(response[path: ["auditAnnotations", "rules-met"]] == .string(enforced.rules(with: .satisfied).map(\.rule.rawValue).joined(separator: ",")))
                let record = try #require(try await server.auditRecords(count: 1).first)
                #expect(record["outcome"] == "audit")
                #expect(record["patchOperations"] == 0)
                #expect(record["wouldPatchOperations"] == .int(enforced.sentPatch.count))
                #expect(record["wouldPatch"] == PatchOperation.document(enforced.sentPatch))
                let metrics = Self.samples(try await server.send(client, .GET, path: "/metrics").text)
                #expect(metrics[#"spark_conform_admission_requests_total{outcome="audit"}"#] == 1)
            }
        }
    }

    @Test func namespaceInAuditModeOnly() async throws {
        let policy = try PolicyLoader.load(yaml: "namespaceOverrides: {trial: {mode: audit}}")
        try await TestServer.withServer(policy: policy) { server in
            try await server.withClient(.http1) { client in
                let pod = try Fixture.pod("spark-3.5.3-driver-basic")
                let trial = try await server.send(client, body: JSONWriter.bytes(CapturedReview.review(pod, namespace: "trial")))
                #expect(trial.json?[path: ["response", "patch"]] == nil)
                let spark = try await server.send(client, body: JSONWriter.bytes(CapturedReview.review(pod, namespace: "spark")))
                #expect(spark.json?[path: ["response", "patch"]] != nil)
            }
        }
    }

    /// Prometheus text exposition: `name{labels} value` per sample line.
    static func samples(_ text: String) -> [String: Double] {
        var result: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            result[String(line[..<space])] = value
        }
        return result
    }
}
