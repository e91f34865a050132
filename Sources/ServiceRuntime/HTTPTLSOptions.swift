import ArgumentParser
import NIOOpenSSL
import TLSCredentials

/// `--http-tls-cert`, `--http-tls-key`, `--http-tls-client-ca`: TLS on the HTTP listener (`--http-listen`:
/// metrics, probes, the audit webhook), through the system OpenSSL. With a client CA, clients are asked
/// for a certificate: one presented must be signed by that CA (else the handshake fails); without one,
/// `/metrics` and the probes still answer, and the audit webhook answers 403.
public struct HTTPTLSOptions: ParsableArguments, Sendable {
    @Option(name: .customLong("http-tls-cert"),
            help: ArgumentHelp("Serve the HTTP listener over TLS (https) with this PEM certificate chain (the server's certificate first); needs --http-tls-key.",
                               valueName: "file"),
            completion: .file(extensions: ["pem", "crt"]))
    public var certificate: String?

    @Option(name: .customLong("http-tls-key"),
            help: ArgumentHelp("The PEM private key of --http-tls-cert (unencrypted).", valueName: "file"),
            completion: .file(extensions: ["pem", "key"]))
    public var key: String?

    @Option(name: .customLong("http-tls-client-ca"),
            help: ArgumentHelp("Ask HTTP clients for a certificate this PEM CA signed: POST /k8s-audit without one is answered 403 (/metrics and the probes stay open); one the CA did not sign fails the handshake.",
                               valueName: "file"),
            completion: .file(extensions: ["pem", "crt"]))
    public var clientCA: String?

    public init() {}

    public func validate() throws {
        if let problem = TLSFlagPairing.problem(certificate: certificate, key: key, clientCA: clientCA,
                                                certificateFlag: "--http-tls-cert", keyFlag: "--http-tls-key",
                                                clientCAFlag: "--http-tls-client-ca") {
            throw ValidationError(problem)
        }
    }

    /// True when any of the flags is given.
    public var anyGiven: Bool { certificate != nil || key != nil || clientCA != nil }

    /// `off`, `tls` or `mtls`, as the start-up log line says.
    public var mode: String { certificate == nil ? "off" : clientCA == nil ? "tls" : "mtls" }

    /// The server context from the files (nil without the flags), with warnings to log.
    public func context() throws(TLSFileError) -> CheckedCredentials<OpenSSLContext>? {
        guard let certificate, let key else { return nil }
        return try TLSMaterial.openSSLServer(certificate: .init("--http-tls-cert", certificate), key: .init("--http-tls-key", key),
                                             clientCA: clientCA.map { .init("--http-tls-client-ca", $0) })
    }
}
