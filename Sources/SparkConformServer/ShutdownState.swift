import HTTPTypes
import Hummingbird
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

struct DrainingMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext
    let shutdown: ShutdownState

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        // HTTP/1.1 requests come through Hummingbird's codec with scheme "http"
        // (h2 ones carry :scheme https); `Connection` is forbidden in h2, where
        // GOAWAY does this job.
        if shutdown.isDraining, request.head.scheme == "http" {
            response.headers[.connection] = "close"
        }
        return response
    }
}
