import Foundation
import Logging
import ServiceLifecycle
import SparkConform

/// Reloads the policy file when its content changes. Polling the content
/// (not inotify) follows a ConfigMap mount, which swaps a `..data` symlink
/// rather than writing the file. A policy that fails to load is refused,
/// logged and counted; the last good one keeps serving.
public struct PolicyWatcher: Service {
    let path: String
    let interval: Duration
    let store: PolicyStore
    let metrics: WebhookMetrics
    let logger: Logger
    let initialContent: String

    public init(path: String, initialContent: String, interval: Duration, store: PolicyStore, metrics: WebhookMetrics, logger: Logger) {
        self.path = path
        self.initialContent = initialContent
        self.interval = interval
        self.store = store
        self.metrics = metrics
        self.logger = logger
    }

    public func run() async throws {
        var lastSeen = initialContent
        while !Task.isCancelledOrShuttingDown {
            try? await Task.sleep(for: interval)
            guard let content = try? String(contentsOfFile: path, encoding: .utf8) else {
                // Mid-swap or removed: keep serving, look again next time.
                continue
            }
            guard content != lastSeen else { continue }
            lastSeen = content
            do {
                store.replace(with: try PolicyLoader.load(yaml: content))
                metrics.policyReloaded(success: true)
                logger.info("policy reloaded", metadata: ["file": "\(path)"])
            } catch {
                metrics.policyReloaded(success: false)
                logger.error(
                    "policy refused; the previous policy keeps serving",
                    metadata: ["file": "\(path)", "error": "\(error.description)"])
            }
        }
    }
}

extension Task where Success == Never, Failure == Never {
    static var isCancelledOrShuttingDown: Bool { isCancelled || isShuttingDownGracefully }
}
