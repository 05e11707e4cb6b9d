import Foundation
import SparkConform
import SparkConformTestSupport
import Testing

/// `doctor` on saved clusters: the five of fixtures/clusters (real kubectl outputs, with
/// what a correct doctor reports in their READMEs) and one case per other check in
/// fixtures/doctor. Each case's findings are golden (`findings.json`, one finding per
/// line; SPARK_CONFORM_REGENERATE=1 rewrites them), and each case shows what it was
/// built for.
@Suite struct DoctorCaseTests {
    static var names: [String] { DoctorCase.names }

    /// What each case was built for: (severity, check) it must report; an empty list: no error at all.
    static let expected: [String: [(Doctor.Finding.Severity, String)]] = [
        "eksctl-healthy": [],
        "karpenter-healthy": [],
        "managed-with-blog-preset": [(.error, "capacity-placement")],
        "account-claimed-missing": [(.error, "service-account-exists")],
        "not-installed": [(.error, "webhook-configuration")],
        "spot-tainted-untolerated": [(.warning, "spot-toleration")],
        "hostpath-without-nvme": [(.warning, "local-dirs-nodes")],
        "baseline-namespace-keeps-local-dirs": [(.info, "pod-security")],
        "webhook-misconfigured": [(.error, "webhook-configuration"), (.warning, "webhook-configuration")],
        "karpenter-on-demand-only": [(.error, "capacity-placement")],
    ]

    static func findings(_ name: String) throws -> [Doctor.Finding] {
        let cluster = try DoctorCase.cluster(name)
        let policyFile = DoctorCase.folder(name).appendingPathComponent("policy.yaml")
        let policyText = FileManager.default.fileExists(atPath: policyFile.path)
            ? try String(contentsOf: policyFile, encoding: .utf8) : Doctor.policyText(in: cluster, releaseNamespace: "spark-conform")
        let policy = try policyText.map { try PolicyLoader.load(yaml: $0) } ?? Policy()
        return Doctor.run(cluster, policy: policy, releaseNamespace: "spark-conform")
    }

    @Test func everyCaseSaysWhatItIsFor() {
        #expect(Set(Self.names) == Set(Self.expected.keys))
    }

    @Test(arguments: names)
    func findingsAreTheGoldenOnesAndShowTheCheck(name: String) throws {
        let findings = try Self.findings(name)
        let wanted = try #require(Self.expected[name])
        if wanted.isEmpty { #expect(!findings.contains { $0.severity == .error }, "\(name): \(findings)") }
        for (severity, check) in wanted {
            #expect(findings.contains { $0.severity == severity && $0.check == check }, "\(name) should report \(severity) \(check)")
        }
        let lines = (Doctor.json(findings)["findings"]?.arrayValue ?? []).map { JSONWriter.string($0) }
        let text = lines.isEmpty ? "[]\n" : "[\n" + lines.map { "  " + $0 }.joined(separator: ",\n") + "\n]\n"
        let file = DoctorCase.folder(name).appendingPathComponent("findings.json")
        if ProcessInfo.processInfo.environment["SPARK_CONFORM_REGENERATE"] == "1" {
            try text.write(to: file, atomically: true, encoding: .utf8)
        }
        #expect((try? String(contentsOf: file, encoding: .utf8)) == text, "\(name): findings differ from findings.json")
    }

    /// The starting policy init writes passes doctor on the cluster it was written from
    /// (the installation itself aside: init writes a policy, not the chart).
    @Test(arguments: names)
    func starterPolicyPassesDoctor(name: String) throws {
        let cluster = try DoctorCase.cluster(name)
        let policy = try PolicyLoader.load(yaml: StarterPolicy.yaml(for: cluster, releaseNamespace: "spark-conform"))
        let errors = Doctor.run(cluster, policy: policy, releaseNamespace: "spark-conform")
            .filter { $0.severity == .error && $0.check != "webhook-configuration" }
        #expect(errors.isEmpty, "\(name): \(errors)")
    }
}
