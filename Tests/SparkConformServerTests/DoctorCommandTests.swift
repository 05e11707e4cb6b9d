import Foundation
import SparkConform
import SparkConformTestSupport
import Testing

/// `spark-conform doctor` as a user runs it: on saved outputs (`--from`), and live
/// through a stand-in kubectl that prints the same saved outputs for the same
/// commands doctor runs.
@Suite struct DoctorCommandTests {
    static func savedOutputs(_ name: String) throws -> [String] { try DoctorCase.savedOutputs(name).map(\.path) }

    /// A kubectl that answers doctor's three reads from a case folder; `forbidNodes` refuses the first.
    static func standInKubectl(for name: String, forbidNodes: Bool = false) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kubectl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let folder = DoctorCase.folder(name).path
        let nodes = forbidNodes
            ? "echo 'Error from server (Forbidden): nodes is forbidden: User \"alice\" cannot list resource \"nodes\"' >&2; exit 1"
            : "cat '\(folder)/cluster.json'"
        let script = """
            #!/bin/sh
            case "$*" in
              "get nodes,namespaces,serviceaccounts,mutatingwebhookconfigurations -A -o json") \(nodes) ;;
              "get configmaps -n spark-conform -o json") cat '\(folder)/configmaps.json' ;;
              "get nodepools.karpenter.sh -o json")
                if [ -f '\(folder)/nodepools.json' ]; then cat '\(folder)/nodepools.json'
                else echo 'error: the server doesn'"'"'t have a resource type "nodepools"' >&2; exit 1; fi ;;
              *) echo "unexpected kubectl $*" >&2; exit 2 ;;
            esac
            """
        let path = directory.appendingPathComponent("kubectl")
        try script.write(to: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path.path)
        return path
    }

    @Test(arguments: DoctorCase.names)
    func liveAndFromGiveTheSameFindingsAndTheExitCode(name: String) async throws {
        let saved = try await PreviewConsistencyTests.runCLI(["doctor", "--output", "json", "--from"] + Self.savedOutputs(name))
        let kubectl = try Self.standInKubectl(for: name)
        defer { try? FileManager.default.removeItem(at: kubectl.deletingLastPathComponent()) }
        let live = try await PreviewConsistencyTests.runCLI(["doctor", "--output", "json", "--kubectl", kubectl.path])
        #expect(live.stderr == "", "\(name): \(live.stderr)")
        #expect(saved.stdout == live.stdout, "\(name)")
        let findings = try JSONParser.parse(saved.stdout)
        let errors = findings[path: ["summary", "error"]]
        #expect(saved.status == (errors == .int(0) ? 0 : 3), "\(name): exit \(saved.status) with \(errors.map { JSONWriter.string($0) } ?? "?") errors")
        #expect(live.status == saved.status)
        // The same findings the library gives (the golden file).
        let golden = try JSONParser.parse(String(contentsOf: DoctorCase.folder(name).appendingPathComponent("findings.json"), encoding: .utf8))
        #expect(findings["findings"] == golden)
    }

    @Test func textNamesEachFindingItsFixAndTheSummary() async throws {
        let result = try await PreviewConsistencyTests.runCLI(["doctor", "--from"] + Self.savedOutputs("managed-with-blog-preset"))
        #expect(result.status == 3)
        #expect(result.stdout.hasPrefix("spark-conform doctor: 6 nodes, 0 NodePools, 6 namespaces; policy from the ConfigMap in spark-conform\n"))
        #expect(result.stdout.contains("error   capacity-placement  node-lifecycle preset eksctl"))
        #expect(result.stdout.contains("fix: set rules.node-lifecycle.preset: eks-managed"))
        #expect(result.stdout.hasSuffix("2 errors, 0 warnings, 0 info\n"))
    }

    @Test func nothingReadableExitsOneSayingWhy() async throws {
        let missing = try await PreviewConsistencyTests.runCLI(["doctor", "--kubectl", "/nonexistent/kubectl"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("/nonexistent/kubectl is not installed or not on PATH"), "\(missing.stderr)")
        #expect(missing.stderr.contains("nothing could be read"))
        let unreadable = try await PreviewConsistencyTests.runCLI(["doctor", "--from", "/nonexistent/cluster.json"])
        #expect(unreadable.status == 1)
        #expect(unreadable.stderr.contains("cannot read /nonexistent/cluster.json"))
    }

    /// A forbidden read is named, and what could be read is still checked.
    @Test func forbiddenReadIsNamedAndTheRestChecked() async throws {
        let kubectl = try Self.standInKubectl(for: "eksctl-healthy", forbidNodes: true)
        defer { try? FileManager.default.removeItem(at: kubectl.deletingLastPathComponent()) }
        let result = try await PreviewConsistencyTests.runCLI(["doctor", "--kubectl", kubectl.path])
        #expect(result.stderr.contains("cannot read nodes, namespaces, service accounts and webhook configurations: Error from server (Forbidden)"))
        #expect(result.stdout.contains("policy from the ConfigMap in spark-conform"))
        // Without the webhook configuration it cannot tell the webhook is installed: said as an error.
        #expect(result.stdout.contains("webhook-configuration"))
        #expect(result.status == 3)
    }

    @Test func policyInitWritesWhatTheClusterShows() async throws {
        let managed = try await PreviewConsistencyTests.runCLI(["policy", "init", "--from-cluster", "--from"] + Self.savedOutputs("managed-with-blog-preset"))
        #expect(managed.status == 0)
        #expect(managed.stdout.contains("preset: eks-managed"))
        #expect(managed.stdout.contains("existsIn: [spark]"))
        let refused = try await PreviewConsistencyTests.runCLI(["policy", "init"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("give --from-cluster"))
    }
}
