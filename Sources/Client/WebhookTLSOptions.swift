import ArgumentParser
import NIOOpenSSL
import TLSCredentials

/// `watch --listen-webhook`'s TLS: `--webhook-tls-cert`, `--webhook-tls-key`, `--webhook-tls-client-ca`,
/// named after the listener they secure as the services' `--http-tls-…` are. With a client CA, a request
/// without a client certificate is answered 403; a certificate the CA did not sign fails the handshake.
struct WebhookTLSOptions: ParsableArguments {
    @Option(name: .customLong("webhook-tls-cert"),
            help: ArgumentHelp("Serve --listen-webhook over TLS (https) with this PEM certificate chain (the server's certificate first); needs --webhook-tls-key.",
                               valueName: "file"),
            completion: .file(extensions: ["pem", "crt"]))
    var certificate: String?

    @Option(name: .customLong("webhook-tls-key"),
            help: ArgumentHelp("The PEM private key of --webhook-tls-cert (unencrypted).", valueName: "file"),
            completion: .file(extensions: ["pem", "key"]))
    var key: String?

    @Option(name: .customLong("webhook-tls-client-ca"),
            help: ArgumentHelp("Require webhook clients (the API server) to present a certificate this PEM CA signed: 403 without one; one the CA did not sign fails the handshake.",
                               valueName: "file"),
            completion: .file(extensions: ["pem", "crt"]))
    var clientCA: String?

    func validate() throws {
        if let problem = TLSFlagPairing.problem(certificate: certificate, key: key, clientCA: clientCA,
                                                certificateFlag: "--webhook-tls-cert", keyFlag: "--webhook-tls-key",
                                                clientCAFlag: "--webhook-tls-client-ca") {
            throw ValidationError(problem)
        }
    }

    var anyGiven: Bool { certificate != nil || key != nil || clientCA != nil }

    /// The server context from the files (nil without the flags), with warnings to print.
    func context() throws(TLSFileError) -> CheckedCredentials<OpenSSLContext>? {
        guard let certificate, let key else { return nil }
        return try TLSMaterial.openSSLServer(certificate: .init("--webhook-tls-cert", certificate),
                                             key: .init("--webhook-tls-key", key),
                                             clientCA: clientCA.map { .init("--webhook-tls-client-ca", $0) })
    }
}
