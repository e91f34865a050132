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

        Logs are key=value lines on stderr. SIGINT or SIGTERM: health turns NOT_SERVING, calls in flight \
        get --grace seconds, exit 0. Exit 2 on bad usage or when the address cannot be bound.

        With --http-listen HOST:PORT, an HTTP listener serves Prometheus metrics at /metrics (pspctl_…), \
        liveness at /healthz and readiness at /readyz (503 from the start of shutdown).

        Examples:
          ConverterService
          ConverterService --listen 0.0.0.0:50051 --log-level debug
          ConverterService --http-listen 0.0.0.0:9091          # then: curl 127.0.0.1:9091/metrics
          pspctl convert --psp-path psp.yaml --rules-path rules.yaml --converter 127.0.0.1:50051
        """)

    static let defaultListen = "127.0.0.1:50051"
    static let servedServices = [ServiceName.converter]

    @OptionGroup var service: ServiceOptions

    func register(on server: Server, health: HealthStatusBoard, logger: Logger, metrics: ServiceMetrics) throws {
        ConvertHandler.register(on: server, logger: logger, metrics: ConverterMetrics(metrics))
    }

    static func main() { ServiceMain.main(Self.self) }
}
