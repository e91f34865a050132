import Prometheus

/// The audit webhook's metrics (EvaluatorService `POST /k8s-audit`). Its methods are exactly
/// AuditWebhook's `WebhookMetricsSink` (the executable declares the conformance).
///
/// `code` is the HTTP status the webhook answered (200, 400, 401, 503); the router's own 405 and 413
/// answers are not counted here.
public final class WebhookMetrics: Sendable {
    private let registry: PrometheusCollectorRegistry
    private let accepted: Counter
    private let evaluated: Counter
    private let alerts: Counter
    private let depth: Gauge
    private let bytes: Gauge

    private static var requests: MetricNameDescriptor { descriptor("webhook", "requests", "total",
                                              "POST /k8s-audit requests, by the HTTP status answered (503: the queue was full).") }

    public init(_ metrics: ServiceMetrics) {
        registry = metrics.registry
        accepted = registry.makeCounter(descriptor: descriptor("webhook", "events_accepted", "total",
                                                               "Audit events in webhook requests answered 200 (queued)."))
        evaluated = registry.makeCounter(descriptor: descriptor("webhook", "events_evaluated", "total",
                                                                "Audit events of queued webhook requests evaluated."))
        alerts = registry.makeCounter(descriptor: descriptor("webhook", "alerts", "total", "Alerts of webhook events."))
        depth = registry.makeGauge(descriptor: descriptor("webhook", "queue_depth", "",
                                                          "Webhook requests queued, waiting to be evaluated."))
        bytes = registry.makeGauge(descriptor: descriptor("webhook", "queue", "bytes",
                                                          "Bytes of webhook requests held (waiting or being evaluated)."))
        // Every series exists from the start (a scrape before the first request sees zeros).
        for code in ["200", "503"] { registry.makeCounter(descriptor: Self.requests, labels: [("code", code)]).increment(by: Int64(0)) }
    }

    public func webhookRequest(code: Int) {
        registry.makeCounter(descriptor: Self.requests, labels: [("code", "\(code)")]).increment()
    }

    public func webhookEventsAccepted(_ events: Int) { accepted.increment(by: Int64(events)) }

    public func webhookEventsEvaluated(_ events: Int, alerts: Int) {
        evaluated.increment(by: Int64(events))
        self.alerts.increment(by: Int64(alerts))
    }

    public func webhookQueueDepth(bodies: Int, bytes: Int) {
        depth.set(Int64(bodies))
        self.bytes.set(Int64(bytes))
    }
}
