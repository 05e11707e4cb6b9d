import Synchronization

/// Between SIGTERM and the server's graceful shutdown: still serving, but
/// telling every HTTP/1.1 client to close its connection after the response,
/// so no client sends a request on a connection the server is about to close
/// (the apiserver does not retry a POST that met a closed connection).
public final class ShutdownState: Sendable {
    private let draining = Atomic<Bool>(false)

    public init() {}

    public var isDraining: Bool { draining.load(ordering: .relaxed) }

    public func beginDraining() { draining.store(true, ordering: .relaxed) }
}
