import Logging
import ServiceLifecycle
import UnixSignals
import SparkConformServer

/// SIGTERM (or SIGINT): drain, then stop gracefully. While draining the
/// server keeps answering and HTTP/1.1 responses say `Connection: close`, so
/// clients stop reusing connections before the graceful stop closes them;
/// the graceful stop then stops accepting and finishes what is in flight.
/// A second signal skips the rest of the drain.
enum GracefulStop {
    static func run(_ app: any Service, drain: Duration, shutdown: ShutdownState, logger: Logger) async throws {
        var configuration = ServiceGroupConfiguration(services: [app], logger: logger)
        // A connection that never closes must not hold the pod until SIGKILL:
        // past this, in-flight work is cancelled and the process exits.
        configuration.maximumGracefulShutdownDuration = .seconds(5)
        let group = ServiceGroup(configuration: configuration)
        try await withThrowingTaskGroup(of: Bool.self) { tasks in
            tasks.addTask {
                try await group.run()
                return true
            }
            tasks.addTask {
                let signals = await UnixSignalsSequence(trapping: .sigterm, .sigint)
                var drainTask: Task<Void, Never>?
                for await signal in signals {
                    if drainTask != nil {
                        logger.notice("second signal: stopping now", metadata: ["signal": "\(signal)"])
                        await group.triggerGracefulShutdown()
                        continue
                    }
                    logger.notice("draining before shutdown", metadata: ["signal": "\(signal)", "seconds": "\(drain)"])
                    shutdown.beginDraining()
                    drainTask = Task {
                        try? await Task.sleep(for: drain)
                        await group.triggerGracefulShutdown()
                    }
                }
                return false
            }
            // The server's end ends everything; the signal watcher is then cancelled.
            while let serverEnded = try await tasks.next() {
                if serverEnded {
                    tasks.cancelAll()
                    return
                }
            }
        }
    }
}
