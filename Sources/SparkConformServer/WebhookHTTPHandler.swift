import NIOCore
import NIOHTTP1

/// One HTTP/1.1 connection or one HTTP/2 stream (behind NIO's HTTP/2-to-HTTP/1
/// codec): collects each request's body up to the limit, answers it through
/// `WebhookRoutes` on the event loop, and writes the reply. Keep-alive and
/// pipelining order are NIO's `HTTPServerPipelineHandler`'s job on HTTP/1.1.
final class WebhookHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let transport: WebhookServer.Transport
    private var head: HTTPRequestHead?
    private var body: ByteBuffer?
    private var receivedBytes = 0
    private var declaredTooLarge: Int?

    init(transport: WebhookServer.Transport) {
        self.transport = transport
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body = nil
            receivedBytes = 0
            // Refused at the end without buffering anything, so the client still reads the 413.
            declaredTooLarge = head.headers.first(name: "content-length").flatMap(Int.init).flatMap {
                $0 > transport.maximumBodyBytes ? $0 : nil
            }
        case .body(var chunk):
            receivedBytes += chunk.readableBytes
            if isOverLimit {
                body = nil  // over the limit: discard, keep reading to the end of the request
            } else if body == nil {
                body = chunk
            } else {
                body!.writeBuffer(&chunk)
            }
        case .end:
            guard let head else { return }
            self.head = nil
            let requestBody: WebhookRequest.Body = isOverLimit ? .tooLarge(declared: declaredTooLarge) : .bytes(body ?? ByteBuffer())
            body = nil
            write(transport.respond(WebhookRequest(head: head, body: requestBody)), for: head, context: context)
        }
    }

    /// Declared or, so far, received over the body limit.
    private var isOverLimit: Bool { declaredTooLarge != nil || receivedBytes > transport.maximumBodyBytes }

    private func write(_ reply: WebhookReply, for request: HTTPRequestHead, context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        headers.reserveCapacity(3 + reply.headers.count)
        headers.add(name: "content-type", value: reply.contentType)
        headers.add(name: "content-length", value: String(reply.body.readableBytes))
        for (name, value) in reply.headers { headers.add(name: name, value: value) }
        // While draining before shutdown, HTTP/1.1 clients are told not to reuse the
        // connection, so none sends a request on a connection about to close.
        // (`Connection` does not exist in HTTP/2, where GOAWAY does this job.)
        let isHTTP1 = request.version.major == 1
        let keepAlive = request.isKeepAlive && !(isHTTP1 && transport.shutdown.isDraining)
        if isHTTP1, !keepAlive { headers.add(name: "connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: request.version, status: reply.status, headers: headers))), promise: nil)
        if request.method != .HEAD { context.write(wrapOutboundOut(.body(.byteBuffer(reply.body))), promise: nil) }
        if isHTTP1, !keepAlive {
            let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in loopBound.value.close(promise: nil) }
        } else {
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
        reply.afterSending?()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        // TLS failures and malformed framing end the connection; NIO's HTTP/1.1
        // error handler has already answered 400 where it could.
        context.close(promise: nil)
    }
}
