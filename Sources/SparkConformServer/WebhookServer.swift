import Logging
import NIOCore
import NIOHTTP1
import NIOHTTP2
import NIOPosix
import NIOSSL
import ServiceLifecycle
import SparkConform

/// The HTTPS server on SwiftNIO: TLS 1.2+, ALPN h2 and http/1.1 on one port,
/// each request answered on its connection's event loop. A graceful shutdown
/// stops accepting, lets every connection finish what it has in flight, and
/// returns when the last one has closed (or is cancelled, and closes them).
public struct WebhookServer: Service {
    /// How long an HTTP/2 connection may take to finish its streams after GOAWAY.
    static let http2GraceTime = TimeAmount.seconds(5)

    /// What each connection's handler needs: the answer to a whole request, the body limit, and whether to drain.
    struct Transport: Sendable {
        let respond: @Sendable (WebhookRequest) -> WebhookAnswer
        /// Runs the answers routes hand to the background.
        let background: BackgroundWork
        /// Told of every request the transport turns away, with the message the client got.
        let refused: @Sendable (WebhookMetrics.Refusal, String) -> Void
        let maximumBodyBytes: Int
        let shutdown: ShutdownState
        let idleTimeout: TimeAmount
        let requestTimeout: TimeAmount

        init(
            _ configuration: ServerConfiguration, respond: @escaping @Sendable (WebhookRequest) -> WebhookAnswer,
            background: BackgroundWork, refused: @escaping @Sendable (WebhookMetrics.Refusal, String) -> Void,
            shutdown: ShutdownState
        ) {
            self.respond = respond
            self.background = background
            self.refused = refused
            self.shutdown = shutdown
            maximumBodyBytes = configuration.maximumBodyBytes
            idleTimeout = .nanoseconds(configuration.idleTimeout.nanoseconds)
            requestTimeout = .nanoseconds(configuration.requestTimeout.nanoseconds)
        }
    }

    let configuration: ServerConfiguration
    let transport: Transport
    let tls: NIOSSLContext
    let pollers: [any Service]
    /// Written out once the last connection has closed.
    let auditLog: LineWriter?
    let logger: Logger
    let onServerRunning: @Sendable (any Channel) async -> Void

    /// `policyText` is the policy file's content as loaded, so the watcher
    /// only reacts to a real change.
    public init(
        configuration: ServerConfiguration,
        policies: PolicyStore,
        policyText: String = "",
        metrics: WebhookMetrics = WebhookMetrics(),
        audit: LineWriter = .standardOutput,
        shutdown: ShutdownState = ShutdownState(),
        logger: Logger,
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) throws {
        let certificates = try CertificateReloader(certificateFile: configuration.certificateFile, keyFile: configuration.keyFile)
        metrics.certificateExpires(atEpochSeconds: certificates.pair.notValidAfter.timeIntervalSince1970)
        CertificateReloader.warnIfExpiring(certificates.pair, logger: logger)
        let routes = WebhookRoutes(
            policies: policies, metrics: metrics, shutdown: shutdown, audit: audit,
            maximumBodyBytes: configuration.maximumBodyBytes, logger: logger)
        var pollers: [any Service] = [
            certificates.poller(interval: configuration.certificateReloadInterval, metrics: metrics, logger: logger),
            AuditFlusher(writer: audit, interval: configuration.auditFlushInterval),
        ]
        if let file = configuration.policyFile {
            pollers.append(PolicyReloader.poller(
                path: file, initialContent: policyText, interval: configuration.policyReloadInterval,
                store: policies, metrics: metrics, logger: logger))
        }
        try self.init(
            configuration: configuration, certificates: certificates, pollers: pollers, auditLog: audit, logger: logger,
            onServerRunning: onServerRunning,
            transport: Transport(
                configuration, respond: routes.respond, background: BackgroundWork(limit: configuration.backgroundRequestLimit, pendingChanged: metrics.previewsPending),
                refused: { reason, message in
                    metrics.refused(reason)
                    logger.warning("request refused", metadata: ["reason": "\(reason.rawValue)", "error": "\(message)"])
                },
                shutdown: shutdown))
    }

