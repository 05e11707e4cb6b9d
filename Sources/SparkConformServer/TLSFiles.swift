import Foundation
import NIOSSL
import X509

/// Loads the serving certificate and key, refusing a pair that does not
/// belong together (a half-rotated secret) with a message that says so.
public enum TLSFiles {
    public enum MinimumVersion: String, Sendable, CaseIterable {
        case tls12 = "1.2"
        case tls13 = "1.3"

        var nio: TLSVersion { self == .tls12 ? .tlsv12 : .tlsv13 }
    }

    public struct LoadError: Error, CustomStringConvertible {
        public let description: String
    }

    public struct ServingPair: Sendable {
        public let chain: [NIOSSLCertificate]
        public let key: NIOSSLPrivateKey
        public let notValidAfter: Date
    }

    public static func load(certificateFile: String, keyFile: String) throws -> ServingPair {
        let certificatePEM = try read(certificateFile, what: "certificate")
        let keyPEM = try read(keyFile, what: "private key")
        let leaf: Certificate
        let privateKey: Certificate.PrivateKey
        do {
            leaf = try Certificate(pemEncoded: certificatePEM)
        } catch {
            throw LoadError(description: "\(certificateFile) does not hold a PEM certificate: \(error)")
        }
        do {
            privateKey = try Certificate.PrivateKey(pemEncoded: keyPEM)
        } catch {
            throw LoadError(description: "\(keyFile) does not hold a PEM private key: \(error)")
        }
        guard leaf.publicKey == privateKey.publicKey else {
            throw LoadError(description: "private key \(keyFile) does not match certificate \(certificateFile)")
        }
        do {
            let chain = try NIOSSLCertificate.fromPEMBytes(Array(certificatePEM.utf8))
            let key = try NIOSSLPrivateKey(bytes: Array(keyPEM.utf8), format: .pem)
            return ServingPair(chain: chain, key: key, notValidAfter: leaf.notValidAfter)
        } catch {
            throw LoadError(description: "TLS library refused \(certificateFile) or \(keyFile): \(error)")
        }
    }

    public static func serverConfiguration(
        _ pair: ServingPair, minimumVersion: MinimumVersion, cipherSuites: TLSCipherSuites = .default
    ) -> TLSConfiguration {
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: pair.chain.map { .certificate($0) }, privateKey: .privateKey(pair.key))
        configuration.minimumTLSVersion = minimumVersion.nio
        configuration.cipherSuiteValues = cipherSuites.ciphers
        // Closing waits for the peer's close_notify, which idle pooled clients never send;
        // the response is already out, so do not hold shutdown for the 5 s default.
        configuration.shutdownTimeout = .seconds(1)
        return configuration
    }

    private static func read(_ path: String, what: String) throws -> String {
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw LoadError(description: "cannot read \(what) file \(path): \(error.localizedDescription)")
        }
    }
}
