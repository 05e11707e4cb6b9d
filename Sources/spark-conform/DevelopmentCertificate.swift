import Foundation
import Logging
import SparkConformCertificates
import SparkConformServer

/// The certificate `serve` uses when none is given: generated once into a
/// directory and reused while it is valid, so a trusted CA stays trusted.
enum DevelopmentCertificate {
    static let defaultDirectory = "certs/dev"

    /// Where to put it: the directory asked for; else `certs/dev` under the working
    /// directory; else, where that is not writable (the image runs as 65532 in `/`),
    /// a new private directory under the temporary directory. With none writable (a
    /// read-only root filesystem), an error that says which flags or mounts to give.
    static func ensure(
        in requested: String?, identity: CertificateGenerator.Identity, logger: Logger
    ) throws -> (certificate: String, key: String) {
        if let requested {
            do {
                return try ensure(in: requested, identity: identity, logger: logger)
            } catch {
                throw PlacementError(attempts: ["\(requested): \(reason(error))"])
            }
        }
        var attempts: [String] = []
        do {
            return try ensure(in: defaultDirectory, identity: identity, logger: logger)
        } catch {
            attempts.append("\(defaultDirectory) under \(FileManager.default.currentDirectoryPath): \(reason(error))")
        }
        let template = (NSTemporaryDirectory() as NSString).appendingPathComponent("spark-conform-dev-cert.XXXXXX")
        var bytes = Array(template.utf8CString)
        // A directory of our own (mode 0700, a fresh name): nobody else's files are trusted.
        guard let created = mkdtemp(&bytes) else {
            attempts.append("\(template): \(String(cString: strerror(errno)))")
            throw PlacementError(attempts: attempts)
        }
        let directory = String(cString: created)
        do {
            return try ensure(in: directory, identity: identity, logger: logger)
        } catch {
            attempts.append("\(directory): \(reason(error))")
            throw PlacementError(attempts: attempts)
        }
    }

    struct PlacementError: Error, CustomStringConvertible {
        let attempts: [String]

        var description: String {
            "no TLS certificate given, and nowhere writable to generate a development one ("
                + attempts.joined(separator: "; ")
                + "). Give --tls-cert-file and --tls-key-file (the chart mounts its secret at /etc/spark-conform/tls), "
                + "or mount a writable directory and name it with --dev-cert-dir."
        }
    }

    private static func ensure(
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

    /// The system's reason ("Permission denied", "Read-only file system") rather than Foundation's prose.
    private static func reason(_ error: any Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        switch (error as? CocoaError)?.code {
        case .fileWriteNoPermission?: return String(cString: strerror(EACCES))
        case .fileWriteVolumeReadOnly?: return String(cString: strerror(EROFS))
        default: return nsError.localizedDescription
        }
    }
}
