import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOSSL
import ServiceLifecycle
import SparkConform
import SparkConformCertificates
import SparkConformServer
import Testing

/// A real webhook server on a loopback port, with a freshly generated CA
/// and certificate on disk, and clients that verify against that CA.
struct TestServer {
    let port: Int
    let directory: URL
    let caFile: String
    let metrics: WebhookMetrics
    let policies: PolicyStore

    /// The audit log of this server, one JSON value per line.
    var auditRecords: [JSONValue] {
        get throws {
            let text = try String(contentsOf: directory.appendingPathComponent("audit.log"), encoding: .utf8)
            return try text.split(separator: "\n").map { try JSONParser.parse(String($0)) }
        }
    }

    /// The audit log once it holds `count` records: the server writes each line
    /// just after its response is sent, so a client can read the log first.
    func auditRecords(count: Int) async throws -> [JSONValue] {
        for _ in 0..<200 {
            let records = try auditRecords
            if records.count >= count { return records }
            try await Task.sleep(for: .milliseconds(10))
        }
        return try auditRecords
    }

    static let serviceDNSName = "spark-conform.spark-conform.svc"

    static func withServer(
        policy: Policy = Policy(),
        policyText: String = "",
        configure: (inout ServerConfiguration, URL) throws -> Void = { _, _ in },
        _ body: (TestServer) async throws -> Void
    ) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("spark-conform-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let generated = try CertificateGenerator.generate(for: .init(), now: Date())
        let caFile = directory.appendingPathComponent("ca.crt").path
        let certificateFile = directory.appendingPathComponent("tls.crt").path
        let keyFile = directory.appendingPathComponent("tls.key").path
        try generated.caCertificatePEM.write(toFile: caFile, atomically: true, encoding: .utf8)
        try generated.certificatePEM.write(toFile: certificateFile, atomically: true, encoding: .utf8)
        try generated.privateKeyPEM.write(toFile: keyFile, atomically: true, encoding: .utf8)

        var configuration = ServerConfiguration(certificateFile: certificateFile, keyFile: keyFile)
        configuration.host = "127.0.0.1"
        configuration.port = 0
        try configure(&configuration, directory)
        let metrics = WebhookMetrics()
        let policies = PolicyStore(policy)
        // Buffered as `serve` buffers it: every test reading the log relies on the server's periodic flush.
        let audit = try LineWriter(appendingTo: directory.appendingPathComponent("audit.log").path, bufferBytes: LineWriter.auditBufferBytes)
        var logger = Logger(label: "test-server")
        logger.logLevel = .warning

        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = try WebhookServer(
            configuration: configuration, policies: policies, policyText: policyText, metrics: metrics, audit: audit,
            logger: logger,
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            })
        // Stopped the way SIGTERM stops it: a graceful shutdown of the service group.
        let services = ServiceGroup(services: [app], gracefulShutdownSignals: [], logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await services.run() }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            do {
                try await body(TestServer(port: port, directory: directory, caFile: caFile, metrics: metrics, policies: policies))
            } catch {
                await services.triggerGracefulShutdown()
                throw error
            }
            await services.triggerGracefulShutdown()
            try await group.waitForAll()
        }
    }

    enum WireProtocol { case http1, http2 }

    /// A client that trusts only the generated CA; the server name is resolved to loopback.
    func withClient(
        _ version: WireProtocol, caFile: String? = nil, maximumTLS: TLSVersion? = nil,
        dnsOverride: [String: String] = [serviceDNSName: "127.0.0.1"],
        _ body: (HTTPClient) async throws -> Void
    ) async throws {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .file(caFile ?? self.caFile)
        tls.certificateVerification = .fullVerification
        if let maximumTLS { tls.maximumTLSVersion = maximumTLS }
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
        configuration.httpVersion = version == .http1 ? .http1Only : .automatic
        configuration.dnsOverride = dnsOverride
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        do {
            try await body(client)
        } catch {
            try await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    func url(_ path: String, host: String = "127.0.0.1") -> String { "https://\(host):\(port)\(path)" }

    struct Reply {
        let status: Int
        let version: HTTPVersion
        let headers: HTTPHeaders
        let body: [UInt8]

        var json: JSONValue? { try? JSONParser.parse(body) }
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    func send(
        _ client: HTTPClient, _ method: HTTPMethod = .POST, path: String = "/mutate", host: String = "127.0.0.1",
        contentType: String? = "application/json", body: [UInt8]? = nil, timeout: TimeAmount = .seconds(10)
    ) async throws -> Reply {
        var request = HTTPClientRequest(url: url(path, host: host))
        request.method = method
        if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await client.execute(request, timeout: timeout)
        let bytes = try await response.body.collect(upTo: 16 * 1024 * 1024)
        return Reply(status: Int(response.status.code), version: response.version, headers: response.headers, body: Array(bytes.readableBytesView))
    }
}
