import ServiceLifecycle

/// Writes out the buffered audit log on a short interval, so a quiet webhook's
/// last decisions reach the log within `interval` rather than when the buffer fills.
struct AuditFlusher: Service {
    let writer: LineWriter
    let interval: Duration

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while true {
                try await Task.sleep(for: interval)
                writer.flush()
            }
        }
        writer.flush()
    }
}
