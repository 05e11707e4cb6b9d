import AsyncHTTPClient
import NIOHTTP1
import SparkConform
import SparkConformServer
import SparkConformTestSupport
import Testing

/// Each bad request gets its status and a message that names the problem,
/// and the server keeps serving afterwards.
@Suite struct BadInputTests {
    static let limit = 64 * 1024

    func expectFailure(_ reply: TestServer.Reply, status: Int, saying message: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(reply.status == status, sourceLocation: sourceLocation)
        let json = reply.json
        #expect(json?["kind"] == "Status", sourceLocation: sourceLocation)
        #expect(json?["code"] == .int(status), sourceLocation: sourceLocation)
        let text = json?["message"]?.stringValue ?? ""
        #expect(text.contains(message), "message was: \(text)", sourceLocation: sourceLocation)
    }

    /// The routes in process: every refusal a route makes, with its status and message.
    @Test func badRequestsAreAnsweredWithAStatusThatSaysWhy() throws {
        let server = try InProcessRoutes(maximumBodyBytes: Self.limit)
        let pod = try Fixture.pod("spark-3.5.3-executor-basic")
        let good = JSONWriter.bytes(CapturedReview.review(pod))

        let wrongMethod = server.send(.GET)
        expectFailure(wrongMethod, status: 405, saying: "GET is not allowed on /mutate; use POST")
        #expect(wrongMethod.headers["Allow"].first == "POST")

        expectFailure(
            server.send(contentType: "text/plain", body: good), status: 415,
            saying: "Content-Type must be application/json, got 'text/plain'")
        expectFailure(server.send(contentType: nil, body: good), status: 415, saying: "got none")
        // Parameters, case and spaces around the media type do not matter.
        for contentType in ["application/json; charset=utf-8", "Application/JSON", " application/json ;charset=UTF-8"] {
            #expect(server.send(contentType: contentType, body: good).status == 200, "\(contentType)")
        }
        expectFailure(server.send(contentType: "application/jsonx", body: good), status: 415, saying: "got 'application/jsonx'")
        expectFailure(server.send(body: good, tooLarge: true), status: 413, saying: "exceeds the limit of \(Self.limit) bytes")

        expectFailure(server.send(body: Array("{\"kind\": ".utf8)), status: 400, saying: "body is not valid JSON")
        expectFailure(
            server.send(body: Array(#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}"#.utf8)),
            status: 400, saying: "AdmissionReview has no request")
        expectFailure(server.send(body: []), status: 400, saying: "empty document")

        // A non-Pod object is allowed unchanged.
        let configMap = server.send(body: JSONWriter.bytes(CapturedReview.review(["kind": "ConfigMap"], uid: "cm", kind: "ConfigMap")))
        #expect(configMap.status == 200)
        #expect(configMap.json?[path: ["response", "uid"]] == "cm")
        #expect(configMap.json?[path: ["response", "allowed"]] == true)
        #expect(configMap.json?[path: ["response", "patch"]] == nil)

        // A pod request without an object is allowed, with a warning that says so.
        let empty = server.send(body: JSONWriter.bytes(CapturedReview.review(nil, uid: "none")))
        #expect(empty.status == 200)
        #expect(empty.json?[path: ["response", "warnings"]]?.arrayValue?.first?.stringValue?.contains("carried no object") == true)
    }

    /// Over TLS, both protocols: the transport's own limit, a route's refusal
    /// passed through, and the connection still serving afterwards.
    @Test(arguments: [TestServer.WireProtocol.http1, .http2])
    func transportRefusesAndKeepsServing(version: TestServer.WireProtocol) async throws {
        try await TestServer.withServer(configure: { configuration, _ in configuration.maximumBodyBytes = Self.limit }) { server in
            try await server.withClient(version) { client in
                let pod = try Fixture.pod("spark-3.5.3-executor-basic")
                let huge = JSONWriter.bytes(CapturedReview.review(pod.with(["metadata", "annotations"], ["big": .string(String(repeating: "x", count: Self.limit))])))
                expectFailure(try await server.send(client, body: huge), status: 413, saying: "exceeds the limit of \(Self.limit) bytes")
                expectFailure(try await server.send(client, body: Array("{\"kind\": ".utf8)), status: 400, saying: "body is not valid JSON")
                let after = try await server.send(client, body: JSONWriter.bytes(CapturedReview.review(pod)))
                #expect(after.status == 200)
                #expect(after.json?[path: ["response", "patchType"]] == "JSONPatch")
            }
        }
    }

    @Test func unknownPathIs404() throws {
        expectFailure(try InProcessRoutes().send(path: "/validate"), status: 404, saying: "no such path /validate")
    }

    /// A query parameter the server does not know is refused, not ignored:
    /// `outptu=diff` must not quietly print the default output.
    @Test func previewQueryIsCheckedAndDecoded() throws {
        let server = try InProcessRoutes()
        let pod = JSONWriter.bytes(try Fixture.pod("spark-3.5.3-driver-basic"))
        expectFailure(
            server.send(path: "/preview?outptu=diff", body: pod), status: 400,
            saying: "unknown query parameter 'outptu'; accepted: format, namespace, output")
        expectFailure(
            server.send(path: "/preview?output=patch&output=diff", body: pod), status: 400,
            saying: "query parameter 'output' is given more than once")
        // Percent-encoding and '+' are decoded: the namespace reaches the preview as sent.
        let decoded = server.send(path: "/preview?output=explain&namespace=data%2Dteam+a", body: pod)
        #expect(decoded.status == 200)
        #expect(decoded.text.contains("data-team a"))
    }
}

extension JSONValue {
    func with(_ path: [String], _ value: JSONValue?) -> JSONValue {
        var copy = self
        copy[path: path] = value
        return copy
    }
}
