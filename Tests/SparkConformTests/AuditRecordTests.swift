import SparkConform
import SparkConformTestSupport
import Testing

@Suite struct AuditRecordTests {
    @Test func decisionRecordHasEveryField() throws {
        let pod = try Fixture.pod("spark-3.5.3-executor-basic").with(["spec", "nodeSelector"], ["node-lifecycle": "on-demand"])
        let request = AdmissionRequest(
            uid: "u-1", kind: .pod, operation: "CREATE", namespace: "spark", object: pod, dryRun: true, username: "alice")
        let decision = Mutator.decide(request, policy: .blogCluster)
        let record = AuditRecord.decision(decision, request: request, time: "2026-11-26T05:00:00.000Z", latencySeconds: 0.000_123_4)
        #expect(record["kind"] == "admission-audit")
        #expect(record["time"] == "2026-11-26T05:00:00.000Z")
        #expect(record["uid"] == "u-1")
        #expect(record["namespace"] == "spark")
        #expect(record["pod"] == "spark-pi-5db50ea2160f66cd-exec-1")
        #expect(record["role"] == "executor")
        #expect(record["appId"] == "spark-4eee1c3004c44079a286f29e25955376")
        #expect(record["operation"] == "CREATE")
        #expect(record["dryRun"] == true)
        #expect(record["mode"] == "enforce")
        #expect(record["podSecurity"] == ["level": "privileged", "source": "policy default"])
        #expect(record["runsOn"] == "EC2 capacity")
        #expect(record["capacityPreset"] == "eksctl")
        #expect(record["localDirsMode"] == "hostPath")
        #expect(record["localDirsModeFrom"] == "preset eksctl")
        #expect(record["outcome"] == "patched")
        // Each outcome under its status, in run order, the skipped ones with their reasons.
        func names(_ status: RuleOutcome.Status) -> JSONValue { .array(decision.rules(with: status).map { .string($0.rule.rawValue) }) }
        #expect(record["rulesApplied"]?.arrayValue?.contains("zone-colocation") == true)
        #expect(record["rulesApplied"] == names(.applied))
        #expect(record["rulesSatisfied"] == names(.satisfied))
        #expect(record["rulesSkipped"] == .array(decision.rules(with: .skipped).map { ["rule": .string($0.rule.rawValue), "reason": .string($0.reason)] }))
        #expect(record["rulesSkipped"]?.arrayValue?.contains(["rule": "dedicated-nodes", "reason": "disabled by policy"]) == true)
        #expect(record["conflicts"]?.arrayValue?.first?["field"] == "spec.nodeSelector.node-lifecycle")
        #expect(record["patchOperations"] == .int(decision.sentPatch.count))
        #expect(record["latencyMs"] == .number("0.123"))
        #expect(record["user"] == "alice")
    }

    @Test func skippedAndUnchangedAreRecordedWithReasons() throws {
        let pod = try Fixture.pod("spark-3.5.3-driver-basic").with(["metadata", "generateName"], "spark-pi-").with(["metadata", "name"], nil)
        let request = AdmissionRequest(uid: "u-2", kind: .pod, operation: "CREATE", namespace: "spark", object: pod)
        let record = AuditRecord.decision(Mutator.decide(request, policy: Policy()), request: request, time: "t", latencySeconds: 0.0021)
        #expect(record["pod"] == "spark-pi-*")
        #expect(record["rulesSkipped"]?.arrayValue?.contains(["rule": "zone-colocation", "reason": "applies to executors only"]) == true)
        #expect(record["latencyMs"] == .number("2.100"))

        let update = AdmissionRequest(uid: "u-3", kind: .pod, operation: "UPDATE", namespace: "spark", object: pod)
        let unchanged = AuditRecord.decision(Mutator.decide(update, policy: Policy()), request: update, time: "t", latencySeconds: 0)
        #expect(unchanged["outcome"] == "unchanged")
        #expect(unchanged["reason"] == "operation UPDATE is not mutated")
    }

    @Test func rejectedRequestsAreRecorded() {
        let record = AuditRecord.rejected(status: 400, message: "body is not valid JSON", uid: nil, time: "t", latencySeconds: 0.00001)
        #expect(record["outcome"] == "rejected")
        #expect(record["status"] == 400)
        #expect(record["error"] == "body is not valid JSON")
        #expect(record["uid"] == .null)
        #expect(record["latencyMs"] == .number("0.010"))
    }

    @Test func auditAnnotationKeysAreValid() throws {
        for name in Fixture.names {
            let pod = try Fixture.pod(name).with(["spec", "nodeSelector"], ["node-lifecycle": "nope"])
            for key in Mutator.decide(pod: pod, namespace: "spark", policy: Policy()).auditAnnotations.map(\.key) {
                #expect(key.count <= 63 && !key.contains("/"))
                #expect(key.allSatisfy { $0.isLetter || $0.isNumber || "-_.".contains($0) })
                #expect(key.first?.isLetter == true || key.first?.isNumber == true)
            }
        }
    }
}
