import AsyncHTTPClient
import Foundation
import NIOHTTP1
import SparkConform
import SparkConformServer
import SparkConformTestSupport
import Synchronization
import Testing

/// The policy file changes under traffic: a valid change takes effect, an
/// invalid one is refused while the last good policy serves, and no request fails.
@Suite struct PolicyReloadTests {
    @Test func reloadUnderTraffic() async throws {
        let initial = "rules: {service-account: {name: first, existsIn: [\"*\"]}}\n"
        try await TestServer.withServer(
            policy: try PolicyLoader.load(yaml: initial), policyText: initial,
            configure: { configuration, directory in
                let file = directory.appendingPathComponent("policy.yaml").path
                try initial.write(toFile: file, atomically: true, encoding: .utf8)
                configuration.policyFile = file
                configuration.policyReloadInterval = .milliseconds(50)
            }
        ) { server in
            let file = server.directory.appendingPathComponent("policy.yaml").path
            let pod = try Fixture.pod("spark-3.5.3-executor-basic").with(["spec", "serviceAccountName"], "default")
            let body = JSONWriter.bytes(CapturedReview.review(pod))
            let traffic = Traffic()

            try await server.withClient(.http1) { client in
                func serviceAccount() async throws -> String? {
                    let reply = try await server.send(client, body: body)
                    let encoded = reply.json?[path: ["response", "patch"]]?.stringValue ?? ""
                    let patch = try JSONParser.parse(Data(base64Encoded: encoded).map(Array.init) ?? [])
                    return patch.arrayValue?.first { $0["path"] == "/spec/serviceAccountName" }?["value"]?.stringValue
                }
                func waitFor(_ name: String) async throws -> Bool {
                    for _ in 0..<100 {
                        if try await serviceAccount() == name { return true }
                        try await Task.sleep(for: .milliseconds(20))
                    }
                    return false
                }
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for _ in 0..<4 {
                        group.addTask {
                            while !traffic.stop.load(ordering: .relaxed) {
                                let reply = try? await server.send(client, body: body)
                                traffic.sent.add(1, ordering: .relaxed)
                                if reply?.status != 200 || reply?.json?[path: ["response", "allowed"]] != true {
                                    traffic.failures.add(1, ordering: .relaxed)
                                }
                            }
                        }
                    }
                    #expect(try await serviceAccount() == "first")
                    try await traffic.waitForMore(than: 0)

                    // A valid change, written the way a ConfigMap update lands (atomic rename).
                    try "rules: {service-account: {name: second, existsIn: [\"*\"]}}\n".write(toFile: file, atomically: true, encoding: .utf8)
                    #expect(try await waitFor("second"))

                    // An invalid change is refused; "second" keeps serving.
                    try "rules: {service-account: {name: Not_Valid, existsIn: [\"*\"]}}\n".write(toFile: file, atomically: true, encoding: .utf8)
                    var refused = false
                    for _ in 0..<100 where !refused {
                        let metrics = ObservabilityTests.samples(try await server.send(client, .GET, path: "/metrics").text)
                        refused = metrics[#"spark_conform_policy_reloads_total{result="failure"}"#] == 1
                        try await Task.sleep(for: .milliseconds(20))
                    }
                    #expect(refused)
                    #expect(try await serviceAccount() == "second")
                    try await traffic.waitForMore(than: traffic.sent.load(ordering: .relaxed))

                    // And a later valid change still takes effect.
                    try "rules: {service-account: {name: third, existsIn: [\"*\"]}}\n".write(toFile: file, atomically: true, encoding: .utf8)
                    #expect(try await waitFor("third"))
                    try await traffic.waitForMore(than: traffic.sent.load(ordering: .relaxed))
                    traffic.stop.store(true, ordering: .relaxed)
                    try await group.waitForAll()
                }
                let metrics = ObservabilityTests.samples(try await server.send(client, .GET, path: "/metrics").text)
                #expect(metrics[#"spark_conform_policy_reloads_total{result="success"}"#] == 2)
            }
            // Requests went through before, between and after the changes (waited on above).
            #expect(traffic.sent.load(ordering: .relaxed) >= 3)
            #expect(traffic.failures.load(ordering: .relaxed) == 0)
        }
    }
}

/// Shared between the traffic tasks and the test.
final class Traffic: Sendable {
    let sent = Atomic<Int>(0)
    let failures = Atomic<Int>(0)
    let stop = Atomic<Bool>(false)

    /// Returns once more than `count` requests were sent: waits on the counter, not on time.
    func waitForMore(than count: Int) async throws {
        while sent.load(ordering: .relaxed) <= count { try await Task.sleep(for: .milliseconds(1)) }
    }
}
