import Foundation
import SparkConformCertificates
import SwiftASN1
import Testing
import X509

@Suite struct CertificateGeneratorTests {
    @Test func serverCertificateIsSignedByCAAndNamesTheService() throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let generated = try CertificateGenerator.generate(
            for: .init(serviceName: "hook", namespace: "platform"), now: now, validity: 3600)
        let ca = try Certificate(pemEncoded: generated.caCertificatePEM)
        let server = try Certificate(pemEncoded: generated.certificatePEM)
        let key = try Certificate.PrivateKey(pemEncoded: generated.privateKeyPEM)

        #expect(server.issuer == ca.subject)
        #expect(ca.publicKey.isValidSignature(server.signature, for: server))
        #expect(ca.publicKey.isValidSignature(ca.signature, for: ca))
        #expect(server.publicKey == key.publicKey)
        #expect(try ca.extensions.basicConstraints == .isCertificateAuthority(maxPathLength: 0))
        #expect(try server.extensions.basicConstraints == .notCertificateAuthority)
        #expect(try server.extensions.extendedKeyUsage?.contains(.serverAuth) == true)
        #expect(server.notValidAfter == now.addingTimeInterval(3600))
        #expect(server.notValidBefore < now)

        let names = try #require(try server.extensions.subjectAlternativeNames)
        let dnsNames = names.compactMap { name -> String? in
            if case .dnsName(let value) = name { return value }
            return nil
        }
        #expect(dnsNames == ["localhost", "hook", "hook.platform", "hook.platform.svc", "hook.platform.svc.cluster.local"])
        let addresses = names.compactMap { name -> [UInt8]? in
            if case .ipAddress(let value) = name { return Array(value.bytes) }
            return nil
        }
        #expect(addresses.contains([127, 0, 0, 1]))
        #expect(generated.caBundle == Data(generated.caCertificatePEM.utf8).base64EncodedString())
    }

    @Test func everyGenerationHasFreshKeys() throws {
        let first = try CertificateGenerator.generate(for: .init(), now: Date())
        let second = try CertificateGenerator.generate(for: .init(), now: Date())
        #expect(first.privateKeyPEM != second.privateKeyPEM)
        #expect(first.caCertificatePEM != second.caCertificatePEM)
    }
}
