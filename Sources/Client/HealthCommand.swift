import ArgumentParser
import Foundation
import GRPCKit
import PspctlProtocol

/// `pspctl health HOST:PORT [--service NAME]`: asks a service's `grpc.health.v1.Health/Check`.
struct HealthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "health",
        abstract: "Check that a pspctl service (ConverterService, EvaluatorService) is serving.",
        discussion: """
        Calls grpc.health.v1.Health/Check on HOST:PORT for --service (default: the server as a whole) and \
        prints the status on stdout. Exit status 0 when it is SERVING; 1 when it is not, or the server does \
        not know the service; 2 on bad usage or when the server cannot be reached.

        With TLS: --tls-ca trusts a CA (--tls alone: the system's), --tls-cert and --tls-key present a \
        client certificate (mutual TLS), --tls-server-name checks another name than the address's host.

        Examples:
          pspctl health 127.0.0.1:50051
          pspctl health 127.0.0.1:50051 --service pspctl.v1.Converter
          pspctl health evaluator.example:50052 --tls-ca ca.pem --tls-cert client.pem --tls-key client.key
        """)

    @Argument(help: ArgumentHelp("The service's address.", valueName: "host:port"))
    var address: String

    @Option(help: ArgumentHelp("The service to ask about, e.g. pspctl.v1.Converter (default: the whole server).", valueName: "name"))
    var service: String = ""

    @OptionGroup(title: "TLS")
    var tls: RemoteTLSOptions

    static let timeout: Duration = .seconds(10)

    func run() throws {
        let request = GRPCHealthV1.HealthCheckRequest(service: service).encoded()
        let subject = service.isEmpty ? address : "\(service) at \(address)"
        let target = try RemoteTarget.make(address, tls: tls, command: "health")
        switch RemoteCall.unary(target: target, method: MethodPath.healthCheck, request: request, timeout: Self.timeout) {
        case .success(let bytes):
            guard let response = try? GRPCHealthV1.HealthCheckResponse(decoding: bytes) else {
                throw fail("health", "\(address) answered with something that is not a HealthCheckResponse", status: 2)
            }
            let name = Self.name(response.status)
            print(name)
            if response.status != .serving { throw fail("health", "\(subject) is \(name)", status: 1) }
        case .failure(let error) where error.code == .notFound:
            throw fail("health", "\(address) does not know the service \(service)", status: 1)
        case .failure(let error) where error.code == .deadlineExceeded:
            throw fail("health", "cannot reach \(address): no answer within \(Self.timeout)", status: 2)
        case .failure(let error) where error.code == .unavailable:
            throw fail("health", target.unreachable(error, address), status: 2)
        case .failure(let error):
            throw fail("health", "\(address): \(error)", status: 2)
        }
    }

    static func name(_ status: GRPCHealthV1.HealthCheckResponse.ServingStatus) -> String {
        switch status {
        case .serving: "SERVING"
        case .notServing: "NOT_SERVING"
        case .serviceUnknown: "SERVICE_UNKNOWN"
        case .unknown: "UNKNOWN"
        default: "status \(status.rawValue)"
        }
    }
}
