import Foundation
import Logging
import SparkConformCertificates
import SparkConformServer

/// The certificate `serve` uses when none is given: generated once into a
/// directory and reused while it is valid, so a trusted CA stays trusted.
enum DevelopmentCertificate {
    static func ensure(
        in directory: String, identity: CertificateGenerator.Identity, logger: Logger
    ) throws -> (certificate: String, key: String) {
        let ca = "\(directory)/ca.crt"
        let certificate = "\(directory)/tls.crt"
        let key = "\(directory)/tls.key"
        let renewBefore = Date().addingTimeInterval(7 * 24 * 3600)
        if let pair = try? TLSFiles.load(certificateFile: certificate, keyFile: key),
            pair.notValidAfter > renewBefore, FileManager.default.fileExists(atPath: ca)
        {
            logger.notice("using the development certificate; trust its CA", metadata: ["ca": "\(ca)"])
            return (certificate, key)
        }
        let generated = try CertificateGenerator.generate(for: identity, now: Date())
        try CertificateFiles.write(generated, to: directory)
        logger.notice(
            "generated a development certificate; trust its CA",
            metadata: ["ca": "\(ca)", "dnsNames": "\(identity.dnsNames.joined(separator: ","))"])
        return (certificate, key)
    }
}
