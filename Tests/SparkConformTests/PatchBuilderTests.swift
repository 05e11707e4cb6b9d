import SparkConform
import SparkConformTestSupport
import Testing

/// What the golden cases (fixtures/cases/) cannot show on their own: the diff
/// and the pointer syntax on small documents, and the audit annotations.
@Suite struct PatchBuilderTests {
    /// Moved from FieldCaseTests.keysWithSlashAndTildeAreEscaped; the pod half is case label-key-escaped.
    @Test func keysWithSlashAndTildeAreEscaped() throws {
        let before: JSONValue = ["m": ["a~b/c": "1"]]
        let after: JSONValue = ["m": ["a~b/c": "1", "x/~y": "2"]]
        let operations = PatchBuilder.operations(from: before, to: after)
        #expect(operations.map(\.path.description) == ["/m/x~1~0y"])
        #expect(try JSONPatch.apply(operations, to: before) == after)
        #expect(try JSONPointer(parsing: "/m/x~1~0y").tokens == ["m", "x/~y"])
    }

    /// Moved from FieldCaseTests.conflictingUserValueIsKeptAndReported; the pod half is case conflict-kept.
    @Test func conflictsReachTheAuditAnnotations() throws {
        let pod = try Fixture.pod("spark-3.5.3-executor-basic").with(["spec", "nodeSelector"], ["node-lifecycle": "on-demand"])
        let decision = Mutator.decide(pod: pod, namespace: "spark", policy: .blogCluster)
        #expect(decision.conflicts == [
            Conflict(rule: .nodeLifecycle, field: "spec.nodeSelector.node-lifecycle", podValue: "on-demand", policyValue: "spot", resolution: .keptPodValue)
        ])
        #expect(decision.auditAnnotations.contains { $0.key == "conflicts" && $0.value.contains("node-lifecycle") })
    }
}
