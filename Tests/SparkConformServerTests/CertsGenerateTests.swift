import AsyncHTTPClient
import Foundation
import NIOHTTP1
import SparkConform
import SparkConformServer
import Testing

/// `spark-conform certs generate`: openssl accepts the chain, and a server
/// using it is reachable by the service DNS name with only the CA trusted.
@Suite struct CertsGenerateTests {
    static func openssl(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        let result = try await ChildProcess.run(URL(fileURLWithPath: "/usr/bin/env"), ["openssl"] + arguments)
        return (result.status, result.stdout + result.stderr)
    }

    @Test func generatedFilesVerifyAndServeTheServiceName() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("certs-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let generated = try await PreviewConsistencyTests.runCLI(["certs", "generate", "--service", "hook", "--namespace", "platform", "--out", directory])
        #expect(generated.status == 0, "stderr: \(generated.stderr)")
        let caBundle = generated.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(Data(base64Encoded: caBundle) == FileManager.default.contents(atPath: "\(directory)/ca.crt"))
        let keyAttributes = try FileManager.default.attributesOfItem(atPath: "\(directory)/tls.key")
        #expect((keyAttributes[.posixPermissions] as? Int) == 0o600)

        let verify = try await Self.openssl(["verify", "-CAfile", "\(directory)/ca.crt", "\(directory)/tls.crt"])
        #expect(verify.status == 0)
        #expect(verify.output.contains("tls.crt: OK"))
        let names = try await Self.openssl(["x509", "-in", "\(directory)/tls.crt", "-noout", "-ext", "subjectAltName"])
        for name in ["DNS:hook.platform.svc", "DNS:hook.platform.svc.cluster.local", "DNS:hook", "IP Address:127.0.0.1"] {
            #expect(names.output.contains(name))
        }

        try await TestServer.withServer(configure: { configuration, _ in
            configuration.certificateFile = "\(directory)/tls.crt"
            configuration.keyFile = "\(directory)/tls.key"
        }) { server in
            try await server.withClient(.http2, caFile: "\(directory)/ca.crt", dnsOverride: ["hook.platform.svc": "127.0.0.1"]) { client in
                let reply = try await server.send(client, .GET, path: "/readyz", host: "hook.platform.svc")
                #expect(reply.status == 200)
            }
        }
    }

    /// `certs generate` and `serve` share their Service options: each command takes both spellings.
    @Test func theServiceOptionsHaveBothSpellings() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("certs-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let generated = try await PreviewConsistencyTests.runCLI(
            ["certs", "generate", "--service-name", "hook", "--service-namespace", "platform", "--out", directory])
        #expect(generated.status == 0, "stderr: \(generated.stderr)")
        let names = try await Self.openssl(["x509", "-in", "\(directory)/tls.crt", "-noout", "-ext", "subjectAltName"])
        #expect(names.output.contains("DNS:hook.platform.svc"))
        let serveHelp = try await PreviewConsistencyTests.runCLI(["serve", "--help"])
        #expect(serveHelp.stdout.contains("--service, --service-name <service>"))
        #expect(serveHelp.stdout.contains("--namespace, --service-namespace <namespace>"))
    }
}
