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
        switch (certificate, key) {
        case (_?, nil): throw ValidationError("--webhook-tls-cert needs --webhook-tls-key (the certificate's private key)")
        case (nil, _?): throw ValidationError("--webhook-tls-key needs --webhook-tls-cert (the certificate of that key)")
        default: break
        }
        if clientCA != nil, certificate == nil {
            throw ValidationError("--webhook-tls-client-ca needs --webhook-tls-cert and --webhook-tls-key (client certificates are checked over TLS)")
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
