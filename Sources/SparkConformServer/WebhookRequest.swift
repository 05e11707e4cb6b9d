import NIOCore
import NIOHTTP1

/// One HTTP request as the routes see it: whole, with its body already
/// collected (or known to be over the limit) by `WebhookHTTPHandler`.
struct WebhookRequest: Sendable {
    enum Body {
        case bytes(ByteBuffer)
        /// Over the limit: `declared` is the Content-Length when the client sent one.
        case tooLarge(declared: Int?)
    }

    let head: HTTPRequestHead
    let body: Body
}
