import NIOCore
import Synchronization

/// The open connections, so a graceful stop can ask each to finish (NIO's
/// quiesce event: an idle HTTP/1.1 connection closes, a busy one closes after
/// its response, HTTP/2 sends GOAWAY and closes when its streams end) and
/// wait until all are gone, or close them outright when the time is up.
final class ConnectionRegistry: Sendable {
    private struct State {
        var channels: [ObjectIdentifier: any Channel] = [:]
        var quiescing = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    func add(_ channel: any Channel) {
        let id = ObjectIdentifier(channel)
        let lateArrival = state.withLock { state in
            state.channels[id] = channel
            return state.quiescing
        }
        if lateArrival { Self.quiesce(channel) }
        channel.closeFuture.whenComplete { _ in self.remove(id) }
    }

    func quiesceAll() {
        let channels = state.withLock { state in
            state.quiescing = true
            return Array(state.channels.values)
        }
        channels.forEach(Self.quiesce)
        resumeWaitersIfEmpty()
    }

    func closeAll() {
        state.withLock { Array($0.channels.values) }.forEach { $0.close(promise: nil) }
    }

    /// Returns once every connection has closed after `quiesceAll`.
    func waitUntilAllClosed() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLock { state in
                if state.channels.isEmpty { return true }
                state.waiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
    }

    private func remove(_ id: ObjectIdentifier) {
        state.withLock { _ = $0.channels.removeValue(forKey: id) }
        resumeWaitersIfEmpty()
    }

    private func resumeWaitersIfEmpty() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            guard state.channels.isEmpty else { return [] }
            defer { state.waiters = [] }
            return state.waiters
        }
        waiters.forEach { $0.resume() }
    }

    private static func quiesce(_ channel: any Channel) {
        channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
    }
}
