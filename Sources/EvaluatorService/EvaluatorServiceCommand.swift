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

        Logs are key=value lines on stderr. SIGINT or SIGTERM: health turns NOT_SERVING, calls in flight \
        get --grace seconds, exit 0. Exit 2 on bad usage or when the address cannot be bound.

        With --http-listen HOST:PORT, an HTTP listener serves Prometheus metrics at /metrics (pspctl_…), \
        liveness at /healthz and readiness at /readyz (503 from the start of shutdown).

        Examples:
          EvaluatorService                                   # 127.0.0.1:50052
          EvaluatorService --listen 0.0.0.0:50052 --max-rule-sets 32
          EvaluatorService --http-listen 0.0.0.0:9092         # then: curl 127.0.0.1:9092/metrics
          pspctl watch --rules k8s_audit_rules.yaml --audit-log audit.jsonl --evaluator 127.0.0.1:50052
        """)

    static let defaultListen = "127.0.0.1:50052"
    static let servedServices = [ServiceName.evaluator]

    @OptionGroup var service: ServiceOptions

    @Option(name: .customLong("max-rule-sets"), help: ArgumentHelp("Rule sets kept loaded (least recently used dropped first).", valueName: "n"))
    var maxRuleSets = 16

    @Option(name: .customLong("max-message-bytes"), help: ArgumentHelp("Largest message accepted or sent (RESOURCE_EXHAUSTED above).", valueName: "n"))
    var maxMessageBytes = 64 << 20

    func validate() throws {
        guard maxRuleSets > 0 else { throw ValidationError("--max-rule-sets must be positive") }
        guard maxMessageBytes > 0 else { throw ValidationError("--max-message-bytes must be positive") }
    }

    func configure(_ options: inout ServerOptions) {
        options.maxReceiveMessageBytes = maxMessageBytes
        options.maxSendMessageBytes = maxMessageBytes
        options.sendQueueCapacity = 8
        options.receivePrefetch = 4
    }

    func register(on server: Server, health: HealthStatusBoard, logger: Logger, metrics: ServiceMetrics) throws {
        EvaluatorService(configuration: .init(maxRuleSets: maxRuleSets), logger: logger,
                         metrics: EvaluatorMetrics(metrics)).register(on: server)
    }

    static func main() { ServiceMain.main(Self.self) }
}

/// ServiceMetrics' Prometheus families take EvaluationService's reports as they are.
extension EvaluatorMetrics: EvaluationMetricsSink {}
