import Prometheus
import Synchronization

/// EvaluatorService's own metrics. Its methods are exactly EvaluationService's `EvaluationMetricsSink`
/// (the executable declares the conformance), so EvaluationService never sees Prometheus.
///
/// `pspctl_evaluator_alerts_total` is labelled by `rule` and `priority`. Rule names come from rules files
/// clients load, so the `rule` label is bounded: the first `maxRuleLabels` (256) distinct names get their
/// own series; later names, and names longer than 200 characters, are counted under `rule="_other"`.
/// `priority` is one of Falco's eight names.
public final class EvaluatorMetrics: Sendable {
    public static let otherRule = "_other"
    public static let maxRuleLabels = 256
    static let maxRuleNameLength = 200

    private let registry: PrometheusCollectorRegistry
    private let streams: Gauge
    private let items: Counter
    private let events: Counter
    private let rejected: Counter
    private let batchSeconds: DurationHistogram
    private let cached: Gauge
    private let ruleNames: BoundedLabelValues

    private static var alerts: MetricNameDescriptor { descriptor("evaluator", "alerts", "total",
                                           "Alerts sent, by rule and priority (rules beyond the first 256 names: rule=\"_other\").") }
    private static var loads: MetricNameDescriptor { descriptor("evaluator", "rule_set_loads", "total",
                                          "LoadRuleSet calls, by source (files, compiled) and outcome (loaded, cached, rejected).") }

    public init(_ metrics: ServiceMetrics) {
        registry = metrics.registry
        streams = registry.makeGauge(descriptor: descriptor("evaluator", "streams_active", "",
                                                            "Evaluate streams in progress (past their start message)."))
        items = registry.makeCounter(descriptor: descriptor("evaluator", "items_received", "total",
                                                            "Event items received in Evaluate batches."))
        events = registry.makeCounter(descriptor: descriptor("evaluator", "events_evaluated", "total",
                                                             "Kubernetes audit events evaluated (an item may hold an EventList)."))
        rejected = registry.makeCounter(descriptor: descriptor("evaluator", "items_rejected", "total",
                                                               "Items answered with an error (not an audit event, not JSON …)."))
        batchSeconds = registry.makeDurationHistogram(
            descriptor: descriptor("evaluator", "batch_duration", "seconds", "Time to evaluate one Evaluate batch."),
            buckets: latencyBuckets)
        cached = registry.makeGauge(descriptor: descriptor("evaluator", "rule_sets_cached", "", "Rule sets in the cache."))
        ruleNames = BoundedLabelValues(limit: Self.maxRuleLabels, maxLength: Self.maxRuleNameLength, other: Self.otherRule)
    }

    public func evaluateStreamOpened() { streams.increment() }

    public func evaluateStreamClosed() { streams.decrement() }

    public func batchEvaluated(items: Int, events: Int, rejectedItems: Int,
                               alerts: [(rule: String, priority: String, count: Int)], duration: Duration) {
        self.items.increment(by: Int64(items))
        self.events.increment(by: Int64(events))
        rejected.increment(by: Int64(rejectedItems))
        batchSeconds.record(duration)
        for alert in alerts where alert.count > 0 {
            registry.makeCounter(descriptor: Self.alerts,
                                 labels: [("rule", ruleNames.value(alert.rule)), ("priority", alert.priority)])
                .increment(by: Int64(alert.count))
        }
    }

    public func ruleSetsCached(_ count: Int) { cached.set(Int64(count)) }

    public func ruleSetLoad(source: String, outcome: String) {
        registry.makeCounter(descriptor: Self.loads, labels: [("source", source), ("outcome", outcome)]).increment()
    }
}

/// ConverterService's own metrics.
public final class ConverterMetrics: Sendable {
    private let registry: PrometheusCollectorRegistry
    private static var seconds: MetricNameDescriptor { descriptor("converter", "convert_duration", "seconds",
                                            "Time to convert one policy, by input (psp, pss, none) and outcome (ok, error).") }

    public init(_ metrics: ServiceMetrics) {
        registry = metrics.registry
    }

    /// One Convert call's conversion: `input` is `psp`, `pss` or `none` (no policy in the request),
    /// `succeeded` false for a refused policy.
    public func converted(input: String, succeeded: Bool, duration: Duration) {
        registry.makeDurationHistogram(descriptor: Self.seconds,
                                       labels: [("input", input), ("outcome", succeeded ? "ok" : "error")],
                                       buckets: latencyBuckets)
            .record(duration)
    }
}

/// Label values taken from clients' data, kept to a bounded set: the first `limit` distinct values (at
/// most `maxLength` characters each) are used as they are; every other value reads as `other`.
final class BoundedLabelValues: Sendable {
    private let limit: Int
    private let maxLength: Int
    private let other: String
    private let seen = Mutex<Set<String>>([])

    init(limit: Int, maxLength: Int, other: String) {
        self.limit = limit
        self.maxLength = maxLength
        self.other = other
    }

    func value(_ candidate: String) -> String {
        guard candidate.count <= maxLength, candidate != other else { return other }
        return seen.withLock { seen in
            if seen.contains(candidate) { return candidate }
            guard seen.count < limit else { return other }
            seen.insert(candidate)
            return candidate
        }
    }
}
