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
                    previewClient, path: "/preview?output=diff&namespace=spark", body: list, timeout: .seconds(120))
                // Wait for the preview to be running (the server's gauge), not for a time.
                while !String(decoding: server.metrics.exposition(), as: UTF8.self).contains("spark_conform_previews_pending 1") {
                    try await Task.sleep(for: .milliseconds(1))
                }
                // One connection per event loop and one more, all at once: whichever loop
                // the preview arrived on, a probe shares it. Each needs its TLS handshake
                // and its request served by that loop.
                let probes = try await withThrowingTaskGroup(of: Int.self) { group in
                    for _ in 0...System.coreCount {
                        group.addTask {
                            var status = 0
                            try await server.withClient(.http1) { probe in
                                status = try await server.send(probe, .GET, path: "/healthz", contentType: nil).status
                            }
                            return status
                        }
                    }
                    return try await group.reduce(into: [Int]()) { $0.append($1) }
                }
                let probesDone = ContinuousClock.now
                let previewReply = try await preview
                let previewDone = ContinuousClock.now
                #expect(probes == Array(repeating: 200, count: System.coreCount + 1))
                #expect(previewReply.status == 200)
                #expect(previewReply.text.contains("exec-899"))
                // Had the preview held its loop, the probe on that loop would have finished
                // just as the preview did (measured: 3 ms apart); here they finish in its first half.
                #expect(previewDone - probesDone > (previewDone - started) / 2,
                        "probes done \(probesDone - started) after the start, the preview \(previewDone - started)")
            }
        }
    }

    @Test func previewsOverTheLimitAreAnswered429() async throws {
        // Limit 0: every preview is over it, so the refusal is seen without racing a running one
        // (`BackgroundWorkTests` holds the limit itself with a preview that waits).
        try await TestServer.withServer(configure: { configuration, _ in configuration.backgroundRequestLimit = 0 }) { server in
            try await server.withClient(.http1) { client in
                let small = JSONWriter.bytes(try Fixture.pod("spark-3.5.3-driver-basic"))
                let refused = try await server.send(client, path: "/preview", body: small)
                #expect(refused.status == 429)
                #expect(refused.headers.first(name: "retry-after") == "1")
                #expect(refused.json?["reason"] == "TooManyRequests")
                #expect(refused.json?["message"] == "too many previews in progress (at most 0 at once); retry later")
                let metrics = String(decoding: server.metrics.exposition(), as: UTF8.self)
                #expect(metrics.contains(#"spark_conform_http_refusals_total{reason="previews_busy"} 1"#))
                // Admissions are not previews: never refused by it.
                #expect(try await server.send(client, .GET, path: "/healthz", contentType: nil).status == 200)
            }
        }
    }
}
