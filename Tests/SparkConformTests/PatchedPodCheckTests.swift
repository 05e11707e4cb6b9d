@testable import SparkConform
import SparkConformTestSupport
import Testing

/// The core's one safety check: a patch that would make the apiserver refuse
/// the pod is never sent; the pod is allowed unpatched and the decision says why.
@Suite struct PatchedPodCheckTests {
    /// A rule gone wrong: adds a second volume with a name the pod already has.
    struct DuplicateVolumeRule: PodRule {
        let id = RuleID.localDirs
        var policySection: WritableKeyPath<Policy, Policy.LocalDirs> { \.localDirs }

        func apply(to pod: inout JSONValue, context: RuleContext) -> RuleOutcome {
            let volumes = pod[path: ["spec", "volumes"]]?.arrayValue ?? []
            pod[path: ["spec", "volumes"]] = .array(volumes + [["name": "spark-local-dir-1", "emptyDir": [:]]])
            return RuleOutcome(rule: id, status: .applied, reason: "added a volume")
        }
    }

    @Test func aBrokenPatchIsNeverSent() throws {
        let pod = try Fixture.pod("spark-3.5.3-executor-basic")
        for mode in Policy.Mode.allCases {
            var policy = Policy()
            policy.mode = mode
            let context = RuleContext(original: PodView(pod), role: .executor, policy: policy, namespace: "spark", requester: nil,
                podSecurity: PodSecurity(level: .privileged, source: .policyDefault))
            let decision = Mutator.run([NodeLifecycleRule(), DuplicateVolumeRule()], enabled: [true, true], pod: pod, context: context, skipped: [], into: Decision())
            #expect(decision.outcome == .internalError)
            #expect(decision.sentPatch.isEmpty && decision.enforcePatch.isEmpty)
            #expect(decision.warnings == ["spark-conform internal error: pod allowed unpatched (volume name spark-local-dir-1 is used twice)"])
            // What the rules did is still explained.
            #expect(decision.outcomes.map(\.status) == [.applied, .applied])
        }
    }

    @Test func violationsThePodAlreadyHadAreNotOurs() throws {
        let pod = try Fixture.pod("spark-3.5.3-executor-basic")
        var broken = pod
        let volumes = broken[path: ["spec", "volumes"]]?.arrayValue ?? []
        broken[path: ["spec", "volumes"]] = .array(volumes + [volumes[0]])
        let name = try #require(volumes[0]["name"]?.stringValue)
        #expect(PatchedPodCheck.violations(broken) == ["volume name \(name) is used twice"])
        #expect(PatchedPodCheck.introducedViolation(original: broken, patched: broken) == nil)
        #expect(PatchedPodCheck.introducedViolation(original: pod, patched: broken) == "volume name \(name) is used twice")
        let decision = Mutator.decide(pod: broken, namespace: "spark", policy: Policy())
        #expect(decision.outcome == .patched)
    }

    @Test func everyKindOfViolationIsNamed() throws {
        let pod: JSONValue = [
            "spec": [
                "volumes": [["name": "a", "emptyDir": [:]]],
                "containers": [
                    ["name": "c", "volumeMounts": [["name": "a", "mountPath": "/x"], ["name": "a", "mountPath": "/x"]]],
                    ["name": "c", "volumeMounts": [["name": "missing", "mountPath": "/y"]]],
                ],
            ]
        ]
        #expect(PatchedPodCheck.violations(pod) == [
            "container c mounts /x twice", "container name c is used twice",
            "container c mounts volume missing, which does not exist",
        ])
    }

    @Test func thePatchedPodIsWhatThePatchGives() throws {
        for name in Fixture.names {
            let pod = try Fixture.pod(name)
            let decision = Mutator.decide(pod: pod, namespace: "spark", policy: Policy())
            #expect(try JSONPatch.apply(decision.sentPatch, to: pod) == decision.admittedPod)
        }
    }
}