    /// The same transport answering every request with `fixedReply` and doing
    /// nothing else: the floor the load benchmark measures the webhook against.
    public init(configuration: ServerConfiguration, fixedReply body: [UInt8], logger: Logger) throws {
        let reply = WebhookReply.json(.ok, body)
        try self.init(
            configuration: configuration,
            certificates: try CertificateReloader(certificateFile: configuration.certificateFile, keyFile: configuration.keyFile),
            pollers: [], auditLog: nil, logger: logger, onServerRunning: { _ in },
            transport: Transport(
                configuration, respond: { _ in .reply(reply) }, background: BackgroundWork(limit: 0), refused: { _, _ in },
                shutdown: ShutdownState()))
    }

    private init(
        configuration: ServerConfiguration, certificates: CertificateReloader, pollers: [any Service], auditLog: LineWriter?,
        logger: Logger, onServerRunning: @escaping @Sendable (any Channel) async -> Void, transport: Transport
    ) throws {
        var tlsConfiguration = TLSFiles.serverConfiguration(
            certificates.pair, minimumVersion: configuration.minimumTLSVersion, cipherSuites: configuration.cipherSuites)
        tlsConfiguration.applicationProtocols = NIOHTTP2SupportedALPNProtocols
        tlsConfiguration.sslContextCallback = certificates.contextCallback
        tls = try NIOSSLContext(configuration: tlsConfiguration)
        self.configuration = configuration
        self.transport = transport
        self.pollers = pollers
        self.auditLog = auditLog
        self.logger = logger
        self.onServerRunning = onServerRunning
    }

    public func run() async throws {
        let connections = ConnectionRegistry()
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            // IPPROTO_TCP level: `.socketOption(.tcp_nodelay)` would be SOL_SOCKET's option 1,
            // SO_DEBUG, which an unprivileged process may not set (every connection then dropped).
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { [tls, transport] channel in
                connections.add(channel)
                return Self.configure(channel, tls: tls, transport: transport)
            }
            .bind(host: configuration.host, port: configuration.port)
            .get()
        transport.background.start()
        logger.info("Server started and listening on \(configuration.host):\(listener.localAddress?.port ?? configuration.port)")
        await onServerRunning(listener)
        try await withThrowingDiscardingTaskGroup { group in
            for poller in pollers { group.addTask { try await poller.run() } }
            await withGracefulShutdownHandler {
                try? await listener.closeFuture.get()
                // A connection accepted just before the listener closed has its first
                // request on the way: let it arrive and be answered (with `Connection:
                // close`, as the drain has begun) rather than close the connection under it.
                try? await Task.sleep(for: configuration.connectionGrace)
                connections.quiesceAll()
                await withTaskCancellationHandler {
                    await connections.waitUntilAllClosed()
                } onCancel: {
                    connections.closeAll()
                }
            } onGracefulShutdown: {
                listener.close(promise: nil)
            }
            group.cancelAll()
        }
        await transport.background.stop()
        auditLog?.flush()
        logger.info("Server stopped")
    }

    /// TLS, then HTTP/1.1 or HTTP/2 by ALPN, then the webhook's handler on each connection or stream.
    private static func configure(_ channel: any Channel, tls: NIOSSLContext, transport: Transport) -> EventLoopFuture<Void> {
        // Called on the channel's own event loop.
        do {
            try channel.pipeline.syncOperations.addHandlers([
                IdleStateHandler(allTimeout: transport.idleTimeout), CloseWhenIdleHandler(), NIOSSLServerHandler(context: tls),
            ])
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        let management = NIOHTTP2ServerConnectionManagementHandler(
            eventLoop: channel.eventLoop,
            configuration: .init(maxIdleTime: nil, maxAge: nil, maxGraceTime: http2GraceTime, keepalive: nil))
        let boundManagement = NIOLoopBound(management, eventLoop: channel.eventLoop)
        return channel.configureCommonHTTPServerPipeline(
            connectionConfiguration: .init(), streamConfiguration: .init(), streamDelegate: management.http2StreamDelegate,
            h2ConnectionChannelConfigurator: { connection in
                connection.eventLoop.makeCompletedFuture { try connection.pipeline.syncOperations.addHandler(boundManagement.value) }
            },
            configurator: { stream in
                stream.eventLoop.makeCompletedFuture { try stream.pipeline.syncOperations.addHandler(WebhookHTTPHandler(transport: transport)) }
            })
    }
}

/// What the service lifecycle logs when it starts and stops the server: where it
/// listens, not its fields (the pollers compare certificate and key file contents).
extension WebhookServer: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "WebhookServer(\(configuration.host):\(configuration.port))" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["host": configuration.host, "port": configuration.port]) }
}
