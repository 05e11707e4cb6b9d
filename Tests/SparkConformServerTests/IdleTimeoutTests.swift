import NIOCore
import NIOPosix
import NIOSSL
import SparkConformTestSupport
import Testing

/// A connection that sends nothing is closed after the idle timeout: idle or
/// stalled clients cannot hold the server's file descriptors for ever.
@Suite struct IdleTimeoutTests {
    @Test func silentConnectionsAreClosedAndServingGoesOn() async throws {
        try await TestServer.withServer(configure: { configuration, _ in configuration.idleTimeout = .milliseconds(300) }) { server in
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.trustRoots = .file(server.caFile)
            let context = try NIOSSLContext(configuration: tls)
            // One connection completes the handshake and goes quiet; one never even says hello.
            for handshake in [true, false] {
                // Before connecting: the server's idle timer cannot start earlier, so however
                // late this task runs, `lasted` is never shorter than the server's wait.
                let opened = ContinuousClock.now
                let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                    .channelInitializer { channel in
                        channel.eventLoop.makeCompletedFuture {
                            if handshake {
                                try channel.pipeline.syncOperations.addHandler(
                                    try NIOSSLClientHandler(context: context, serverHostname: TestServer.serviceDNSName))
                            }
                        }
                    }
                    .connect(host: "127.0.0.1", port: server.port).get()
                // Closed by the server, or by us after 3 s so a missing timeout fails rather than hangs.
                let closedByServer = try await withThrowingTaskGroup(of: Bool.self) { group in
                    group.addTask { try? await channel.closeFuture.get(); return true }
                    group.addTask { try await Task.sleep(for: .seconds(3)); return false }
                    let first = try await group.next() ?? false
                    group.cancelAll()
                    if !first { try? await channel.close() }
                    return first
                }
                let lasted = ContinuousClock.now - opened
                #expect(closedByServer, "handshake \(handshake): still open after \(lasted)")
                #expect(lasted >= .milliseconds(250), "handshake \(handshake): closed after \(lasted)")
            }
            try await server.withClient(.http1) { client in
                let health = try await server.send(client, .GET, path: "/healthz")
                #expect(health.status == 200)
            }
        }
    }
}
