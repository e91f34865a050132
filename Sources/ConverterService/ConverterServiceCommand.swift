import ArgumentParser
import GRPCKit
import Logging
import PspctlProtocol
import ServiceMetrics
import ServiceRuntime

/// `ConverterService`: `pspctl.v1.Converter` with health and reflection, on ServiceRuntime.
@main
struct ConverterServiceCommand: ServiceCommand {
    static let configuration = CommandConfiguration(
        commandName: "ConverterService",
        abstract: "Serve pspctl.v1.Converter: policies in, compiled Falco rule sets out, over gRPC.",
        discussion: """
        Convert takes a PodSecurityPolicy (YAML text) or a Pod Security Standards level with its \
        exemptions and answers a CompiledRuleSet: the rules file `pspctl convert` writes, every rule with \
        its condition expanded as a tree, the summary and warnings, and a content-addressed id. Errors are \
        INVALID_ARGUMENT with the message `pspctl convert` prints. The server also serves \
        grpc.health.v1.Health and server reflection (grpc.reflection.v1alpha).

        A Convert that runs longer than the sooner of the client's deadline and --convert-deadline ends \
        with DEADLINE_EXCEEDED. Limits: --max-message-bytes bounds a message (RESOURCE_EXHAUSTED above); \
        --max-concurrent-streams bounds the calls running at once, and the conversions still running \
        after their deadline count against it too (one more is refused with RESOURCE_EXHAUSTED; health \
        checks never are).

        Logs are key=value lines on stderr. SIGINT or SIGTERM: health turns NOT_SERVING at once, new \
        calls are refused with UNAVAILABLE, calls in flight get --shutdown-grace seconds to finish (then \
        are cancelled with UNAVAILABLE), exit 0. Exit 2 on bad usage or when the address cannot be bound.

        TLS: --tls-cert and --tls-key (PEM); with --tls-client-ca too, mutual TLS (clients must present a \
        certificate that CA signed). Without TLS on an address other than loopback, a warning is logged. \
        A TLS file that cannot be used (missing, not PEM, a key that does not match its certificate) is exit 2.

        With --http-listen HOST:PORT, an HTTP listener serves Prometheus metrics at /metrics (pspctl_…), \
        liveness at /healthz and readiness at /readyz (503 from the start of shutdown). --http-tls-cert and \
        --http-tls-key serve it over https (TLS 1.2 or later); --http-tls-client-ca asks clients for a \
        certificate (one that CA did not sign fails the handshake; none is allowed on these paths).

        Examples:
          ConverterService
          ConverterService --listen 0.0.0.0:50051 --log-level debug
          ConverterService --convert-deadline 10 --max-concurrent-streams 16
          ConverterService --listen 0.0.0.0:50051 --tls-cert server.pem --tls-key server.key --tls-client-ca ca.pem
          ConverterService --http-listen 0.0.0.0:9091          # then: curl 127.0.0.1:9091/metrics
          ConverterService --http-listen 0.0.0.0:9091 --http-tls-cert server.pem --http-tls-key server.key
          pspctl convert --psp-path psp.yaml --rules-path rules.yaml --converter 127.0.0.1:50051
        """)

    static let defaultListen = "127.0.0.1:50051"
    static let servedServices = [ServiceName.converter]

    @OptionGroup var service: ServiceOptions

    @Option(name: .customLong("convert-deadline"),
            help: ArgumentHelp("Seconds a Convert may run (the client's deadline applies when sooner); then DEADLINE_EXCEEDED.",
                               valueName: "seconds"))
    var convertDeadline: Double = 30

    func validate() throws {
        guard convertDeadline.isFinite, convertDeadline >= 0.001, convertDeadline <= 86_400 else {
            throw ValidationError("--convert-deadline must be a number of seconds from 0.001 to 86400, not \(convertDeadline)")
        }
    }

    func register(on server: Server, health: HealthStatusBoard, logger: Logger, metrics: ServiceMetrics) throws {
        ConvertHandler.register(on: server, deadlineSeconds: convertDeadline,
                                work: DeadlineWork(maxRunning: service.limits.maxConcurrentStreams, what: "conversions"),
                                logger: logger, metrics: ConverterMetrics(metrics))
    }

    static func main() { ServiceMain.main(Self.self) }
}
