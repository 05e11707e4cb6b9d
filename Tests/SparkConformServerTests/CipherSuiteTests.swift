import Foundation
import SparkConformServer
import Testing

/// TLS 1.2 offers ECDHE with AEAD only. The client is openssl's `s_client`,
/// an implementation independent of the server's BoringSSL, offering exactly
/// one suite per handshake.
@Suite struct CipherSuiteTests {
    /// openssl's names for the IANA suites (s_client's `-cipher` takes these).
    static func handshake(port: Int, tls12Cipher: String) async throws -> (accepted: Bool, output: String) {
        let result = try await ChildProcess.run(URL(fileURLWithPath: "/usr/bin/env"), [
            "openssl", "s_client", "-connect", "127.0.0.1:\(port)", "-tls1_2", "-cipher", tls12Cipher,
        ])
        let output = result.stdout + result.stderr
        // s_client prints the negotiated suite; a refused handshake ends with an alert and status 1.
        return (result.status == 0 && output.contains("Cipher is \(tls12Cipher)"), output)
    }

    @Test func tls12RefusesCBCAndAcceptsAEAD() async throws {
        try await TestServer.withServer { server in
            for cbc in ["ECDHE-ECDSA-AES128-SHA", "ECDHE-ECDSA-AES256-SHA"] {
                let result = try await Self.handshake(port: server.port, tls12Cipher: cbc)
                #expect(!result.accepted, "\(cbc) was accepted")
                #expect(result.output.contains("handshake failure") || result.output.contains("no cipher"), "\(result.output.prefix(400))")
            }
            for aead in ["ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-ECDSA-CHACHA20-POLY1305"] {
                let result = try await Self.handshake(port: server.port, tls12Cipher: aead)
                #expect(result.accepted, "\(aead) refused: \(result.output.prefix(400))")
            }
        }
    }

    @Test func configuredListIsTheOnlyOneOffered() async throws {
        let chacha = try TLSCipherSuites(parsing: " TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 ,")
        try await TestServer.withServer(configure: { configuration, _ in configuration.cipherSuites = chacha }) { server in
            let chosen = try await Self.handshake(port: server.port, tls12Cipher: "ECDHE-ECDSA-CHACHA20-POLY1305")
            #expect(chosen.accepted, "\(chosen.output.prefix(400))")
            let other = try await Self.handshake(port: server.port, tls12Cipher: "ECDHE-ECDSA-AES128-GCM-SHA256")
            #expect(!other.accepted)
        }
    }

    @Test(arguments: [
        ("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "refused: not an AEAD cipher"),
        ("TLS_RSA_WITH_AES_128_GCM_SHA256", "refused: no ECDHE key exchange"),
        ("TLS_AES_128_GCM_SHA256", "a TLS 1.3 suite"),
        ("ECDHE-ECDSA-AES128-GCM-SHA256", "not an IANA cipher suite name"),
        ("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_FOO_WITH_BAR", "'TLS_FOO_WITH_BAR' is refused: no ECDHE"),
        ("TLS_ECDHE_ECDSA_WITH_AES_128_CCM", "not known to this server's TLS library"),
        (" , ", "the cipher suite list is empty"),
    ])
    func unknownOrWeakNamesAreRefusedWithTheReason(list: String, reason: String) {
        #expect {
            _ = try TLSCipherSuites(parsing: list)
        } throws: { error in
            let message = "\(error)"
            return message.contains(reason) && message.contains("accepted: TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,")
        }
    }

    @Test func serveRefusesAnUnknownSuiteBeforeListening() async throws {
        // Missing certificate files: should the list pass, serve fails on them instead of listening.
        let result = try await PreviewConsistencyTests.runCLI([
            "serve", "--port", "0", "--tls-cert-file", "/nonexistent/tls.crt", "--tls-key-file", "/nonexistent/tls.key",
            "--tls-cipher-suites", "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA",
        ])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--tls-cipher-suites: cipher suite 'TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA' is refused: not an AEAD cipher"), "\(result.stderr)")
    }
}
