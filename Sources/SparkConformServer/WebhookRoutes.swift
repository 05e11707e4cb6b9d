import Logging
import NIOCore
import NIOHTTP1
import SparkConform

/// HTTP in and out. Every decision is `Mutator`'s (through `Preview` for
/// `/preview`); this layer frames bytes, measures, logs and counts. It runs
/// on the connection's event loop: the decision takes microseconds and never
/// waits, so handing it to another thread would only add two context switches.
/// `/preview` is the exception: a large file takes long enough to delay every
/// admission on its loop, so it runs in the background.
struct WebhookRoutes: Sendable {
    let policies: PolicyStore
    let metrics: WebhookMetrics
    let shutdown: ShutdownState
    let audit: LineWriter
    let maximumBodyBytes: Int
    let logger: Logger

    static let jsonTypes: Set<String> = ["application/json"]
    static let previewTypes: Set<String> = ["application/json", "application/yaml", "application/x-yaml", "text/yaml", "text/plain"]
    /// `/mutate/<level>`: the chart's webhook entry for namespaces whose
    /// `pod-security.kubernetes.io/enforce` label is that level (a webhook's
    /// service reference takes a path, not a query).
    static let allowedMethods: [(path: String, method: HTTPMethod)] =
        PodSecurityLevel.webhookPaths.map { ($0, .POST) }
        + [("/preview", .POST), ("/metrics", .GET), ("/healthz", .GET), ("/readyz", .GET)]

    func respond(to request: WebhookRequest) -> WebhookAnswer {
        let (path, query) = Self.split(request.head.uri)
        if path == "/preview", request.head.method == .POST {
            return .background { preview(request, query: query) }
        }
        return .reply(reply(to: request, path: path))
    }

    private func reply(to request: WebhookRequest, path: Substring) -> WebhookReply {
        guard let allowed = Self.allowedMethods.first(where: { $0.path == path })?.method else {
            return HTTPFailure(
                status: .notFound, reason: "NotFound",
                message: "no such path \(path); served: \(Self.allowedMethods.map(\.path).joined(separator: ", "))"
            ).reply
        }
        guard request.head.method == allowed else {
            var reply = HTTPFailure(
                status: .methodNotAllowed, reason: "MethodNotAllowed",
                message: "\(request.head.method.rawValue) is not allowed on \(path); use \(allowed.rawValue)"
            ).reply
            reply.headers.append(("allow", allowed.rawValue))
            return reply
        }
        if let level = PodSecurityLevel.allCases.first(where: { $0.webhookPath == path }) {
            return mutate(request, podSecurityLabel: level)
        }
        switch path {
        case PodSecurityLevel.unlabelledWebhookPath: return mutate(request)
        case "/metrics":
            return WebhookReply(
                status: .ok, contentType: "text/plain; version=0.0.4; charset=utf-8", body: ByteBuffer(bytes: metrics.exposition()))
        case "/healthz": return .text(.ok, "ok\n")
        default:
            // Ready once the listener is up (the policy and the certificate were loaded
            // before it) and until shutdown begins.
            return shutdown.isDraining ? .text(.serviceUnavailable, "shutting down\n") : .text(.ok, "ready\n")
        }
    }

    /// `podSecurityLabel`: the namespace's Pod Security level, which the webhook
    /// entry the apiserver matched says by its path (the chart has one entry per level).
    func mutate(_ request: WebhookRequest, podSecurityLabel: PodSecurityLevel? = nil) -> WebhookReply {
        let start = ContinuousClock.now
        let review: AdmissionReview
        do throws(HTTPFailure) {
            let body = try self.body(of: request, accepting: Self.jsonTypes)
            do {
                review = try AdmissionReview.decode(body.readableBytesView)
            } catch {
                throw HTTPFailure.badRequest(error.message)
            }
        } catch {
            let elapsed = ContinuousClock.now - start
            metrics.record(.rejected, duration: elapsed)
            logger.info("admission request rejected", metadata: ["status": "\(error.status.code)", "error": "\(error.message)"])
            audit.write(line: JSONWriter.bytes(AuditRecord.rejected(
                status: Int(error.status.code), message: error.message, uid: nil, time: Timestamp.now(),
                latencySeconds: elapsed.seconds)))
            return error.reply
        }

        let decision = Mutator.decide(review.request, policy: policies.resolved, podSecurityLabel: podSecurityLabel)
        if decision.outcome == .internalError {
            logger.error("internal error: pod allowed unpatched", metadata: [
                "uid": "\(review.request.uid)", "warnings": "\(decision.warnings)",
            ])
        }
        var reply = WebhookReply.json(.ok, review.responseBytes(decision))
        let elapsed = ContinuousClock.now - start
        reply.afterSending = { [metrics, audit, decision] in
            metrics.record(.init(decision.outcome), duration: elapsed)
            metrics.record(decision)
            audit.write(line: JSONWriter.bytes(AuditRecord.decision(
                decision, request: review.request, time: Timestamp.now(), latencySeconds: elapsed.seconds)))
        }
        return reply
    }

