import Foundation
import NIOHTTP1
import SparkConform
import SparkConformTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The real binary as the chart runs it: uid 65532, no capabilities, no new
/// privileges, nothing writable but what is mounted for it.
@Suite struct ChartRuntimeTests {
    /// A socket option only root may set drops every accepted connection (the
    /// client sees a reset during the handshake); so does anything else root-only.
    @Test func answersOverHTTP1AndHTTP2AsTheChartRunsIt() async throws {
        let running = try await RunningServer.start()
        defer {
            running.process.terminate()
            try? FileManager.default.removeItem(at: running.directory)
        }
        let credentials = try ChartRuntime.credentials(of: running.process.processIdentifier)
        if ChartRuntime.asRoot {
            #expect(credentials.uid == "\(ChartRuntime.uid)")
            #expect(credentials.effectiveCapabilities == "0000000000000000")
        }
        #expect(credentials.noNewPrivileges == "1")
        let body = JSONWriter.bytes(CapturedReview.review(try Fixture.pod("spark-3.5.3-executor-basic")))
        for wire in [TestServer.WireProtocol.http1, .http2] {
            try await running.server.withClient(wire) { client in
                for path in ["/healthz", "/readyz"] {
                    let probe = try await running.server.send(client, .GET, path: path)
                    #expect(probe.status == 200, "\(wire) \(path)")
                }
                let reply = try await running.server.send(client, body: body)
                #expect(reply.status == 200)
                #expect(reply.version == (wire == .http1 ? .http1_1 : .http2))
                #expect(reply.json?[path: ["response", "patchType"]] == "JSONPatch", "\(wire): \(reply.text)")
            }
        }
    }

    /// `docker run IMAGE`: no certificate flags, the working directory `/` not
    /// writable, the temporary directory writable. It serves, with a development
    /// certificate in a new directory of its own under TMPDIR.
    @Test func bareStartServesWithADevelopmentCertificateInTheTemporaryDirectory() async throws {
        let temporary = try ChartRuntime.writableDirectory("tmp")
        defer { try? FileManager.default.removeItem(at: temporary) }
        let (process, errors) = try RunningServer.launch(
            [], workingDirectory: URL(fileURLWithPath: "/"), environment: ["TMPDIR": temporary.path])
        defer { process.terminate() }
        let logged = await RunningServer.read(errors, until: "listening on 127.0.0.1:")
        let port = try #require(RunningServer.listeningPort(in: logged), "server log: \(logged)")
        let match = try #require(logged.firstMatch(of: /"ca":"([^"]+)"/), "server log: \(logged)")
        let caFile = String(match.1).replacingOccurrences(of: "\\/", with: "/")
        #expect(caFile.hasPrefix(temporary.path + "/spark-conform-dev-cert."))
        let server = TestServer(port: port, directory: temporary, caFile: caFile, metrics: .init(), policies: .init(Policy()))
        try await server.withClient(.http1) { client in
            let ready = try await server.send(client, .GET, path: "/readyz")
            #expect(ready.status == 200)
        }
    }

    /// A read-only root filesystem and no certificate: it exits at once and says
    /// which flags or mounts to give, instead of a file-system error.
    @Test func bareStartWithNothingWritableExitsSayingWhatToGive() async throws {
        let temporary = try ChartRuntime.writableDirectory("readonly-tmp")
        defer { try? FileManager.default.removeItem(at: temporary) }
        #expect(chmod(temporary.path, 0o555) == 0)
        let (process, errors) = try RunningServer.launch(
            [], workingDirectory: URL(fileURLWithPath: "/"), environment: ["TMPDIR": temporary.path])
        // Its whole log, or up to the line that says it serves after all (then this test fails).
        let logged = await RunningServer.read(errors, until: "listening on")
        if process.isRunning && logged.contains("listening on") { process.terminate() }
        process.waitUntilExit()
        #expect(process.terminationStatus != 0)
        #expect(!logged.contains("listening on"))
        #expect(logged.contains("no TLS certificate given, and nowhere writable"), "log: \(logged)")
        #expect(logged.contains("--tls-cert-file and --tls-key-file"))
        #expect(logged.contains("--dev-cert-dir"))
    }

    /// At `trace` every lifecycle line is logged, services described: no line, in the
    /// operational log or the audit log, may carry the private key or any part of it.
    @Test func traceLogsCarryNoKeyMaterial() async throws {
        let running = try await RunningServer.start(drainSeconds: 0, arguments: ["--log-level", "trace"])
        defer {
            if running.process.isRunning { running.process.terminate() }
            try? FileManager.default.removeItem(at: running.directory)
        }
        let body = JSONWriter.bytes(CapturedReview.review(try Fixture.pod("spark-3.5.3-executor-basic")))
        try await running.server.withClient(.http2) { client in
            let reply = try await running.server.send(client, body: body)
            #expect(reply.status == 200)
        }
        kill(running.process.processIdentifier, SIGTERM)
        let logged = await running.remainingLog()
        running.process.waitUntilExit()
        #expect(logged.contains("Server stopped"), "the log was read to its end")
        let key = try String(contentsOf: running.directory.appendingPathComponent("certs/tls.key"), encoding: .utf8)
        let keyLines = key.split(separator: "\n").filter { !$0.hasPrefix("-----") }
        #expect(!keyLines.isEmpty)
        let audit = try String(contentsOf: running.directory.appendingPathComponent("audit.log"), encoding: .utf8)
        for (name, text) in [("operational log", logged), ("audit log", audit)] {
            #expect(!text.contains("PRIVATE KEY"), "\(name)")
            // The key's base64 lines, and their JSON-escaped form (a `/` may be written `\/`).
            for line in keyLines {
                let escaped = line.replacingOccurrences(of: "/", with: "\\/")
                #expect(!text.contains(line) && !text.contains(escaped), "\(name) holds a line of the private key")
            }
        }
    }
}
