import NIOCore
import NIOHTTP1

/// One HTTP reply: status, content type, body, and any further headers.
struct WebhookReply: Sendable {
    var status: HTTPResponseStatus
    var contentType: String
    var body: ByteBuffer
    var headers: [(String, String)] = []
    /// Book-keeping (audit line, metrics) run once the reply's write is queued
    /// (not when its bytes have left), so the apiserver does not wait for it.
    var afterSending: (@Sendable () -> Void)?

    static func json(_ status: HTTPResponseStatus, _ bytes: [UInt8]) -> WebhookReply {
        WebhookReply(status: status, contentType: "application/json", body: ByteBuffer(bytes: bytes))
    }

    static func text(_ status: HTTPResponseStatus, _ text: String) -> WebhookReply {
        WebhookReply(status: status, contentType: "text/plain; charset=utf-8", body: ByteBuffer(string: text))
    }
}
