import Metrics
import Prometheus
import SparkConform

/// Prometheus metrics through swift-metrics, on a registry of our own (no
/// process-wide bootstrap, so several servers can live in one test process).
/// Every series is created up front: counting on the hot path is one atomic add.
public final class WebhookMetrics: Sendable {
    /// A decision's outcome, or a request refused before any decision.
    public enum RequestOutcome: Hashable, Sendable {
        case decided(Decision.Outcome)
        case rejected

        public init(_ outcome: Decision.Outcome) { self = .decided(outcome) }

        static let all: [RequestOutcome] = Decision.Outcome.allCases.map(RequestOutcome.decided) + [.rejected]

        var label: String {
            switch self {
            case .decided(let outcome): outcome.rawValue
            case .rejected: "rejected"
            }
        }
    }

    /// Requests the transport turned away before any route ran.
    public enum Refusal: String, CaseIterable, Sendable {
        /// The body had not arrived `requestTimeout` after the headers (408).
        case requestTimeout = "request_timeout"
        /// `POST /preview` beyond the background limit (429).
        case previewsBusy = "previews_busy"
    }

    public let registry: PrometheusCollectorRegistry
    private let requests: [RequestOutcome: Metrics.Counter]
    /// Indexed by `ruleOutcomeIndex`: no key strings built per request.
    private let ruleOutcomes: [Metrics.Counter]
    private let reloads: [String: Metrics.Counter]
    private let certificateReloads: [String: Metrics.Counter]
    private let refusals: [String: Metrics.Counter]
    private let latency: Metrics.Timer
    private let certificateExpiry: Metrics.Gauge
    private let previews: Metrics.Gauge

    static let latencyLabel = "spark_conform_admission_duration_seconds"

    public init() {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // Sub-millisecond buckets: the decision itself takes microseconds.
        factory.durationHistogramBuckets[Self.latencyLabel] = [
            .microseconds(50), .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1),
            .microseconds(2500), .milliseconds(5), .milliseconds(10), .milliseconds(50), .milliseconds(250), .seconds(1),
        ]
        self.registry = registry
        requests = Dictionary(uniqueKeysWithValues: RequestOutcome.all.map {
            ($0, Metrics.Counter(label: "spark_conform_admission_requests_total", dimensions: [("outcome", $0.label)], factory: factory))
        })
        // In table order, statuses inside each rule: the index `ruleOutcomeIndex` computes.
        ruleOutcomes = RuleTable.ids.flatMap { rule in
            Self.statuses.map { status in
                Metrics.Counter(
                    label: "spark_conform_rule_outcomes_total",
                    dimensions: [("rule", rule.rawValue), ("status", status.rawValue)], factory: factory)
            }
        }
        reloads = Dictionary(uniqueKeysWithValues: ["success", "failure"].map {
            ($0, Metrics.Counter(label: "spark_conform_policy_reloads_total", dimensions: [("result", $0)], factory: factory))
        })
        certificateReloads = Dictionary(uniqueKeysWithValues: ["success", "failure"].map {
            ($0, Metrics.Counter(label: "spark_conform_tls_reloads_total", dimensions: [("result", $0)], factory: factory))
        })
        refusals = Dictionary(uniqueKeysWithValues: Refusal.allCases.map {
            ($0.rawValue, Metrics.Counter(label: "spark_conform_http_refusals_total", dimensions: [("reason", $0.rawValue)], factory: factory))
        })
        latency = Metrics.Timer(label: Self.latencyLabel, dimensions: [], factory: factory)
        previews = Metrics.Gauge(label: "spark_conform_previews_pending", dimensions: [], factory: factory)
        certificateExpiry = Metrics.Gauge(label: "spark_conform_tls_certificate_expiry_timestamp_seconds", dimensions: [], factory: factory)
    }

    public func record(_ outcome: RequestOutcome, duration: Duration) {
        requests[outcome]?.increment()
        latency.recordNanoseconds(duration.nanoseconds)
    }

    public func record(_ decision: Decision) {
        for outcome in decision.outcomes {
            ruleOutcomes[Self.ruleOutcomeIndex(outcome.rule, outcome.status)].increment()
        }
    }

    private static let statuses: [RuleOutcome.Status] = [.applied, .satisfied, .skipped]

    private static func ruleOutcomeIndex(_ rule: RuleID, _ status: RuleOutcome.Status) -> Int {
        let statusIndex = statuses.firstIndex(of: status) ?? 0
        return (RuleTable.index(of: rule) ?? 0) * statuses.count + statusIndex
    }

    public func refused(_ reason: Refusal) { refusals[reason.rawValue]?.increment() }

    public func policyReloaded(success: Bool) { reloads[success ? "success" : "failure"]?.increment() }

    public func certificateReloaded(success: Bool) { certificateReloads[success ? "success" : "failure"]?.increment() }

    /// `POST /preview` requests queued or running in the background.
    public func previewsPending(_ count: Int) { previews.record(count) }

    public func certificateExpires(atEpochSeconds seconds: Double) { certificateExpiry.record(seconds) }

    public func exposition() -> [UInt8] { registry.emitToBuffer() }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
