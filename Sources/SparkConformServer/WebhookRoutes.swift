import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import SparkConform

/// HTTP in and out. Every decision is `Mutator`'s (through `Preview` for
/// `/preview`); this layer frames bytes, measures, logs and counts.
struct WebhookRoutes: Sendable {
    let policies: PolicyStore
    let metrics: WebhookMetrics
    let shutdown: ShutdownState
    let audit: LineWriter
    let maximumBodyBytes: Int

    static let jsonTypes: Set<String> = ["application/json"]
    static let previewTypes: Set<String> = ["application/json", "application/yaml", "application/x-yaml", "text/yaml", "text/plain"]

    func register(on router: Router<BasicRequestContext>) {
        router.add(middleware: DrainingMiddleware(shutdown: shutdown))
        router.post("/mutate") { request, context in await mutate(request, context: context) }
        router.post("/preview") { request, _ in await preview(request) }
        router.get("/metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.exposition())))
        }
        router.get("/healthz") { _, _ in Self.text(.ok, "ok\n") }
        // Ready once the listener is up (the policy and the certificate were loaded
        // before it) and until shutdown begins.
        router.get("/readyz") { _, _ in
            shutdown.isDraining ? Self.text(.serviceUnavailable, "shutting down\n") : Self.text(.ok, "ready\n")
        }
        let allowedMethods: [(String, HTTPRequest.Method)] = [
            ("/mutate", .post), ("/preview", .post), ("/metrics", .get), ("/healthz", .get), ("/readyz", .get),
        ]
        for (path, allowed) in allowedMethods {
            for method in [HTTPRequest.Method.get, .post, .put, .delete, .patch, .head, .options] where method != allowed {
                router.on(RouterPath(path), method: method) { request, _ in
                    var response = Failure(
                        status: .methodNotAllowed, reason: "MethodNotAllowed",
                        message: "\(request.method.rawValue) is not allowed on \(path); use \(allowed.rawValue)"
                    ).response
                    response.headers[.allow] = allowed.rawValue
                    return response
                }
            }
        }
    }

    /// An HTTP error, shaped as a Kubernetes `Status` so kubectl and the apiserver log it readably.
    struct Failure: Error {
        let status: HTTPResponse.Status
        let reason: String
        let message: String

        var response: Response {
            let body: JSONValue = [
                "apiVersion": "v1", "kind": "Status", "status": "Failure", "code": .int(status.code),
                "reason": .string(reason), "message": .string(message),
            ]
            return WebhookRoutes.json(status, JSONWriter.bytes(body))
        }

        static func badRequest(_ message: String) -> Failure { Failure(status: .badRequest, reason: "BadRequest", message: message) }
    }

    func mutate(_ request: Request, context: BasicRequestContext) async -> Response {
        let start = ContinuousClock.now
        let review: AdmissionReview
        do {
            let body = try await readBody(request, accepting: Self.jsonTypes)
            do {
                review = try AdmissionReview.decode(body.readableBytesView)
            } catch {
                throw Failure.badRequest(error.message)
            }
        } catch {
            let failure = error as? Failure ?? .badRequest("\(error)")
            let elapsed = ContinuousClock.now - start
            metrics.record(.rejected, duration: elapsed)
            context.logger.info("admission request rejected", metadata: ["status": "\(failure.status.code)", "error": "\(failure.message)"])
            audit.write(line: JSONWriter.bytes(AuditRecord.rejected(
                status: failure.status.code, message: failure.message, uid: nil, time: Timestamp.now(),
                latencySeconds: elapsed.seconds)))
            return failure.response
        }

        var decision = Mutator.decide(review.request, policy: policies.policy)
        var outcome = WebhookMetrics.RequestOutcome(rawValue: decision.outcomeName) ?? .unchanged
        // A patch the apiserver could not apply would fail the pod's creation:
        // allow it unpatched instead, and say why.
        if !decision.patch.isEmpty, let object = review.request.object {
            do {
                _ = try JSONPatch.apply(decision.patch, to: object)
            } catch {
                context.logger.error("internal error: patch does not apply; pod allowed unpatched", metadata: [
                    "uid": "\(review.request.uid)", "error": "\(error.message)",
                ])
                decision.patch = []
                decision.warnings.append("spark-conform internal error: pod allowed unpatched (\(error.message))")
                outcome = .internalError
            }
        }
        let response = JSONWriter.bytes(review.response(decision))
        let elapsed = ContinuousClock.now - start
        metrics.record(outcome, duration: elapsed)
        metrics.record(decision)
        audit.write(line: JSONWriter.bytes(AuditRecord.decision(
            decision, request: review.request, time: Timestamp.now(), latencySeconds: elapsed.seconds)))
        return Self.json(.ok, response)
    }

    func preview(_ request: Request) async -> Response {
        do {
            let body = try await readBody(request, accepting: Self.previewTypes)
            let query = request.uri.queryParameters
            var options = Preview.Options()
            if let output = try Self.choice(query.get("output"), name: "output", Preview.Output.self) { options.output = output }
            options.format = try Self.choice(query.get("format"), name: "format", Preview.Format.self)
            options.namespace = query.get("namespace")
            let report: Preview.Report
            do {
                report = try Preview.run(String(decoding: body.readableBytesView, as: UTF8.self), options: options, policy: policies.policy)
            } catch {
                throw Failure.badRequest(error.message)
            }
            let contentType: String
            switch options.resolvedFormat {
            case .json: contentType = "application/json"
            case .yaml: contentType = "application/yaml"
            case .text: contentType = "text/plain; charset=utf-8"
            }
            var headers: HTTPFields = [.contentType: contentType]
            headers[HTTPField.Name("X-Spark-Conform-Would-Change")!] = report.wouldChange ? "true" : "false"
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: report.text)))
        } catch {
            return (error as? Failure ?? .badRequest("\(error)")).response
        }
    }

    /// A query parameter that must be one of an enumeration's raw values.
    private static func choice<T: RawRepresentable & CaseIterable>(
        _ value: String?, name: String, _: T.Type
    ) throws(Failure) -> T? where T.RawValue == String {
        guard let value else { return nil }
        guard let parsed = T(rawValue: value) else {
            throw Failure.badRequest("\(name) '\(value)' is not one of: \(T.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return parsed
    }

    private func readBody(_ request: Request, accepting types: Set<String>) async throws(Failure) -> ByteBuffer {
        let contentType = request.headers[.contentType] ?? ""
        let mediaType = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        guard types.contains(mediaType) else {
            throw Failure(
                status: .unsupportedMediaType, reason: "UnsupportedMediaType",
                message: "Content-Type must be \(types.sorted().joined(separator: " or ")), got \(contentType.isEmpty ? "none" : "'\(contentType)'")")
        }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maximumBodyBytes {
            throw tooLarge("\(length) bytes")
        }
        do {
            return try await request.body.collect(upTo: maximumBodyBytes)
        } catch is NIOTooManyBytesError {
            throw tooLarge("the body")
        } catch {
            throw Failure.badRequest("could not read the request body: \(error)")
        }
    }

    private func tooLarge(_ size: String) -> Failure {
        Failure(status: .contentTooLarge, reason: "RequestEntityTooLarge", message: "\(size) exceeds the limit of \(maximumBodyBytes) bytes")
    }

    static func json(_ status: HTTPResponse.Status, _ bytes: [UInt8]) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func text(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(status: status, headers: [.contentType: "text/plain; charset=utf-8"], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}

extension Duration {
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
