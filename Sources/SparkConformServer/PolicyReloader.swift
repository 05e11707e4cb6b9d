import Logging
import SparkConform

/// Swaps in a changed policy file; a policy that fails to load is refused,
/// logged and counted, and the last good one keeps serving.
enum PolicyReloader {
    static func poller(
        path: String, initialContent: String, interval: Duration, store: PolicyStore, metrics: WebhookMetrics, logger: Logger
    ) -> FilePoller {
        FilePoller(paths: [path], initialContents: [initialContent], interval: interval) { contents in
            do {
                store.replace(with: try PolicyLoader.load(yaml: contents[0]))
                metrics.policyReloaded(success: true)
                logger.info("policy reloaded", metadata: ["file": "\(path)"])
            } catch {
                metrics.policyReloaded(success: false)
                logger.error(
                    "policy refused; the previous policy keeps serving",
                    metadata: ["file": "\(path)", "error": "\(error)"])
            }
        }
    }
}
