import Hummingbird
import HummingbirdHTTP2
import Logging
import NIOCore
import NIOSSL
import ServiceLifecycle
import SparkConform

/// Everything `serve` needs, resolved from flags and environment.
public struct ServerConfiguration: Sendable {
    public var host = "0.0.0.0"
    public var port = 8443
    public var certificateFile: String
    public var keyFile: String
    public var minimumTLSVersion: TLSFiles.MinimumVersion = .tls12
    /// The apiserver caps objects near 1.5 MB; an UPDATE carries two of them.
    public var maximumBodyBytes = 4 * 1024 * 1024
    /// The policy file to watch for changes; nil runs the given policy for good.
    public var policyFile: String?
    public var policyReloadInterval: Duration = .seconds(2)
    /// How often the certificate and key files are checked (cert-manager rotates them in place).
    public var certificateReloadInterval: Duration = .seconds(10)

    public init(certificateFile: String, keyFile: String) {
        self.certificateFile = certificateFile
        self.keyFile = keyFile
    }
}

/// The HTTPS server: TLS 1.2+, ALPN h2 and http/1.1 on one port.
public enum WebhookServer {
    /// `policyText` is the policy file's content as loaded, so the watcher
    /// only reacts to a real change.
    public static func makeApplication(
        configuration: ServerConfiguration,
        policies: PolicyStore,
        policyText: String = "",
        metrics: WebhookMetrics = WebhookMetrics(),
        audit: LineWriter = .standardOutput,
        shutdown: ShutdownState = ShutdownState(),
        logger: Logger,
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) throws -> some ApplicationProtocol {
        let certificates = try CertificateReloader(certificateFile: configuration.certificateFile, keyFile: configuration.keyFile)
        metrics.certificateExpires(atEpochSeconds: certificates.pair.notValidAfter.timeIntervalSince1970)
        CertificateReloader.warnIfExpiring(certificates.pair, logger: logger)
        var tls = TLSFiles.serverConfiguration(certificates.pair, minimumVersion: configuration.minimumTLSVersion)
        tls.sslContextCallback = certificates.contextCallback
        let router = Router()
        WebhookRoutes(
            policies: policies, metrics: metrics, shutdown: shutdown, audit: audit,
            maximumBodyBytes: configuration.maximumBodyBytes
        ).register(on: router)
        var services: [any Service] = [
            certificates.poller(interval: configuration.certificateReloadInterval, metrics: metrics, logger: logger)
        ]
        if let file = configuration.policyFile {
            services.append(PolicyReloader.poller(
                path: file, initialContent: policyText, interval: configuration.policyReloadInterval,
                store: policies, metrics: metrics, logger: logger))
        }
        return Application(
            router: router,
            server: try .http2Upgrade(tlsConfiguration: tls),
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port), serverName: nil),
            services: services,
            onServerRunning: onServerRunning,
            logger: logger)
    }
}