    func preview(_ request: WebhookRequest, query: Substring) -> WebhookReply {
        do throws(HTTPFailure) {
            let body = try self.body(of: request, accepting: Self.previewTypes)
            let parameters = try QueryParameters(query, accepting: ["output", "format", "namespace", "podSecurity", "rules"])
            var options = Preview.Options()
            if let output = try Self.choice(parameters["output"], name: "output", Preview.Output.self) { options.output = output }
            options.format = try Self.choice(parameters["format"], name: "format", Preview.Format.self)
            options.namespace = parameters["namespace"]
            options.podSecurity = try Self.choice(parameters["podSecurity"], name: "podSecurity", PodSecurityLevel.self)
            if let rules = parameters["rules"] {
                switch RuleID.list(rules) {
                case .success(let ids): options.rules = ids
                case .failure(let error): throw HTTPFailure.badRequest("query parameter 'rules': \(error)")
                }
            }
            let report: Preview.Report
            do {
                report = try Preview.run(String(decoding: body.readableBytesView, as: UTF8.self), options: options, policy: policies.policy)
            } catch {
                throw HTTPFailure.badRequest(error.message)
            }
            let contentType: String
            switch options.resolvedFormat {
            case .json: contentType = "application/json"
            case .yaml: contentType = "application/yaml"
            case .text: contentType = "text/plain; charset=utf-8"
            }
            return WebhookReply(
                status: .ok, contentType: contentType, body: ByteBuffer(string: report.text),
                headers: [("x-spark-conform-would-change", report.wouldChange ? "true" : "false")])
        } catch {
            return error.reply
        }
    }

    /// A query parameter that must be one of an enumeration's raw values.
    private static func choice<T: RawRepresentable & CaseIterable>(
        _ value: String?, name: String, _: T.Type
    ) throws(HTTPFailure) -> T? where T.RawValue == String {
        guard let value else { return nil }
        guard let parsed = T(rawValue: value) else {
            throw HTTPFailure.badRequest("\(name) '\(value)' is not one of: \(T.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return parsed
    }

    private func body(of request: WebhookRequest, accepting types: Set<String>) throws(HTTPFailure) -> ByteBuffer {
        let contentType = request.head.headers.first(name: "content-type") ?? ""
        // The apiserver sends exactly `application/json`: settled without splitting,
        // trimming and case-folding (which cost about a microsecond per admission).
        let isPlainJSON = contentType == "application/json" && types.contains(contentType)
        guard isPlainJSON || types.contains(Self.mediaType(contentType)) else {
            throw HTTPFailure(
                status: .unsupportedMediaType, reason: "UnsupportedMediaType",
                message: "Content-Type must be \(types.sorted().joined(separator: " or ")), got \(contentType.isEmpty ? "none" : "'\(contentType)'")")
        }
        switch request.body {
        case .bytes(let bytes):
            return bytes
        case .tooLarge(let declared):
            throw HTTPFailure(
                status: .payloadTooLarge, reason: "RequestEntityTooLarge",
                message: "\(declared.map { "\($0) bytes" } ?? "the body") exceeds the limit of \(maximumBodyBytes) bytes")
        }
    }

    /// The media type of a Content-Type value, without parameters, lower-cased.
    static func mediaType(_ contentType: String) -> String {
        (contentType.split(separator: ";").first ?? "").trimmingWhitespace.lowercased()
    }

    /// Path and query of a request target (`/preview?output=diff`).
    static func split(_ uri: String) -> (path: Substring, query: Substring) {
        guard let mark = uri.firstIndex(of: "?") else { return (uri[...], "") }
        return (uri[..<mark], uri[uri.index(after: mark)...])
    }
}

extension Substring {
    var trimmingWhitespace: Substring {
        guard let first = firstIndex(where: { !$0.isWhitespace }), let last = lastIndex(where: { !$0.isWhitespace }) else { return "" }
        return self[first...last]
    }
}

extension Duration {
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
