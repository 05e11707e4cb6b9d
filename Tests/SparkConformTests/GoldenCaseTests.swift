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
        for item in try Preview.evaluate(documents, namespace: golden.namespace, podSecurity: golden.podSecurity, policy: golden.policy) {
            let decision = item.decision
            // The patch, applied as the apiserver applies it, gives the pod the decision carries.
            #expect(try JSONPatch.apply(decision.patch, to: item.original) == decision.patched)
            #expect(decision.outcome != .internalError)
            #expect(PatchedPodCheck.introducedViolation(original: item.original, patched: decision.patched) == nil)
            #expect(decision.warnings.allSatisfy { $0.count < 120 })
            for operation in decision.wouldPatch {
                let path = operation.path.description
                #expect(Self.ruleFields.contains { path == $0 || path.hasPrefix($0 + "/") } || Self.isContainerEnvOrMount(path), "\(path)")
            }
            // Idempotent: the webhook on the fully patched pod changes nothing more.
            if decision.reason == nil {
                let fully = try JSONPatch.apply(decision.wouldPatch, to: item.original)
                let again = Mutator.decide(pod: fully, namespace: item.namespace, policy: golden.policy, podSecurityLabel: golden.podSecurity)
                #expect(again.wouldPatch.isEmpty, "second pass patched: \(again.wouldPatch.map(\.path.description))")
            }
            // Audit mode would send exactly what enforce mode sends.
            if decision.mode == .audit {
                var enforcing = golden.policy
                enforcing.mode = .enforce
                for key in enforcing.namespaceOverrides.keys { enforcing.namespaceOverrides[key]?.mode = nil }
                #expect(decision.wouldPatch == Mutator.decide(pod: item.original, namespace: item.namespace, policy: enforcing, podSecurityLabel: golden.podSecurity).patch)
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
