import ServiceHTTP
import ServiceMetrics

/// What a service's HTTP listener (`--http-listen`) serves:
///
/// - `GET /metrics`: every metric in the Prometheus text format;
/// - `GET /healthz`: liveness, 200 `ok` while the process serves HTTP at all;
/// - `GET /readyz`: readiness, 200 `ready` once the gRPC server is started and SERVING, 503 before that
///   and from the moment shutdown begins (SIGTERM), so a load balancer stops sending new calls during the
///   grace period while the calls in flight finish.
///
/// More routes (the audit webhook) can be added to the router the same way.
public enum ServiceEndpoints {
    public static func router(metrics: ServiceMetrics, health: HealthStatusBoard) -> HTTPRouter {
        var router = HTTPRouter()
        router.add("GET", "/metrics") { _ in
            HTTPResponse(status: 200, headers: [("Content-Type", ServiceMetrics.contentType)], body: metrics.exposition())
        }
        router.add("GET", "/healthz") { _ in .text(200, "ok") }
        router.add("GET", "/readyz") { _ in
            let status = health.status(of: "")
            return status == .serving ? .text(200, "ready") : .text(503, "not ready: \(status.map { "\($0)" } ?? "starting")")
        }
        return router
    }
}
