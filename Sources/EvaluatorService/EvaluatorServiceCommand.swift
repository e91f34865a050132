import ArgumentParser
import EvaluationService
import GRPCKit
import Logging
import PspctlProtocol
import ServiceMetrics
import ServiceRuntime

/// `EvaluatorService`: `pspctl.v1.Evaluator` with health and reflection, on ServiceRuntime. Thin: its
/// own options and the handlers; the service is EvaluationService's.
@main
struct EvaluatorServiceCommand: ServiceCommand {
    static let configuration = CommandConfiguration(
        commandName: "EvaluatorService",
        abstract: "Serve pspctl.v1.Evaluator: load rule sets, evaluate streamed audit events, stream alerts back.",
        discussion: """
        LoadRuleSet takes rules files in load order (Falco's own work) or a compiled rule set from \
        ConverterService, validated before use; sets are cached by id (least recently used dropped beyond \
        --max-rule-sets). Evaluate streams k8s audit events in and every item's alerts or error out, in \
        order. The server also serves grpc.health.v1.Health and server reflection (grpc.reflection.v1alpha).

        Limits: --max-message-bytes bounds a message (RESOURCE_EXHAUSTED above); --max-concurrent-streams \
        bounds the calls running at once (one more is refused at once with RESOURCE_EXHAUSTED; health \
        checks never are); --stream-window bounds what one stream buffers, so a stream holds at most \
        (2 × window + 2) × --max-message-bytes of messages. Keepalive: the server pings idle \
        connections every --keepalive-interval seconds and accepts clients' pings every \
        --min-client-ping-interval seconds (pspctl pings every 10 s).

        Logs are key=value lines on stderr. SIGINT or SIGTERM: health turns NOT_SERVING at once, new \
        calls are refused with UNAVAILABLE, each Evaluate stream answers the batches it has already \
        read and ends with UNAVAILABLE ("the server is shutting down"); what still runs after \
        --shutdown-grace seconds is cancelled; exit 0. Exit 2 on bad usage or when the address cannot \
        be bound.

        TLS: --tls-cert and --tls-key (PEM); with --tls-client-ca too, mutual TLS (clients must present a \
        certificate that CA signed). Without TLS on an address other than loopback, a warning is logged. \
        A TLS file that cannot be used (missing, not PEM, a key that does not match its certificate) is exit 2.

        With --http-listen HOST:PORT, an HTTP listener serves Prometheus metrics at /metrics (pspctl_…), \
        liveness at /healthz and readiness at /readyz (503 from the start of shutdown).

        Examples:
          EvaluatorService                                   # 127.0.0.1:50052
          EvaluatorService --listen 0.0.0.0:50052 --max-rule-sets 32
          EvaluatorService --max-concurrent-streams 32 --shutdown-grace 30
          EvaluatorService --workers 1                       # one core per stream, as a 1-CPU replica
          EvaluatorService --listen 0.0.0.0:50052 --tls-cert server.pem --tls-key server.key --tls-client-ca ca.pem
          EvaluatorService --http-listen 0.0.0.0:9092         # then: curl 127.0.0.1:9092/metrics
          pspctl watch --rules k8s_audit_rules.yaml --audit-log audit.jsonl --evaluator 127.0.0.1:50052
          pspctl watch --rules k8s_audit_rules.yaml --audit-log audit.jsonl --evaluator evaluator.example:50052 \\
            --tls-ca ca.pem --tls-cert client.pem --tls-key client.key
        """)

    static let defaultListen = "127.0.0.1:50052"
    static let servedServices = [ServiceName.evaluator]

    @OptionGroup var service: ServiceOptions

    @Option(name: .customLong("max-rule-sets"), help: ArgumentHelp("Rule sets kept loaded (least recently used dropped first).", valueName: "n"))
    var maxRuleSets = 16

    @Option(name: .customLong("workers"),
            help: ArgumentHelp("Cores one Evaluate stream's batches are spread over (default: the cores this process may use, capped by its cgroup's CPU quota).",
                               valueName: "n"))
    var workers: Int?

    func validate() throws {
        guard maxRuleSets > 0 else { throw ValidationError("--max-rule-sets must be positive") }
        if let workers, workers < 1 { throw ValidationError("--workers must be positive") }
    }

    func register(on server: Server, health: HealthStatusBoard, logger: Logger, metrics: ServiceMetrics) throws {
        var configuration = EvaluatorService.Configuration(maxRuleSets: maxRuleSets)
        if let workers { configuration.workers = workers }
        EvaluatorService(configuration: configuration, logger: logger,
                         metrics: EvaluatorMetrics(metrics)).register(on: server)
    }

    static func main() { ServiceMain.main(Self.self) }
}

/// ServiceMetrics' Prometheus families take EvaluationService's reports as they are.
extension EvaluatorMetrics: EvaluationMetricsSink {}
