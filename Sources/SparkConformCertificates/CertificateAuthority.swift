import Crypto
import Foundation
import SwiftASN1
import X509

/// A PEM-encoded CA and a server certificate it signed, ready to be written
/// as `ca.crt`, `tls.crt` and `tls.key` (the names of a Kubernetes TLS secret).
public struct ServingCertificates: Sendable {
    public let caCertificatePEM: String
    public let certificatePEM: String
    public let privateKeyPEM: String
    /// What goes into the webhook configuration's `caBundle`.
    public var caBundle: String { Data(caCertificatePEM.utf8).base64EncodedString() }
}

/// Generates a CA and a webhook serving certificate. The clock is a
/// parameter so that callers (and tests) decide what "now" is.
public enum CertificateGenerator {
    public struct Identity: Sendable {
        public var serviceName: String
        public var namespace: String
        public var extraDNSNames: [String]

        public init(serviceName: String = "spark-conform", namespace: String = "spark-conform", extraDNSNames: [String] = []) {
            self.serviceName = serviceName
            self.namespace = namespace
            self.extraDNSNames = extraDNSNames
        }

        /// Every name the apiserver (service reference) or a developer (loopback) may dial.
        public var dnsNames: [String] {
            let base = "\(serviceName).\(namespace)"
            var names = ["localhost", serviceName, base, "\(base).svc", "\(base).svc.cluster.local"]
            for name in extraDNSNames where !names.contains(name) { names.append(name) }
            return names
        }
    }

    public static func generate(
        for identity: Identity, now: Date, validity: TimeInterval = 365 * 24 * 3600
    ) throws -> ServingCertificates {
        let caKey = P256.Signing.PrivateKey()
        let caPrivateKey = Certificate.PrivateKey(caKey)
        let caName = try DistinguishedName {
            OrganizationName("spark-conform")
            CommonName("spark-conform development CA")
        }
        // Backdated a little so a client whose clock lags still accepts it.
        let notBefore = now.addingTimeInterval(-300)
        let ca = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: caPrivateKey.publicKey,
            notValidBefore: notBefore,
            notValidAfter: now.addingTimeInterval(validity),
            issuer: caName,
            subject: caName,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: caPrivateKey.publicKey)
            },
            issuerPrivateKey: caPrivateKey)

        let serverKey = P256.Signing.PrivateKey()
        let serverPrivateKey = Certificate.PrivateKey(serverKey)
        let serverName = try DistinguishedName {
            OrganizationName("spark-conform")
            CommonName("\(identity.serviceName).\(identity.namespace).svc")
        }
        var alternativeNames = identity.dnsNames.map { GeneralName.dnsName($0) }
        alternativeNames.append(.ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1])))
        alternativeNames.append(.ipAddress(ASN1OctetString(contentBytes: ArraySlice([UInt8](repeating: 0, count: 15) + [1]))))
        let server = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: serverPrivateKey.publicKey,
            notValidBefore: notBefore,
            notValidAfter: now.addingTimeInterval(validity),
            issuer: caName,
            subject: serverName,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames(alternativeNames)
                AuthorityKeyIdentifier(keyIdentifier: SubjectKeyIdentifier(hash: caPrivateKey.publicKey).keyIdentifier)
            },
            issuerPrivateKey: caPrivateKey)

        return ServingCertificates(
            caCertificatePEM: try ca.serializeAsPEM().pemString + "\n",
            certificatePEM: try server.serializeAsPEM().pemString + "\n",
            privateKeyPEM: serverKey.pemRepresentation + "\n")
    }
}
