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
    /// Armed at a request's head, cancelled at its end (`Transport.requestTimeout`).
    private var requestDeadline: Scheduled<Void>?

    init(transport: WebhookServer.Transport) {
        self.transport = transport
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            armRequestDeadline(context: context)
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
            requestDeadline?.cancel()
            requestDeadline = nil
            let requestBody: WebhookRequest.Body = isOverLimit ? .tooLarge(declared: declaredTooLarge) : .bytes(body ?? ByteBuffer())
            body = nil
            switch transport.respond(WebhookRequest(head: head, body: requestBody)) {
            case .reply(let reply):
                write(reply, for: head, context: context)
            case .background(let work):
                answerInBackground(work, for: head, context: context)
            }
        }
    }

    /// HTTP/1.1 reads nothing further on this connection until the reply is written
    /// (`HTTPServerPipelineHandler`), so replies stay in request order.
    private func answerInBackground(
        _ work: @escaping @Sendable () -> WebhookReply, for head: HTTPRequestHead, context: ChannelHandlerContext
    ) {
        guard let reply = transport.background.submit(on: context.eventLoop, work) else {
            let busy = HTTPFailure(
                status: .tooManyRequests, reason: "TooManyRequests",
                message: "too many previews in progress (at most \(transport.background.limit) at once); retry later")
            transport.refused(.previewsBusy, busy.message)
            var reply = busy.reply
            reply.headers.append(("retry-after", "1"))
            return write(reply, for: head, context: context)
        }
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        reply.whenComplete { result in
            let (handler, context) = loopBound.value
            switch result {
            case .success(let reply):
                handler.write(reply, for: head, context: context)
            case .failure:
                // The pool has stopped: the server is shutting down.
                handler.write(HTTPFailure(
                    status: .serviceUnavailable, reason: "ServiceUnavailable", message: "shutting down").reply, for: head, context: context)
            }
        }
    }

    private func armRequestDeadline(context: ChannelHandlerContext) {
        requestDeadline?.cancel()
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        requestDeadline = context.eventLoop.scheduleTask(in: transport.requestTimeout) {
            let (handler, context) = loopBound.value
            handler.requestTimedOut(context: context)
        }
    }

    /// The request's head came but its end did not in time: say so, and close,
    /// since the rest of the body may still be on its way.
    private func requestTimedOut(context: ChannelHandlerContext) {
        guard let head else { return }
        self.head = nil
        body = nil
        requestDeadline = nil
        let seconds = Double(transport.requestTimeout.nanoseconds) / 1e9
        let failure = HTTPFailure(
            status: .requestTimeout, reason: "Timeout",
            message: "request body incomplete \(seconds) s after its headers (\(receivedBytes) bytes received); closing the connection")
        transport.refused(.requestTimeout, failure.message)
        write(failure.reply, for: head, context: context, close: true)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        requestDeadline?.cancel()
    }

    /// Declared or, so far, received over the body limit.
    private var isOverLimit: Bool { declaredTooLarge != nil || receivedBytes > transport.maximumBodyBytes }

    private func write(_ reply: WebhookReply, for request: HTTPRequestHead, context: ChannelHandlerContext, close: Bool = false) {
        var headers = HTTPHeaders()
        headers.reserveCapacity(3 + reply.headers.count)
        headers.add(name: "content-type", value: reply.contentType)
        headers.add(name: "content-length", value: String(reply.body.readableBytes))
        for (name, value) in reply.headers { headers.add(name: name, value: value) }
        // While draining before shutdown, HTTP/1.1 clients are told not to reuse the
        // connection, so none sends a request on a connection about to close.
        // (`Connection` does not exist in HTTP/2, where GOAWAY does this job.)
        let isHTTP1 = request.version.major == 1
        let keepAlive = request.isKeepAlive && !close && !(isHTTP1 && transport.shutdown.isDraining)
        if isHTTP1, !keepAlive { headers.add(name: "connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: request.version, status: reply.status, headers: headers))), promise: nil)
        if request.method != .HEAD { context.write(wrapOutboundOut(.body(.byteBuffer(reply.body))), promise: nil) }
        if (isHTTP1 && !keepAlive) || close {
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
