import NIOCore
import NIOPosix
import Synchronization

/// Work too long for an event loop (`POST /preview` of a large file), run on
/// one thread of its own so admissions on the event loops never wait behind
/// it. At most `limit` requests are queued or running; more are refused at
/// once, so a burst of large previews cannot pile their bodies up in memory.
final class BackgroundWork: Sendable {
    private let pool = NIOThreadPool(numberOfThreads: 1)
    private let pending = Atomic<Int>(0)
    let limit: Int
    /// Told the number queued or running whenever it changes (a metric).
    private let pendingChanged: @Sendable (Int) -> Void

    init(limit: Int, pendingChanged: @escaping @Sendable (Int) -> Void = { _ in }) {
        self.limit = limit
        self.pendingChanged = pendingChanged
    }

    func start() { pool.start() }

    func stop() async { try? await pool.shutdownGracefully() }

    /// The reply, completed on `eventLoop`; nil when `limit` requests are already pending.
    func submit(on eventLoop: any EventLoop, _ work: @escaping @Sendable () -> WebhookReply) -> EventLoopFuture<WebhookReply>? {
        guard pending.add(1, ordering: .relaxed).newValue <= limit else {
            pending.subtract(1, ordering: .relaxed)
            return nil
        }
        pendingChanged(pending.load(ordering: .relaxed))
        let reply = pool.runIfActive(eventLoop: eventLoop, work)
        reply.whenComplete { _ in self.pendingChanged(self.pending.subtract(1, ordering: .relaxed).newValue) }
        return reply
    }
}
