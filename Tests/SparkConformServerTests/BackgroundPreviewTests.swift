import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import SparkConform
import SparkConformServer
import SparkConformTestSupport
import Testing

/// `POST /preview` of a large file runs off the event loops: admissions and
/// probes on every connection are answered while it works, and a burst of
/// previews beyond the limit is refused at once rather than queued.
@Suite struct BackgroundPreviewTests {
    /// A `List` of 900 executor pods (3.5 MB): over a second of work in a debug build.
    static func largeList() throws -> [UInt8] {
        let pod = try Fixture.pod("spark-3.5.3-executor-basic")
        var items: [JSONValue] = []
        for index in 0..<900 {
            var item = pod
            item[path: ["metadata", "name"]] = .string("exec-\(index)")
            items.append(item)
        }
        return JSONWriter.bytes(["apiVersion": "v1", "kind": "List", "items": .array(items)])
    }

    @Test func probesOnEveryConnectionAreAnsweredWhileALargePreviewRuns() async throws {
        let list = try Self.largeList()
        try await TestServer.withServer { server in
            try await server.withClient(.http1) { previewClient in
                let started = ContinuousClock.now
                async let preview = server.send(
                    previewClient, path: "/preview?output=diff&namespace=spark", body: list, timeout: .seconds(60))
                try await Task.sleep(for: .milliseconds(150))
                // One connection per event loop and one more: whichever loop the preview
                // arrived on, a probe shares it.
                var slowest = Duration.zero
                for _ in 0...System.coreCount {
                    try await server.withClient(.http1) { probe in
                        let sent = ContinuousClock.now
                        let reply = try await server.send(probe, .GET, path: "/healthz", contentType: nil)
                        #expect(reply.status == 200)
                        slowest = max(slowest, ContinuousClock.now - sent)
                    }
                }
                let probesDone = ContinuousClock.now
                let previewReply = try await preview
                let previewTook = ContinuousClock.now - started
                #expect(previewReply.status == 200)
                #expect(previewReply.text.contains("exec-899"))
                // The preview must outlast the probes, or the test could not see them wait.
                #expect(ContinuousClock.now - probesDone > .milliseconds(200), "preview took \(previewTook)")
                #expect(slowest < .milliseconds(200), "slowest probe \(slowest) while the preview took \(previewTook)")
            }
        }
    }

    @Test func previewsBeyondTheLimitAreRefusedAtOnce() async throws {
        let list = try Self.largeList()
        try await TestServer.withServer(configure: { configuration, _ in configuration.backgroundRequestLimit = 1 }) { server in
            try await server.withClient(.http1) { first in
                async let running = server.send(first, path: "/preview?output=diff", body: list, timeout: .seconds(60))
                try await Task.sleep(for: .milliseconds(250))
                try await server.withClient(.http1) { second in
                    let refused = try await server.send(second, path: "/preview?output=diff", body: list)
                    #expect(refused.status == 429)
                    #expect(refused.headers.first(name: "retry-after") == "1")
                    #expect(refused.json?["reason"] == "TooManyRequests")
                    #expect(refused.json?["message"]?.stringValue?.contains("1 previews are already queued or running") == true)
                }
                #expect(try await running.status == 200)
                let metrics = String(decoding: server.metrics.exposition(), as: UTF8.self)
                #expect(metrics.contains(#"spark_conform_http_refusals_total{reason="previews_busy"} 1"#))
                // Once it is done, the next is accepted.
                try await server.withClient(.http1) { third in
                    let small = JSONWriter.bytes(try Fixture.pod("spark-3.5.3-driver-basic"))
                    #expect(try await server.send(third, path: "/preview", body: small).status == 200)
                }
            }
        }
    }
}
