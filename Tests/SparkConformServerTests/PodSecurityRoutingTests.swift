import Foundation
import SparkConform
import SparkConformTestSupport
import Testing

/// The chart's webhook entries call `/mutate/<level>` for namespaces labelled
/// with that enforce level and `/mutate` for the rest: the path tells the level.
@Suite struct PodSecurityRoutingTests {
    func patchPaths(_ reply: TestServer.Reply) throws -> [String] {
        let encoded = reply.json?[path: ["response", "patch"]]?.stringValue ?? "W10="
        let patch = try JSONParser.parse(try #require(Data(base64Encoded: encoded).map(Array.init)))
        return (patch.arrayValue ?? []).compactMap { $0["path"]?.stringValue }
    }

    @Test func thePathTellsTheLevel() throws {
        let server = try InProcessRoutes(policy: .blogCluster)
        let review = JSONWriter.bytes(CapturedReview.review(try Fixture.pod("spark-3.5.3-executor-basic")))
        let unlabelled = server.send(path: "/mutate", body: review)
        #expect(try patchPaths(unlabelled).contains("/spec/volumes/1/hostPath"))
        #expect(try patchPaths(server.send(path: "/mutate/privileged", body: review)) == patchPaths(unlabelled))
        for level in ["baseline", "restricted"] {
            let reply = server.send(path: "/mutate/\(level)", body: review)
            #expect(reply.status == 200)
            let paths = try patchPaths(reply)
            #expect(!paths.contains { $0.contains("hostPath") || $0.contains("initContainers") }, "\(level): \(paths)")
            #expect(paths.contains("/spec/affinity"))
        }
        #expect(server.send(path: "/mutate/strict", body: review).status == 404)
    }
}
