import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import SparkConform
import SparkConformCertificates
import SparkConformServer

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the webhook over HTTPS (generates a development certificate when none is given).")

    @Option(help: "Port to listen on (env SPARK_CONFORM_PORT; default 8443).")
    var port: Int?

    @Option(help: "Address to bind (env SPARK_CONFORM_HOST; default 0.0.0.0).")
    var host: String?

    @Option(help: "Policy YAML file (env SPARK_CONFORM_POLICY; default: the embedded policy).")
    var policy: String?

    @Option(name: .customLong("tls-cert-file"), help: "PEM certificate chain (env SPARK_CONFORM_TLS_CERT_FILE).")
    var tlsCertFile: String?

    @Option(name: .customLong("tls-key-file"), help: "PEM private key (env SPARK_CONFORM_TLS_KEY_FILE).")
    var tlsKeyFile: String?

    @Option(name: .customLong("tls-min-version"), help: "Lowest TLS version: 1.2 or 1.3 (env SPARK_CONFORM_TLS_MIN_VERSION).")
    var tlsMinVersion: String?

    @Option(
        name: .customLong("tls-cipher-suites"),
        help: "Comma-separated TLS 1.2 cipher suites, IANA names, in preference order; only ECDHE with AES-GCM or ChaCha20-Poly1305 (env SPARK_CONFORM_TLS_CIPHER_SUITES; default: all six of those).")
    var tlsCipherSuites: String?

    @Option(help: "Largest request body in bytes (env SPARK_CONFORM_MAX_BODY_BYTES; default 4 MiB).")
    var maxBodyBytes: Int?

    @Option(help: "Directory for the generated development certificate (default certs/dev, or a new directory under $TMPDIR where that is not writable).")
    var devCertDir: String?

    /// For the development certificate's DNS names.
    @OptionGroup var service: ServiceIdentityOptions

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical (env SPARK_CONFORM_LOG_LEVEL).")
    var logLevel: String?

    @Option(help: "Append the policy audit log (JSON lines) to this file instead of stdout (env SPARK_CONFORM_AUDIT_LOG).")
    var auditLog: String?

    @Option(help: "Seconds between checks of the policy file for changes (default 2).")
    var policyReloadInterval: Double = 2

    @Option(help: "Seconds between checks of the certificate and key files for changes (default 10).")
    var tlsReloadInterval: Double = 10

    @Option(help: "Seconds to keep serving after SIGTERM, closing HTTP/1.1 connections after each response, before the graceful stop (default 2).")
    var shutdownDrainSeconds: Double = 2

    @Option(help: "Seconds, after the listener closes, before idle connections are closed: a connection accepted just before has its first request answered (default 0.5).")
    var connectionGraceSeconds: Double = 0.5

    @Option(help: "Seconds a connection may sit with nothing read or written before it is closed (default 300; above the apiserver's 90 s, so the client closes first).")
    var idleTimeoutSeconds: Double = 300

    @Option(help: "Seconds a request's body may take to arrive after its headers before it is answered 408 and the connection closed (default 30, the apiserver's longest webhook timeout).")
    var requestTimeoutSeconds: Double = 30

    func run() async throws {
        let levelName = Environment.value(logLevel, "SPARK_CONFORM_LOG_LEVEL") ?? "info"
        guard let level = Logger.Level(rawValue: levelName) else {
            throw ValidationError("--log-level '\(levelName)' is not one of: trace, debug, info, notice, warning, error, critical")
        }
        guard policyReloadInterval > 0, tlsReloadInterval > 0, idleTimeoutSeconds > 0, requestTimeoutSeconds > 0, shutdownDrainSeconds >= 0,
            connectionGraceSeconds >= 0
        else {
            throw ValidationError(
                "--policy-reload-interval, --tls-reload-interval, --idle-timeout-seconds and --request-timeout-seconds must be positive, --shutdown-drain-seconds and --connection-grace-seconds not negative")
        }
        var cipherSuites = TLSCipherSuites.default
        if let list = Environment.value(tlsCipherSuites, "SPARK_CONFORM_TLS_CIPHER_SUITES") {
            do {
                cipherSuites = try TLSCipherSuites(parsing: list)
            } catch {
                throw ValidationError("--tls-cipher-suites: \(error.description)")
            }
        }
        // Operational logs are JSON lines on stderr; the audit log goes to stdout or its file.
        LoggingSystem.bootstrap { label in
            var handler = JSONLogHandler(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "spark-conform")
        // A line per admission: buffered, written out every 100 ms and at stop (`AuditFlusher`).
        let audit: LineWriter
        if let path = Environment.value(auditLog, "SPARK_CONFORM_AUDIT_LOG") {
            do {
                audit = try LineWriter(appendingTo: path, bufferBytes: LineWriter.auditBufferBytes)
            } catch {
                throw ValidationError("\(error)")
            }
        } else {
            audit = .bufferedStandardOutput(bufferBytes: LineWriter.auditBufferBytes)
        }

        let policyFile = Environment.value(policy, "SPARK_CONFORM_POLICY")
        let (loadedPolicy, policyText) = try PolicyFile.load(policyFile)
        logger.info(policyFile == nil ? "using the embedded default policy" : "policy loaded", metadata: ["file": "\(policyFile ?? "")"])

        let certificateFile = Environment.value(tlsCertFile, "SPARK_CONFORM_TLS_CERT_FILE")
        let keyFile = Environment.value(tlsKeyFile, "SPARK_CONFORM_TLS_KEY_FILE")
        var configuration: ServerConfiguration
        switch (certificateFile, keyFile) {
        case let (certificate?, key?):
            configuration = ServerConfiguration(certificateFile: certificate, keyFile: key)
        case (nil, nil):
            let identity = service.identity
            // Not a usage error: the message alone, and exit 1.
            let files = try DevelopmentCertificate.ensure(in: devCertDir, identity: identity, logger: logger)
            configuration = ServerConfiguration(certificateFile: files.certificate, keyFile: files.key)
        default:
            throw ValidationError("--tls-cert-file and --tls-key-file go together: give both or neither")
        }
        if let port = Environment.value(port.map(String.init), "SPARK_CONFORM_PORT") {
            guard let number = Int(port), (0...65535).contains(number) else { throw ValidationError("port '\(port)' is not 0-65535") }
            configuration.port = number
        }
        if let host = Environment.value(host, "SPARK_CONFORM_HOST") { configuration.host = host }
        configuration.policyFile = policyFile
        configuration.policyReloadInterval = .seconds(policyReloadInterval)
        configuration.certificateReloadInterval = .seconds(tlsReloadInterval)
        configuration.idleTimeout = .seconds(idleTimeoutSeconds)
        configuration.requestTimeout = .seconds(requestTimeoutSeconds)
        configuration.connectionGrace = .seconds(connectionGraceSeconds)
        if let version = Environment.value(tlsMinVersion, "SPARK_CONFORM_TLS_MIN_VERSION") {
            guard let parsed = TLSFiles.MinimumVersion(rawValue: version) else {
                throw ValidationError("--tls-min-version '\(version)' is not 1.2 or 1.3")
            }
            configuration.minimumTLSVersion = parsed
        }
        configuration.cipherSuites = cipherSuites
        if let limit = Environment.value(maxBodyBytes.map(String.init), "SPARK_CONFORM_MAX_BODY_BYTES") {
            guard let bytes = Int(limit), bytes > 0 else { throw ValidationError("max body bytes '\(limit)' is not a positive number") }
            configuration.maximumBodyBytes = bytes
        }

        let shutdown = ShutdownState()
        let app: any Service
        do {
            app = try WebhookServer(
                configuration: configuration, policies: PolicyStore(loadedPolicy), policyText: policyText,
                audit: audit, shutdown: shutdown, logger: logger)
        } catch let error as TLSFiles.LoadError {
            throw ValidationError(error.description)
        }
        defer { audit.flush() }
        try await GracefulStop.run(
            app, drain: .seconds(shutdownDrainSeconds), shutdown: shutdown, logger: logger)
    }
}
