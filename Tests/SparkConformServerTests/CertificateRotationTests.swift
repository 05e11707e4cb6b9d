import AsyncHTTPClient
import Foundation
import NIOHTTP1
import NIOSSL
import SparkConform
import SparkConformCertificates
import SparkConformServer
import SparkConformTestSupport
import Testing

/// cert-manager rotates the secret in place: new connections must see the
/// new pair, a mismatched or half-written pair must be refused, and no
/// request may fail meanwhile.
@Suite struct CertificateRotationTests {
    func write(_ text: String, _ path: String) throws { try text.write(toFile: path, atomically: true, encoding: .utf8) }

    /// Whether a fresh connection that trusts only `caFile` completes a request.
    func connects(_ server: TestServer, trusting caFile: String) async throws -> Bool {
        var ok = false
        try await server.withClient(.http1, caFile: caFile) { client in
            ok = (try? await server.send(client, .GET, path: "/healthz", timeout: .seconds(1)))?.status == 200
        }
        return ok
    }

    /// `spark_conform_tls_reloads_total{result=…}`: how many reloads the server has tried that way.
    func reloads(_ result: String, _ server: TestServer, trusting caFile: String) async throws -> Double {
        var count = 0.0
        try await server.withClient(.http1, caFile: caFile) { client in
            let metrics = ObservabilityTests.samples(try await server.send(client, .GET, path: "/metrics").text)
            count = metrics[#"spark_conform_tls_reloads_total{result="\#(result)"}"#] ?? 0
        }
        return count
    }

    /// Polls a condition until it holds (at most 2.5 s): waits on the thing, not on time.
    func eventually(_ condition: () async throws -> Bool) async throws -> Bool {
        for _ in 0..<50 {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    @Test func rotationTakesEffectForNewConnectionsAndBadPairsAreRefused() async throws {
        let next = try CertificateGenerator.generate(for: .init(), now: Date())
        let stranger = try CertificateGenerator.generate(for: .init(), now: Date())
        try await TestServer.withServer(configure: { configuration, _ in
            configuration.certificateReloadInterval = .milliseconds(50)
        }) { server in
            let directory = server.directory.path
            let oldCA = server.caFile
            let newCA = "\(directory)/next-ca.crt"
            let bothCAs = "\(directory)/both-ca.crt"
            try write(next.caCertificatePEM, newCA)
            try write(try String(contentsOfFile: oldCA, encoding: .utf8) + next.caCertificatePEM, bothCAs)

            let traffic = Traffic()
            let pod = JSONWriter.bytes(CapturedReview.review(try Fixture.pod("spark-3.5.3-executor-basic")))
            try await withThrowingTaskGroup(of: Void.self) { group in
                // Steady traffic over new connections, from a client that trusts both CAs.
                group.addTask {
                    while !traffic.stop.load(ordering: .relaxed) {
                        try await server.withClient(.http1, caFile: bothCAs) { client in
                            let reply = try? await server.send(client, body: pod, timeout: .seconds(2))
                            traffic.sent.add(1, ordering: .relaxed)
                            if reply?.status != 200 { traffic.failures.add(1, ordering: .relaxed) }
                        }
                    }
                }
                #expect(try await connects(server, trusting: oldCA))
                #expect(try await !connects(server, trusting: newCA))

                // Each refusal is waited for on the server's failure counter.
                func refused(_ count: Double) async throws -> Bool {
                    try await eventually { try await reloads("failure", server, trusting: bothCAs) >= count }
                }

                // Half-rotated: the new certificate lands before its key. Refused; the old pair serves.
                try write(next.certificatePEM, "\(directory)/tls.crt")
                #expect(try await refused(1))
                #expect(try await connects(server, trusting: oldCA))
                try write(next.privateKeyPEM, "\(directory)/tls.key")
                #expect(try await eventually { try await connects(server, trusting: newCA) })
                #expect(try await !connects(server, trusting: oldCA))

                // A key that belongs to another certificate, then a half-written file: both refused.
                try write(stranger.privateKeyPEM, "\(directory)/tls.key")
                #expect(try await refused(2))
                #expect(try await connects(server, trusting: newCA))
                try write(next.privateKeyPEM, "\(directory)/tls.key")
                try write(String(next.certificatePEM.prefix(100)), "\(directory)/tls.crt")
                #expect(try await refused(3))
                #expect(try await connects(server, trusting: newCA))

                traffic.stop.store(true, ordering: .relaxed)
                try await group.waitForAll()
            }
            #expect(traffic.sent.load(ordering: .relaxed) > 5)
            #expect(traffic.failures.load(ordering: .relaxed) == 0)

            #expect(try await reloads("success", server, trusting: newCA) >= 1)
            #expect(try await reloads("failure", server, trusting: newCA) >= 3)
        }
    }

    @Test func mismatchedPairIsRefusedAtStartWithAClearMessage() throws {
        let one = try CertificateGenerator.generate(for: .init(), now: Date())
        let two = try CertificateGenerator.generate(for: .init(), now: Date())
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pair-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try write(one.certificatePEM, "\(directory)/tls.crt")
        try write(two.privateKeyPEM, "\(directory)/tls.key")
        #expect {
            _ = try TLSFiles.load(certificateFile: "\(directory)/tls.crt", keyFile: "\(directory)/tls.key")
        } throws: { error in
            "\(error)".contains("does not match certificate")
        }
    }
}
