import ArgumentParser
import GRPCKit
import Logging
import PspctlProtocol
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
        get --grace seconds, exit 0. Exit 2 on bad usage, when the address cannot be bound, or when a TLS \
        file cannot be used (missing, not PEM, a key that does not match its certificate).

        TLS: --tls-cert and --tls-key (PEM); with --tls-client-ca too, mutual TLS (clients must present a \
        certificate that CA signed). Without TLS on an address other than loopback, a warning is logged.

        Examples:
          ConverterService
          ConverterService --listen 0.0.0.0:50051 --log-level debug --tls-cert server.pem --tls-key server.key
          ConverterService --listen 0.0.0.0:50051 --tls-cert server.pem --tls-key server.key --tls-client-ca ca.pem
          pspctl convert --psp-path psp.yaml --rules-path rules.yaml --converter 127.0.0.1:50051
        """)

    static let defaultListen = "127.0.0.1:50051"
    static let servedServices = [ServiceName.converter]

    @OptionGroup var service: ServiceOptions

    func register(on server: Server, health: HealthStatusBoard, logger: Logger) throws {
        ConvertHandler.register(on: server, logger: logger)
    }

    static func main() { ServiceMain.main(Self.self) }
}
