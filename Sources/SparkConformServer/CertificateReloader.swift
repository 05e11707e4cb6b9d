import Foundation
import Logging
import NIOCore
import NIOSSL
import Synchronization

/// The serving certificate, swappable while the server runs. NIOSSL asks
/// for it on every handshake (`sslContextCallback`), so a new pair takes
/// effect for new connections without a restart; open connections keep the
/// pair they were established with.
public final class CertificateReloader: Sendable {
    private let current: Mutex<TLSFiles.ServingPair>
    let certificateFile: String
    let keyFile: String

    public init(certificateFile: String, keyFile: String) throws {
        self.certificateFile = certificateFile
        self.keyFile = keyFile
        current = Mutex(try TLSFiles.load(certificateFile: certificateFile, keyFile: keyFile))
    }

    public var pair: TLSFiles.ServingPair { current.withLock { $0 } }

    /// Loads the files again; a pair that does not load or does not match is refused and the old one kept.
    public func reload() throws -> TLSFiles.ServingPair {
        let pair = try TLSFiles.load(certificateFile: certificateFile, keyFile: keyFile)
        current.withLock { $0 = pair }
        return pair
    }

    var contextCallback: NIOSSLContextCallback {
        { [self] _, promise in
            let pair = self.pair
            var override = NIOSSLContextConfigurationOverride()
            override.certificateChain = pair.chain.map { .certificate($0) }
            override.privateKey = .privateKey(pair.key)
            promise.succeed(override)
        }
    }

    /// Watches both files; counts and logs each reload, warns as expiry nears.
    func poller(interval: Duration, metrics: WebhookMetrics, logger: Logger) -> FilePoller {
        let initial = [certificateFile, keyFile].map { (try? String(contentsOfFile: $0, encoding: .utf8)) ?? "" }
        return FilePoller(paths: [certificateFile, keyFile], initialContents: initial, interval: interval) { [self] _ in
            do {
                let pair = try self.reload()
                metrics.certificateReloaded(success: true)
                metrics.certificateExpires(atEpochSeconds: pair.notValidAfter.timeIntervalSince1970)
                logger.notice("TLS certificate reloaded", metadata: ["notValidAfter": "\(Timestamp.string(pair.notValidAfter))"])
                Self.warnIfExpiring(pair, logger: logger)
            } catch {
                metrics.certificateReloaded(success: false)
                logger.error("TLS certificate refused; the previous pair keeps serving", metadata: ["error": "\(error)"])
            }
        }
    }

    static func warnIfExpiring(_ pair: TLSFiles.ServingPair, logger: Logger, now: Date = Date()) {
        let days = pair.notValidAfter.timeIntervalSince(now) / 86400
        if days < 30 {
            logger.warning(
                "TLS certificate expires soon", metadata: ["notValidAfter": "\(Timestamp.string(pair.notValidAfter))", "days": "\(Int(days))"])
        }
    }
}
