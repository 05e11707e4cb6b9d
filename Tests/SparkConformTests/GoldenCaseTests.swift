import Foundation
import SparkConform
import SparkConformTestSupport
import Testing

/// Every folder of `fixtures/cases/` through `Preview.run`, which is byte for
/// byte what `/mutate` sends. A differing expected file fails the case; with
/// `SPARK_CONFORM_REGENERATE=1` the files are rewritten instead, and a reviewer
/// reads the diff.
@Suite struct GoldenCaseTests {
    static let regenerate = ProcessInfo.processInfo.environment["SPARK_CONFORM_REGENERATE"] == "1"

    /// Where a rule may write: anything else in a patch is a rule touching what is not its own.
    static let ruleFields = [
        "/spec/affinity", "/spec/nodeSelector", "/spec/tolerations", "/spec/volumes", "/spec/initContainers",
        "/spec/serviceAccountName", "/spec/serviceAccount", "/spec/securityContext", "/metadata/annotations", "/metadata/labels",
    ]

    @Test func thereAreCases() {
        #expect(GoldenCase.names.count >= 40)
    }

    /// A case states the rules it is about, and nothing the reader does not know:
    /// a `replaces:` naming a test (gone since issue 20) fails the run.
    @Test func caseFilesAreReadStrictly() throws {
        #expect(try GoldenCase.Header(parsing: "namespace: spark\nrules: [local-dirs]", case: "c").rules.map(\.rawValue) == ["local-dirs"])
        let failures = [
            ("namespace: spark\nrules: []\nreplaces: FixtureTests.executorBasic", "c/case.yaml: unknown field replaces"),
            ("namespace: spark", "c/case.yaml: rules is required"),
            ("namespace: spark\nrules: [zone-colocaton]", #"c/case.yaml: rules: "zone-colocaton" is not a rule"#),
            ("rules: []", "c/case.yaml: namespace is required"),
        ]
        for (text, message) in failures {
            #expect {
                try GoldenCase.Header(parsing: text, case: "c")
            } throws: { "\($0)".hasPrefix(message) }
        }
    }

    @Test(arguments: GoldenCase.names)
    func expectedFilesMatch(name: String) throws {
        let golden = try GoldenCase(name)
        let actual = try golden.actual()
        for file in GoldenCase.expectedFiles {
            let text = try #require(actual[file])
            if Self.regenerate {
                try golden.write(file, text)
            } else {
                #expect(
                    golden.expected(file) == text,
                    "fixtures/cases/\(name)/\(file) differs from what the webhook answers; SPARK_CONFORM_REGENERATE=1 swift test --filter GoldenCaseTests rewrites it:\n\(text)")
            }
        }
    }

    /// What holds for every case, whatever its expected files say.
    @Test(arguments: GoldenCase.names)
    func invariantsHold(name: String) throws {
        let golden = try GoldenCase(name)
        let documents = try DocumentReader.read(golden.input)
        let items = try Preview.evaluate(
            documents, namespace: golden.namespace, podSecurity: golden.podSecurity, policy: golden.policy, recordingRuleOperations: true)
        for item in items {
            let decision = item.decision
            // Each rule's operations, in turn, build the pod the whole patch builds: the per-rule view is the decision's.
            if decision.outcome != .internalError {
                let ruleByRule = try decision.outcomes.reduce(item.original) { try JSONPatch.apply($1.operations ?? [], to: $0) }
                #expect(try ruleByRule == JSONPatch.apply(decision.enforcePatch, to: item.original))
            }
            // The patch, applied as the apiserver applies it, gives the pod the decision carries.
            #expect(try JSONPatch.apply(decision.sentPatch, to: item.original) == decision.admittedPod)
            #expect(decision.outcome != .internalError)
            #expect(PatchedPodCheck.introducedViolation(original: item.original, patched: decision.admittedPod) == nil)
            #expect(decision.warnings.allSatisfy { $0.count < 120 })
            for operation in decision.enforcePatch {
                let path = operation.path.description
                #expect(Self.ruleFields.contains { path == $0 || path.hasPrefix($0 + "/") } || Self.isContainerEnvOrMount(path), "\(path)")
            }
            // Idempotent: the webhook on the fully patched pod changes nothing more.
            if decision.reason == nil {
                let fully = try JSONPatch.apply(decision.enforcePatch, to: item.original)
                let again = Mutator.decide(pod: fully, namespace: item.namespace, policy: golden.policy, podSecurityLabel: golden.podSecurity)
                #expect(again.enforcePatch.isEmpty, "second pass patched: \(again.enforcePatch.map(\.path.description))")
            }
            // Audit mode would send exactly what enforce mode sends.
            if decision.mode == .audit {
                var enforcing = golden.policy
                enforcing.mode = .enforce
                for key in enforcing.namespaceOverrides.keys { enforcing.namespaceOverrides[key]?.mode = nil }
                #expect(decision.enforcePatch == Mutator.decide(pod: item.original, namespace: item.namespace, policy: enforcing, podSecurityLabel: golden.podSecurity).sentPatch)
            }
        }
    }

    /// IRSA writes env and mounts into containers: `/spec/containers/N/env…`.
    static func isContainerEnvOrMount(_ path: String) -> Bool {
        let parts = path.split(separator: "/")
        return parts.count >= 4 && parts[0] == "spec" && ["containers", "initContainers"].contains(parts[1])
            && Int(parts[2]) != nil && ["env", "volumeMounts"].contains(parts[3])
    }
}
