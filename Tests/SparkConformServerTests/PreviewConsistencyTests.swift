import AsyncHTTPClient
import Foundation
import NIOHTTP1
import SparkConform
import SparkConformServer
import SparkConformTestSupport
import Testing

/// What a user previews is byte for byte what the cluster gets: the CLI,
/// `POST /preview` and `/mutate` give the same patch for every fixture.
@Suite struct PreviewConsistencyTests {
    /// The `spark-conform` binary built next to this test bundle.
    static var cli: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("spark-conform")
    }

    static func runCLI(_ arguments: [String], stdin: [UInt8]? = nil) async throws -> (status: Int32, stdout: String, stderr: String) {
        let result = try await ChildProcess.run(cli, arguments, stdin: stdin ?? [])
        return (result.status, result.stdout, result.stderr)
    }

    @Test func cliPreviewAndMutateAgreeByteForByte() async throws {
        try await TestServer.withServer { server in
            try await server.withClient(.http1) { client in
                for name in Fixture.names {
                    let pod = try Fixture.pod(name)
                    // The review itself goes to preview too: its requester is a fact the rules use.
                    let review = JSONWriter.bytes(CapturedReview.review(pod))
                    let mutate = try await server.send(client, body: review)
                    let encoded = try #require(mutate.json?[path: ["response", "patch"]]?.stringValue)
                    let fromMutate = String(decoding: try #require(Data(base64Encoded: encoded).map(Array.init)), as: UTF8.self)

                    let preview = try await server.send(
                        client, path: "/preview?output=patch&namespace=spark", body: review)
                    #expect(preview.status == 200)
                    #expect(preview.headers["X-Spark-Conform-Would-Change"].first == "true")
                    #expect(preview.text == fromMutate + "\n")

                    let cli = try await Self.runCLI(["preview", "--output", "patch", "--namespace", "spark", "-"], stdin: review)
                    #expect(cli.status == 0, "stderr: \(cli.stderr)")
                    #expect(cli.stdout == fromMutate + "\n")

                    // The same for the human-readable forms.
                    for output in ["explain", "diff", "pod"] {
                        let http = try await server.send(client, path: "/preview?output=\(output)&namespace=spark", contentType: "application/yaml", body: Array(YAMLWriter.string(pod).utf8))
                        let local = try await Self.runCLI(["preview", "--output", output, "--namespace", "spark"], stdin: Array(YAMLWriter.string(pod).utf8))
                        #expect(http.text == local.stdout)
                    }
                }
            }
        }
    }

    @Test func cliExitCodes() async throws {
        let pod = JSONWriter.bytes(try Fixture.pod("spark-3.5.3-driver-basic"))
        #expect(try await Self.runCLI(["preview", "-"], stdin: pod).status == 0)
        #expect(try await Self.runCLI(["preview", "--fail-on-change", "-"], stdin: pod).status == 3)
        let unreadable = try await Self.runCLI(["preview", "-"], stdin: Array("kind: Service".utf8))
        #expect(unreadable.status == 1)
        #expect(unreadable.stderr == "spark-conform preview: -: document 1: a Service, not a Pod, List or AdmissionReview\n")
        let missing = try await Self.runCLI(["preview", "/nonexistent/pod.yaml"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("cannot read /nonexistent/pod.yaml"))
        #expect(try await Self.runCLI(["preview", "--output", "sideways", "-"], stdin: pod).status == 64)
        let badRules = try await Self.runCLI(["preview", "--rules", "node-lifecycle,spot", "-"], stdin: pod)
        #expect(badRules.status == 64)
        #expect(badRules.stderr.contains("'spot' is not a rule; rules: app-labels,"))
    }

    @Test func previewErrorsOverHTTP() async throws {
        try await TestServer.withServer { server in
            try await server.withClient(.http2) { client in
                let notPod = try await server.send(client, path: "/preview", contentType: "application/yaml", body: Array("kind: Service\n".utf8))
                #expect(notPod.status == 400)
                #expect(notPod.json?["message"] == "document 1: a Service, not a Pod, List or AdmissionReview")
                let badOutput = try await server.send(client, path: "/preview?output=sideways", body: Array("{}".utf8))
                #expect(badOutput.status == 400)
                #expect(badOutput.json?["message"]?.stringValue?.contains("output 'sideways' is not one of") == true)
                let badRules = try await server.send(client, path: "/preview?output=patch&rules=zone-colocation,spot", body: Array("{}".utf8))
                #expect(badRules.status == 400)
                #expect(badRules.json?["message"]?.stringValue?.hasPrefix("query parameter 'rules': 'spot' is not a rule; rules: app-labels,") == true)
                let empty = try await server.send(client, path: "/preview", body: [])
                #expect(empty.json?["message"] == "input is empty")
            }
        }
    }

    @Test func policyCommands() async throws {
        let printed = try await Self.runCLI(["policy", "default"])
        #expect(printed.status == 0)
        #expect(printed.stdout == DefaultPolicy.yaml)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("policy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let good = directory.appendingPathComponent("good.yaml").path
        try "mode: audit\n".write(toFile: good, atomically: true, encoding: .utf8)
        let checked = try await Self.runCLI(["policy", "check", good])
        #expect(checked.status == 0)
        #expect(checked.stdout.contains("valid (mode audit, preset auto)"))
        let bad = directory.appendingPathComponent("bad.yaml").path
        try "rules:\n  local-dirs:\n    uid: root\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let refused = try await Self.runCLI(["policy", "check", bad])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("line 3, rules.local-dirs.uid: must be an integer, not a string"))
    }
}
