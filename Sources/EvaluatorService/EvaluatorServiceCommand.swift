import AlertSinks
import Foundation
import ArgumentParser
import AuditPipeline
import AuditWebhook
import EvaluationService
import GRPCKit
import Logging
import PspctlProtocol
import RulesEngine
import ServiceHTTP
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

        Audit webhook: with --webhook-rules FILE (repeatable, loaded in order as pspctl watch --rules) and \
        --http-listen, POST /k8s-audit takes the Kubernetes API server's audit webhook batches (an \
        audit.k8s.io/v1 EventList, or one Event, as JSON), queues them and answers 200 at once; a worker \
        evaluates them in arrival order and writes their alerts to stdout as Falco JSON lines. A full queue \
        (--webhook-queue-requests, --webhook-queue-bytes) is answered 503 so the API server retries; a body \
        that is not JSON or not audit events 400, one over --webhook-max-body-bytes 413, a missing or wrong \
        bearer token (--webhook-token-file) 401. On SIGTERM every accepted request is evaluated before exit. \
        Without --webhook-rules or --webhook-rule-set, POST /k8s-audit answers 404. The webhook's alerts also         go to the sinks of --alerts-file and --alerts-http (as pspctl watch's: appended file, falcosidekick's         JSON POSTs with retries); what a sink did not get by the end of the shutdown drain is logged as a warning.

        Instead of files, --webhook-rule-set ID names a rule set by its id (what LoadRuleSet answers, e.g.         for the compiled rule set ConverterService made): the webhook answers 503 (the API server retries)         until a client loads that set with LoadRuleSet; from then on it is evaluated against it, and the set         stays loaded (never dropped for room; DeleteRuleSet is refused with FAILED_PRECONDITION).

        HTTP TLS: --http-tls-cert and --http-tls-key serve the whole HTTP listener over https (TLS 1.2 or \
        later, the system OpenSSL). With --http-tls-client-ca too, clients are asked for a certificate: \
        one that CA did not sign fails the TLS handshake; a request without one is answered 403 on \
        /k8s-audit (checked before the bearer token), while /metrics, /healthz and /readyz still answer \
        (kubelet probes with scheme: HTTPS present none).

        Examples:
          EvaluatorService                                   # 127.0.0.1:50052
          EvaluatorService --listen 0.0.0.0:50052 --max-rule-sets 32
          EvaluatorService --max-concurrent-streams 32 --shutdown-grace 30
          EvaluatorService --workers 1                       # one core per stream, as a 1-CPU replica
          EvaluatorService --listen 0.0.0.0:50052 --tls-cert server.pem --tls-key server.key --tls-client-ca ca.pem
          EvaluatorService --http-listen 0.0.0.0:9092         # then: curl 127.0.0.1:9092/metrics
          EvaluatorService --http-listen 0.0.0.0:9092 --webhook-rules k8s_audit_rules.yaml --webhook-token-file token
          EvaluatorService --http-listen 0.0.0.0:9092 --webhook-rules k8s_audit_rules.yaml --alerts-http http://falcosidekick:2801/
          EvaluatorService --http-listen 0.0.0.0:9092 --webhook-rule-set 6f1c…e2   # 503 until LoadRuleSet loads it
          EvaluatorService --http-listen 0.0.0.0:9092 --webhook-rules k8s_audit_rules.yaml \\
            --http-tls-cert server.pem --http-tls-key server.key --http-tls-client-ca apiserver-ca.pem
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

    @Option(name: .customLong("webhook-rules"),
            help: ArgumentHelp("Serve the audit webhook (POST /k8s-audit on --http-listen), evaluating its events against this rules file (or directory); repeatable, loaded in order.",
                               valueName: "file"),
            completion: .file(extensions: ["yaml", "yml"]))
    var webhookRules: [String] = []

    @Option(name: .customLong("webhook-rule-set"),
            help: ArgumentHelp("Serve the audit webhook against the rule set of this id once LoadRuleSet loads it (503 until then); instead of --webhook-rules.",
                               valueName: "id"))
    var webhookRuleSet: String?

    @OptionGroup(title: "Audit webhook (with --webhook-rules or --webhook-rule-set)")
    var webhook: WebhookOptions

    @OptionGroup(title: "Sinks for the webhook's alerts (with --webhook-rules or --webhook-rule-set)")
    var alertSinks: AlertSinkOptions

    /// The process's one EvaluatorService: made by `register`, its rule sets used by the webhook's routes.
    private let evaluator = EvaluatorHolder()

    private enum CodingKeys: String, CodingKey {
        case service, maxRuleSets, workers, webhookRules, webhookRuleSet, webhook, alertSinks
    }

    private var webhookOn: Bool { !webhookRules.isEmpty || webhookRuleSet != nil }

    func validate() throws {
        if !webhookRules.isEmpty, webhookRuleSet != nil {
            throw ValidationError("--webhook-rules and --webhook-rule-set both name the webhook's rules: give one")
        }
        if let webhookRuleSet, webhookRuleSet.isEmpty || webhookRuleSet.contains(where: \.isWhitespace) {
            throw ValidationError("--webhook-rule-set needs a rule set id (what LoadRuleSet answers)")
        }
        if webhookOn, service.httpListen == nil {
            throw ValidationError("\(webhookRules.isEmpty ? "--webhook-rule-set" : "--webhook-rules") needs --http-listen: the webhook is served on the HTTP listener")
        }
        if !webhookOn, webhook.anyGiven {
            throw ValidationError("the --webhook-… options need --webhook-rules or --webhook-rule-set (the rules webhook events are evaluated against)")
        }
        if !webhookOn, alertSinks.anyGiven {
            throw ValidationError("--alerts-file and --alerts-http take the webhook's alerts: they need --webhook-rules or --webhook-rule-set (Evaluate streams' alerts go back to their clients)")
        }
        guard maxRuleSets > 0 else { throw ValidationError("--max-rule-sets must be positive") }
        if let workers, workers < 1 { throw ValidationError("--workers must be positive") }
    }

    func register(on server: Server, health: HealthStatusBoard, logger: Logger, metrics: ServiceMetrics) throws {
        var configuration = EvaluatorService.Configuration(maxRuleSets: maxRuleSets)
        if let workers { configuration.workers = workers }
        let service = EvaluatorService(configuration: configuration, logger: logger, metrics: EvaluatorMetrics(metrics))
        service.register(on: server)
        evaluator.service = service
    }

    func addHTTPRoutes(to router: inout HTTPRouter, logger: Logger, metrics: ServiceMetrics) throws -> (@Sendable () -> Void)? {
        guard webhookOn else {
            // The body is read (within the webhook's usual limit) so that an API server pointed here gets
            // this 404 and its reason, not a 413.
            router.add("POST", AuditWebhook.path, maxBodyBytes: webhook.maxBodyBytes) { _ in
                .text(404, "the audit webhook is off: start EvaluatorService with --webhook-rules FILE or --webhook-rule-set ID")
            }
            logger.info("audit webhook off: POST \(AuditWebhook.path) answers 404 (no --webhook-rules or --webhook-rule-set)")
            return nil
        }
        let configuration = try webhook.configuration()
        let sinks = try alertSinks.open()
        for warning in sinks?.warnings ?? [] { logger.warning("\(warning)") }
        @Sendable func writer(_ engine: RulesEngine) -> WebhookAlertWriter {
            if let warning = RuleSourceCheck.noAuditRulesWarning(engine) { logger.warning("\(warning)") }
            return WebhookAlertWriter(evaluator: ItemEvaluator(engine: engine, allMatches: false),
                                      formatter: AlertFormatter(style: .json), sinks: sinks) { reason in
                logger.warning("a queued webhook request could not be evaluated to its end", metadata: ["reason": "\(reason)"])
            }
        }
        let target: WebhookTarget
        var described: Logger.Metadata
        if let id = webhookRuleSet {
            guard let service = evaluator.service else { throw WebhookSetupError(description: "the evaluator is not registered") }
            target = WebhookTarget(waitingReason: "the webhook's rule set \(id) is not loaded yet (LoadRuleSet it)")
            service.serveWebhook(ruleSetID: id) { engine in
                if target.set(writer(engine)) {
                    logger.info("audit webhook rule set loaded: POST \(AuditWebhook.path) is evaluated against it",
                                metadata: ["rule_set": "\(id)", "rule_count": "\(engine.rules.count)"])
                }
            }
            described = ["rule_set": "\(id)", "state": "\(target.writer == nil ? "503 until LoadRuleSet loads it" : "loaded")"]
        } else {
            let engine = try WebhookRules.load(files: webhookRules) { logger.warning("rules warning", metadata: ["warning": "\($0)"]) }
            target = WebhookTarget(writer: writer(engine))
            described = ["rules": "\(webhookRules.joined(separator: ","))", "rule_count": "\(engine.rules.count)"]
        }
        let audit = AuditWebhook(configuration: configuration, target: target, metrics: WebhookMetrics(metrics))
        audit.install(on: &router)
        described.merge(["auth": "\(configuration.bearerToken == nil ? "none" : "bearer")",
                         "queue_requests": "\(configuration.maxQueuedBodies)", "queue_bytes": "\(configuration.maxQueuedBytes)"]) { a, _ in a }
        logger.info("audit webhook on: POST \(AuditWebhook.path)", metadata: described)
        return {
            audit.finish()
            let counts = target.writer?.counts ?? PipelineCounts(ruleCount: 0)
            logger.info("audit webhook drained", metadata: ["requests": "\(counts.lines)", "events": "\(counts.events)",
                                                           "alerts": "\(counts.alerts)"])
            if let sinks {
                let (messages, _) = sinks.finish(prefix: "")
                for message in messages.split(separator: "\n") { logger.warning("\(message)") }
            }
        }
    }

    static func main() { ServiceMain.main(Self.self) }
}

/// The EvaluatorService `register` made, for `addHTTPRoutes` (called after it, on the same command value).
final class EvaluatorHolder: @unchecked Sendable {
    // Invariant: `current` is touched under `lock` only.
    private let lock = NSLock()
    private var current: EvaluatorService?
    var service: EvaluatorService? {
        get { lock.withLock { current } }
        set { lock.withLock { current = newValue } }
    }
}

struct WebhookSetupError: Error, CustomStringConvertible {
    var description: String
}

extension WebhookMetrics: WebhookMetricsSink {}

/// ServiceMetrics' Prometheus families take EvaluationService's reports as they are.
extension EvaluatorMetrics: EvaluationMetricsSink {}
