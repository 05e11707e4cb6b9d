import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import SparkConformTestSupport
import Testing

/// A client that sends a request's headers and then trickles (or stops
/// sending) its body gets a 408 and its connection closed once the request
/// timeout has passed, however often it sends a byte.
@Suite struct RequestTimeoutTests {
    /// Everything the server sent, until it closed.
    final class ResponseCollector: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        private let received = NIOLockedValueBox<[UInt8]>([])
        var text: String { String(decoding: received.withLockedValue { $0 }, as: UTF8.self) }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let buffer = unwrapInboundIn(data)
            received.withLockedValue { $0.append(contentsOf: buffer.readableBytesView) }
        }
    }

    @Test func tricklingBodyIsAnswered408AndClosed() async throws {
        try await TestServer.withServer(configure: { configuration, _ in
            configuration.requestTimeout = .milliseconds(600)
            configuration.idleTimeout = .seconds(60)
        }) { server in
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.trustRoots = .file(server.caFile)
            let context = try NIOSSLContext(configuration: tls)
            let collector = ResponseCollector()
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(
                            try NIOSSLClientHandler(context: context, serverHostname: TestServer.serviceDNSName))
                        try channel.pipeline.syncOperations.addHandler(collector)
                    }
                }
                .connect(host: "127.0.0.1", port: server.port).get()
            let head = "POST /mutate HTTP/1.1\r\nHost: webhook\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
            try await channel.writeAndFlush(ByteBuffer(string: head + #"{"apiVersion""#))
            let started = ContinuousClock.now
            // A byte every 100 ms: never idle, never complete.
            var closed = false
            while ContinuousClock.now - started < .seconds(3) {
                try await Task.sleep(for: .milliseconds(100))
                if !channel.isActive { closed = true; break }
                try? await channel.writeAndFlush(ByteBuffer(string: " "))
            }
            let lasted = ContinuousClock.now - started
            if !closed { try? await channel.close() }
            #expect(closed, "connection still open after \(lasted)")
            #expect(lasted >= .milliseconds(500), "closed after \(lasted)")
            let response = collector.text
            #expect(response.hasPrefix("HTTP/1.1 408"), "\(response)")
            #expect(response.lowercased().contains("connection: close"))
            #expect(response.contains(#""reason":"Timeout""#))
            #expect(response.contains("request body incomplete"))

            // Counted; the server goes on serving, and a prompt request is not cut short.
            let metrics = String(decoding: server.metrics.exposition(), as: UTF8.self)
            #expect(metrics.contains(#"spark_conform_http_refusals_total{reason="request_timeout"} 1"#))
            try await server.withClient(.http1) { client in
                let health = try await server.send(client, .GET, path: "/healthz")
                #expect(health.status == 200)
            }
        }
    }
}
