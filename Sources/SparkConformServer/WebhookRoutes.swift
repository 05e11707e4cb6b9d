import Hummingbird
import Logging
import NIOCore
import SparkConform

/// HTTP in and out for the admission decision. Everything it decides is
/// delegated to `Mutator`; this layer only frames bytes and reports errors.
struct WebhookRoutes: Sendable {
    let policies: PolicyStore
    let maximumBodyBytes: Int

    func register(on router: Router<BasicRequestContext>) {
        router.post("/mutate") { request, context in await mutate(request, context: context) }
        router.get("/healthz") { _, _ in Self.text(.ok, "ok\n") }
        // Ready once the listener is up: the policy and the certificate were loaded before it.
        router.get("/readyz") { _, _ in Self.text(.ok, "ready\n") }
        for (path, allowed) in [("/mutate", HTTPRequest.Method.post), ("/healthz", .get), ("/readyz", .get)] {
            for method in [HTTPRequest.Method.get, .post, .put, .delete, .patch, .head, .options] where method != allowed {
                router.on(RouterPath(path), method: method) { request, _ in
                    var response = Self.failure(
                        .methodNotAllowed, reason: "MethodNotAllowed",
                        "\(request.method.rawValue) is not allowed on \(path); use \(allowed.rawValue)")
                    response.headers[.allow] = allowed.rawValue
                    return response
                }
            }
        }
    }

    func mutate(_ request: Request, context: BasicRequestContext) async -> Response {
        let contentType = request.headers[.contentType] ?? ""
        let mediaType = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard mediaType == "application/json" else {
            return Self.failure(
                .unsupportedMediaType, reason: "UnsupportedMediaType",
                "Content-Type must be application/json, got \(contentType.isEmpty ? "none" : "'\(contentType)'")")
        }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maximumBodyBytes {
            return tooLarge(length)
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: maximumBodyBytes)
        } catch is NIOTooManyBytesError {
            return tooLarge(nil)
        } catch {
            return Self.failure(.badRequest, reason: "BadRequest", "could not read the request body: \(error)")
        }
        let review: AdmissionReview
        do {
            review = try AdmissionReview.decode(body.readableBytesView)
        } catch {
            context.logger.info("rejected admission review", metadata: ["error": "\(error.message)"])
            return Self.failure(.badRequest, reason: "BadRequest", error.message)
        }
        let decision = Mutator.decide(review.request, policy: policies.policy)
        context.logger.debug(
            "admission decision",
            metadata: ["uid": "\(review.request.uid)", "operations": "\(decision.patch.count)"])
        return Self.json(.ok, JSONWriter.bytes(review.response(decision)))
    }

    private func tooLarge(_ length: Int?) -> Response {
        let size = length.map { "\($0) bytes" } ?? "the body"
        return Self.failure(
            .contentTooLarge, reason: "RequestEntityTooLarge",
            "\(size) exceeds the limit of \(maximumBodyBytes) bytes")
    }

    static func json(_ status: HTTPResponse.Status, _ bytes: [UInt8]) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func text(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(
            status: status, headers: [.contentType: "text/plain; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    /// Errors in the shape of a Kubernetes `Status`, which kubectl and the apiserver log readably.
    static func failure(_ status: HTTPResponse.Status, reason: String, _ message: String) -> Response {
        let body: JSONValue = [
            "apiVersion": "v1", "kind": "Status", "status": "Failure", "code": .int(status.code),
            "reason": .string(reason), "message": .string(message),
        ]
        return json(status, JSONWriter.bytes(body))
    }
}
