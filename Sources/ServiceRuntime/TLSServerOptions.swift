import ArgumentParser
import GRPCKit
import TLSCredentials

/// `--tls-cert`, `--tls-key`, `--tls-client-ca`: TLS, and with a client CA mutual TLS, on a service
/// (embedded in `ServiceOptions`). Without them the service speaks plaintext gRPC.
///
/// Pairing mistakes are usage errors (exit 2, from `validate`); the files themselves are read and checked
/// by `credentials()` at start-up, before the server binds (see `TLSMaterial`).
public struct TLSServerOptions: ParsableArguments, Sendable {
    @Option(name: .customLong("tls-cert"),
            help: ArgumentHelp("Serve TLS with this PEM certificate chain (the server's certificate first); needs --tls-key.",
                               valueName: "file"),
            completion: .file(extensions: ["pem", "crt"]))
    public var certificate: String?

    @Option(name: .customLong("tls-key"),
            help: ArgumentHelp("The PEM private key of --tls-cert (unencrypted).", valueName: "file"),
            completion: .file(extensions: ["pem", "key"]))
    public var key: String?

    @Option(name: .customLong("tls-client-ca"),
            help: ArgumentHelp("Mutual TLS: require every client to present a certificate this PEM CA signed.",
                               valueName: "file"),
            completion: .file(extensions: ["pem", "crt"]))
    public var clientCA: String?

    public init() {}

    public func validate() throws {
        if let problem = TLSFlagPairing.problem(certificate: certificate, key: key, clientCA: clientCA,
                                                certificateFlag: "--tls-cert", keyFlag: "--tls-key", clientCAFlag: "--tls-client-ca",
                                                clientCAReason: "mutual TLS is TLS that also checks clients") {
            throw ValidationError(problem)
        }
    }

    /// True when the flags ask for TLS.
    public var isEnabled: Bool { certificate != nil && key != nil }

    /// `off`, `tls` or `mtls`, as the start-up log line says.
    public var mode: String { !isEnabled ? "off" : clientCA == nil ? "tls" : "mtls" }

    /// The server's credentials from the files (insecure without the flags), with warnings to log.
    public func credentials() throws(TLSFileError) -> CheckedCredentials<ServerCredentials> {
        guard let certificate, let key else { return CheckedCredentials(credentials: .insecure, warnings: []) }
        return try TLSMaterial.server(certificatePath: certificate, keyPath: key, clientCAPath: clientCA)
    }
}
