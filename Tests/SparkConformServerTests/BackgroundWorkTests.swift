import Foundation
import NIOCore
import NIOPosix
@testable import SparkConformServer
import Testing

/// The background thread's limit, held deterministically: a job that waits
/// for a signal keeps its slot until released.
@Suite struct BackgroundWorkTests {
    @Test func jobsBeyondTheLimitAreRefusedUntilASlotFrees() async throws {
        let work = BackgroundWork(limit: 1)
        work.start()
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let gate = DispatchSemaphore(value: 0)
        let first = try #require(work.submit(on: loop) {
            gate.wait()
            return .text(.ok, "first")
        })
        #expect(work.submit(on: loop) { .text(.ok, "second") } == nil)
        gate.signal()
        let reply = try await first.get()
        #expect(String(buffer: reply.body) == "first")
        // The slot is free again once the first has answered.
        let third = try #require(work.submit(on: loop) { .text(.ok, "third") })
        #expect(String(buffer: try await third.get().body) == "third")
        await work.stop()
    }
}
