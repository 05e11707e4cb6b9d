import Foundation
import SparkConform
import SparkConformTestSupport
import Testing

/// kubectl runs `kubectl-spark_conform` from PATH for `kubectl spark-conform …`,
/// with the plugin's path as argv[0]: the same binary, linked under that name.
@Suite struct KubectlPluginTests {
    static func withPlugin(_ body: (URL) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("plugin-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let plugin = directory.appendingPathComponent("kubectl-spark_conform")
        try FileManager.default.createSymbolicLink(at: plugin, withDestinationURL: PreviewConsistencyTests.cli)
        try await body(plugin)
    }

    @Test func helpNamesTheCommandAsTyped() async throws {
        try await Self.withPlugin { plugin in
            let top = try await ChildProcess.run(plugin, ["--help"])
            #expect(top.status == 0)
            #expect(top.stdout.contains("USAGE: kubectl spark-conform <subcommand>"))
            #expect(top.stdout.contains("See 'kubectl spark-conform help <subcommand>'"))
            let preview = try await ChildProcess.run(plugin, ["preview", "--help"])
            #expect(preview.stdout.contains("USAGE: kubectl spark-conform preview [<file>]"))
            let report = try await ChildProcess.run(plugin, ["audit", "report", "--help"])
            #expect(report.stdout.contains("USAGE: kubectl spark-conform audit report [<file>]"))
            let error = try await ChildProcess.run(plugin, ["preview", "/nonexistent.yaml"])
            #expect(error.status == 1)
            #expect(error.stderr.hasPrefix("kubectl spark-conform preview: cannot read /nonexistent.yaml"))
        }
        let direct = try await PreviewConsistencyTests.runCLI(["preview", "--help"])
        #expect(direct.stdout.contains("USAGE: spark-conform preview [<file>]"))
        #expect(!direct.stdout.contains("kubectl spark-conform preview"))
    }

    @Test func asAPluginNoSubcommandPrintsHelpInsteadOfServing() async throws {
        try await Self.withPlugin { plugin in
            // `serve` is the default only under the server's own name; a server started by
            // a bare `kubectl spark-conform` would be a surprise. Should it serve, the missing
            // certificate files make it fail at once instead of listening.
            let bare = try await ChildProcess.run(plugin, [], addingEnvironment: [
                "SPARK_CONFORM_TLS_CERT_FILE": "/nonexistent/tls.crt", "SPARK_CONFORM_TLS_KEY_FILE": "/nonexistent/tls.key",
            ])
            #expect(bare.status == 0)
            #expect(bare.stdout.contains("SUBCOMMANDS:"))
        }
    }

    @Test func pluginPreviewGivesWhatTheServerNameGives() async throws {
        let pod = Array(try JSONWriter.string(Fixture.pod("spark-3.5.3-executor-basic")).utf8)
        try await Self.withPlugin { plugin in
            let viaPlugin = try await ChildProcess.run(plugin, ["preview", "--output", "patch", "-"], stdin: pod)
            let direct = try await PreviewConsistencyTests.runCLI(["preview", "--output", "patch", "-"], stdin: pod)
            #expect(viaPlugin.status == 0 && !viaPlugin.stdout.isEmpty)
            #expect(viaPlugin.stdout == direct.stdout)
        }
    }
}
