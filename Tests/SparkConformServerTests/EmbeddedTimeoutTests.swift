import NIOConcurrencyHelpers
import NIOCore
import NIOEmbedded
import NIOHTTP1
@testable import SparkConformServer
import Testing

/// The request timeout on an embedded event loop, whose clock moves only when
/// the test moves it: exact to the nanosecond, and no test waits on a real
/// clock. (The idle timeout stays on a real connection in `IdleTimeoutTests`:
/// NIO's `IdleStateHandler` measures idleness with the wall clock,
/// `NIODeadline.now()`, which an embedded loop does not move.)
@Suite struct EmbeddedTimeoutTests {
    static let requestTimeout = TimeAmount.milliseconds(600)

    /// The transport the server builds, with the refusals it reports kept.
    static func transport(refusals: NIOLockedValueBox<[WebhookMetrics.Refusal]>) -> WebhookServer.Transport {
        var configuration = ServerConfiguration(certificateFile: "", keyFile: "")
        configuration.requestTimeout = .nanoseconds(requestTimeout.nanoseconds)
        return WebhookServer.Transport(
            configuration,
            respond: { _ in .reply(WebhookReply(status: .ok, contentType: "text/plain", body: ByteBuffer(string: "ok"))) },
            background: BackgroundWork(limit: 1), refused: { refusal, _ in refusals.withLockedValue { $0.append(refusal) } },
            shutdown: ShutdownState())
    }

    static func channel(_ handlers: [any ChannelHandler]) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandlers(handlers)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 8443)).wait()
        return channel
    }

    static func head(contentLength: Int) -> HTTPServerRequestPart {
        .head(HTTPRequestHead(version: .http1_1, method: .POST, uri: "/mutate", headers: ["content-length": String(contentLength)]))
    }

    @Test func aBodyStillIncompleteAtTheTimeoutIsAnswered408AndClosed() throws {
        let refusals = NIOLockedValueBox<[WebhookMetrics.Refusal]>([])
        let channel = try Self.channel([WebhookHTTPHandler(transport: Self.transport(refusals: refusals))])
        try channel.writeInbound(Self.head(contentLength: 1000))
        // A byte now and then keeps the connection busy but never ends the request.
        for _ in 0..<5 {
            channel.embeddedEventLoop.advanceTime(by: .milliseconds(100))
            try channel.writeInbound(HTTPServerRequestPart.body(ByteBuffer(string: " ")))
        }
        channel.embeddedEventLoop.advanceTime(by: Self.requestTimeout - .milliseconds(500) - .nanoseconds(1))
        #expect(try channel.readOutbound(as: HTTPServerResponsePart.self) == nil)
        #expect(channel.isActive)
        channel.embeddedEventLoop.advanceTime(by: .nanoseconds(1))
        guard case .head(let head) = try channel.readOutbound(as: HTTPServerResponsePart.self) else {
            Issue.record("no response head at the timeout")
            return
        }
        #expect(head.status == .requestTimeout)
        #expect(head.headers["connection"] == ["close"])
        guard case .body(.byteBuffer(let body)) = try channel.readOutbound(as: HTTPServerResponsePart.self) else {
            Issue.record("no response body")
            return
        }
        let text = String(buffer: body)
        #expect(text.contains(#""reason":"Timeout""#))
        #expect(text.contains("request body incomplete 0.6 s after its headers (5 bytes received)"))
        #expect(try channel.readOutbound(as: HTTPServerResponsePart.self) == .end(nil))
        channel.embeddedEventLoop.run()
        #expect(!channel.isActive)
        #expect(refusals.withLockedValue { $0 } == [.requestTimeout])
    }

    @Test func aRequestThatEndsInTimeIsAnsweredAndNeverTimedOut() throws {
        let refusals = NIOLockedValueBox<[WebhookMetrics.Refusal]>([])
        let channel = try Self.channel([WebhookHTTPHandler(transport: Self.transport(refusals: refusals))])
        try channel.writeInbound(Self.head(contentLength: 2))
        channel.embeddedEventLoop.advanceTime(by: Self.requestTimeout - .nanoseconds(1))
        try channel.writeInbound(HTTPServerRequestPart.body(ByteBuffer(string: "{}")))
        try channel.writeInbound(HTTPServerRequestPart.end(nil))
        guard case .head(let head) = try channel.readOutbound(as: HTTPServerResponsePart.self) else {
            Issue.record("no response")
            return
        }
        #expect(head.status == .ok)
        _ = try channel.readOutbound(as: HTTPServerResponsePart.self)
        #expect(try channel.readOutbound(as: HTTPServerResponsePart.self) == .end(nil))
        // The deadline was cancelled with the request's end: long after, nothing more, still open.
        channel.embeddedEventLoop.advanceTime(by: Self.requestTimeout * 10)
        #expect(try channel.readOutbound(as: HTTPServerResponsePart.self) == nil)
        #expect(channel.isActive)
        #expect(refusals.withLockedValue { $0 }.isEmpty)
        _ = try channel.finish()
    }
}
