import GRPCKit
import Prometheus

/// The Prometheus metrics of one service process: one registry, the gRPC server's call metrics (set
/// `calls` as `ServerOptions.callObserver`) and the service's own families (`EvaluatorMetrics`,
/// `ConverterMetrics`), all named `pspctl_…`. `exposition()` is the text `/metrics` serves.
public final class ServiceMetrics: Sendable {
    /// The Prometheus text exposition format's content type.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    public let registry: PrometheusCollectorRegistry
    public let calls: GRPCCallMetrics

    public init() {
        registry = PrometheusCollectorRegistry()
        calls = GRPCCallMetrics(registry: registry)
    }

    /// Every metric in the Prometheus text format.
    public func exposition() -> [UInt8] { registry.emitToBuffer() }
}

/// Latency buckets (seconds) from half a millisecond to a minute.
let latencyBuckets: [Duration] = [
    .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
    .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5),
    .seconds(5), .seconds(10), .seconds(30), .seconds(60),
]

func descriptor(_ subsystem: String, _ name: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
    MetricNameDescriptor(namespace: "pspctl", subsystem: subsystem, metricName: name, unitName: unit, helpText: help)
}

/// gRPC calls by method and status: a `ServerCallObserver`.
///
/// A path the server does not serve is counted under `method="unknown"`, so clients cannot create series
/// by calling made-up paths; `code` is one of gRPC's 17 status names. Both label sets are thus bounded by
/// the methods the service registers.
public final class GRPCCallMetrics: ServerCallObserver {
    /// The `method` label of calls to paths the server does not serve.
    public static let unknownMethod = "unknown"

    private let registry: PrometheusCollectorRegistry
    private static var started: MetricNameDescriptor { descriptor("grpc_server", "started", "total", "gRPC calls the server accepted, by method.") }
    private static var handled: MetricNameDescriptor { descriptor("grpc_server", "handled", "total",
                                            "gRPC calls that ended, by method and status code (the status sent, or CANCELLED, DEADLINE_EXCEEDED or UNAVAILABLE for calls cut short).") }
    private static var active: MetricNameDescriptor { descriptor("grpc_server", "active_calls", "", "gRPC calls (unary and streams) in progress, by method.") }
    private static var seconds: MetricNameDescriptor { descriptor("grpc_server", "handling", "seconds", "Time from a call's arrival to its end, by method.") }

    init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
    }

    private static func label(_ method: String, _ isRegistered: Bool) -> String {
        isRegistered ? method : unknownMethod
    }

    public func callStarted(method: String, isRegistered: Bool) {
        let labels = [("method", Self.label(method, isRegistered))]
        registry.makeCounter(descriptor: Self.started, labels: labels).increment()
        registry.makeGauge(descriptor: Self.active, labels: labels).increment()
    }

    public func callEnded(method: String, isRegistered: Bool, code: StatusCode, duration: Duration) {
        let method = Self.label(method, isRegistered)
        registry.makeGauge(descriptor: Self.active, labels: [("method", method)]).decrement()
        registry.makeCounter(descriptor: Self.handled, labels: [("method", method), ("code", code.description)]).increment()
        registry.makeDurationHistogram(descriptor: Self.seconds, labels: [("method", method)], buckets: latencyBuckets)
            .record(duration)
    }
}
