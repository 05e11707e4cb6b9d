import NIOHTTP1
import SparkConform

/// An HTTP error, shaped as a Kubernetes `Status` so kubectl and the apiserver log it readably.
struct HTTPFailure: Error {
    let status: HTTPResponseStatus
    let reason: String
    let message: String

    var reply: WebhookReply {
        let body: JSONValue = [
            "apiVersion": "v1", "kind": "Status", "status": "Failure", "code": .int(Int(status.code)),
            "reason": .string(reason), "message": .string(message),
        ]
        return .json(status, JSONWriter.bytes(body))
    }

    static func badRequest(_ message: String) -> HTTPFailure { HTTPFailure(status: .badRequest, reason: "BadRequest", message: message) }
}
