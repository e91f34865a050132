import ArgumentParser
import TLSCredentials

/// `--alerts-http-ca`, `--alerts-http-cert`, `--alerts-http-key`: TLS for an `https://` `--alerts-http`
/// URL (the files are checked when the sinks open; with an `http://` URL they are an error).
public struct AlertsHTTPTLSOptions: ParsableArguments, Sendable {
    @Option(name: .customLong("alerts-http-ca"),
            help: ArgumentHelp("Verify the https:// --alerts-http server against this PEM CA file instead of the system's trust store.",
                               valueName: "file"),
            completion: .file(extensions: ["pem", "crt"]))
    public var ca: String?

    @Option(name: .customLong("alerts-http-cert"),
            help: ArgumentHelp("Present this PEM client certificate to the https:// --alerts-http server; needs --alerts-http-key.",
                               valueName: "file"),
            completion: .file(extensions: ["pem", "crt"]))
    public var certificate: String?

    @Option(name: .customLong("alerts-http-key"),
            help: ArgumentHelp("The PEM private key of --alerts-http-cert (unencrypted).", valueName: "file"),
            completion: .file(extensions: ["pem", "key"]))
    public var key: String?

    public init() {}

    public func validate() throws {
        if let problem = TLSFlagPairing.problem(certificate: certificate, key: key,
                                                certificateFlag: "--alerts-http-cert", keyFlag: "--alerts-http-key") {
            throw ValidationError(problem)
        }
    }

    public var files: AlertSinks.HTTPTLSFiles { AlertSinks.HTTPTLSFiles(ca: ca, certificate: certificate, key: key) }
}
