import Foundation
import AsyncHTTPClient
import NIOHTTP1
import NIOSSL
import SparkConform
import SparkConformServer
import SparkConformTestSupport
import Testing

/// Real HTTPS round trips over loopback, verified against the generated CA.
@Suite struct RoundTripTests {
    static let hosts = ["127.0.0.1", TestServer.serviceDNSName]

    func expectPatched(_ reply: TestServer.Reply, uid: String, pod: JSONValue) throws {
        #expect(reply.status == 200)
        #expect(reply.headers["Content-Type"].first == "application/json")
        let json = try #require(reply.json)
        #expect(json["apiVersion"] == "admission.k8s.io/v1")
        #expect(json["kind"] == "AdmissionReview")
        #expect(json[path: ["response", "uid"]] == .string(uid))
        #expect(json[path: ["response", "allowed"]] == true)
        #expect(json[path: ["response", "patchType"]] == "JSONPatch")
        let encoded = try #require(json[path: ["response", "patch"]]?.stringValue)
        let patch = try JSONParser.parse(try #require(Data(base64Encoded: encoded).map(Array.init)))
        // The same request the server got: its requester (the driver's account) is a fact the rules use.
        let expected = Mutator.decide(pod: pod, namespace: "spark", policy: Policy(), requester: "system:serviceaccount:spark:spark").sentPatch
        #expect(!expected.isEmpty)
        #expect(patch == PatchOperation.document(expected))
    }

    /// By loopback address and by the service DNS name, over HTTP/1.1 (what the
    /// apiserver uses for service webhooks) and over h2 negotiated by ALPN.
    @Test(arguments: [TestServer.WireProtocol.http1, .http2], hosts)
    func roundTripForEveryFixture(version: TestServer.WireProtocol, host: String) async throws {
        try await TestServer.withServer { server in
            try await server.withClient(version) { client in
                for name in Fixture.names {
                    let pod = try Fixture.pod(name)
                    let uid = "uid-\(name)"
                    let reply = try await server.send(client, host: host, body: JSONWriter.bytes(CapturedReview.review(pod, uid: uid)))
                    #expect(reply.version.major == (version == .http1 ? 1 : 2))
                    try expectPatched(reply, uid: uid, pod: pod)
                }
            }
        }
    }

    @Test func clientTrustingAnotherCAIsRefused() async throws {
        try await TestServer.withServer { outer in
            try await TestServer.withServer { other in
                try await other.withClient(.http1, caFile: outer.caFile) { client in
                    let error = await #expect(throws: NIOSSLError.self) {
                        _ = try await other.send(client, .GET, path: "/healthz", timeout: .seconds(1))
                    }
                    #expect("\(String(describing: error))".contains("CERTIFICATE_VERIFY_FAILED"))
                }
            }
        }
    }

    @Test func minimumTLS13RefusesTLS12Client() async throws {
        try await TestServer.withServer(configure: { configuration, _ in configuration.minimumTLSVersion = .tls13 }) { server in
            try await server.withClient(.http1, maximumTLS: .tlsv12) { client in
                let error = await #expect(throws: NIOSSLError.self) {
                    _ = try await server.send(client, .GET, path: "/healthz", timeout: .seconds(1))
                }
                #expect("\(String(describing: error))".contains("PROTOCOL_VERSION"))
            }
            try await server.withClient(.http1) { client in
                let reply = try await server.send(client, .GET, path: "/healthz")
                #expect(reply.status == 200)
            }
        }
    }

    @Test func healthAndReadiness() async throws {
        try await TestServer.withServer { server in
            try await server.withClient(.http2) { client in
                let health = try await server.send(client, .GET, path: "/healthz")
                #expect(health.status == 200 && health.text == "ok\n")
                let ready = try await server.send(client, .GET, path: "/readyz")
                #expect(ready.status == 200 && ready.text == "ready\n")
            }
        }
    }
}
