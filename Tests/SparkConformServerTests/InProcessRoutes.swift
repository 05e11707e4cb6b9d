import Foundation
import Logging
import NIOCore
import NIOHTTP1
import SparkConform
@testable import SparkConformServer

/// The routes called directly, without TLS or a socket: what a request gets
/// back is decided here, so most HTTP behaviour is tested in process. The TLS
/// round trips stay for what needs the transport (body limits, ALPN, rotation).
struct InProcessRoutes {
    let routes: WebhookRoutes

    init(policy: Policy = Policy(), maximumBodyBytes: Int = 4 * 1024 * 1024) throws {
        routes = WebhookRoutes(
            policies: PolicyStore(policy), metrics: WebhookMetrics(), shutdown: ShutdownState(),
            audit: try LineWriter(appendingTo: "/dev/null"), maximumBodyBytes: maximumBodyBytes,
            logger: Logger(label: "in-process-routes"))
    }

    /// `tooLarge`: the body as the handler hands it over when it passed the limit.
    func send(
        _ method: HTTPMethod = .POST, path: String = "/mutate", contentType: String? = "application/json",
        body: [UInt8] = [], tooLarge: Bool = false
    ) -> TestServer.Reply {
        var headers = HTTPHeaders()
        if let contentType { headers.add(name: "Content-Type", value: contentType) }
        let request = WebhookRequest(
            head: HTTPRequestHead(version: .http1_1, method: method, uri: path, headers: headers),
            body: tooLarge ? .tooLarge(declared: body.count) : .bytes(ByteBuffer(bytes: body)))
        let reply: WebhookReply
        switch routes.respond(to: request) {
        case .reply(let immediate): reply = immediate
        case .background(let work): reply = work()
        }
        var replyHeaders = HTTPHeaders(reply.headers)
        replyHeaders.add(name: "Content-Type", value: reply.contentType)
        return TestServer.Reply(status: Int(reply.status.code), version: .http1_1, headers: replyHeaders, body: Array(reply.body.readableBytesView))
    }
}
