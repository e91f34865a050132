import ArgumentParser
import GRPCKit
import TLSCredentials

/// `--tls`, `--tls-ca`, `--tls-cert`, `--tls-key`, `--tls-server-name`: how pspctl secures its connection
/// to a service (`convert --converter`, `watch --evaluator`, `health`). Any of them turns TLS on; without
/// them the connection is plaintext. Open channels with `RemoteTarget` (RemoteChannel.swift).
struct RemoteTLSOptions: ParsableArguments {
    @Flag(name: .customLong("tls"), help: "Connect with TLS, trusting the system's CA certificates (implied by the other --tls-* options).")
    var tls = false

    @Option(name: .customLong("tls-ca"),
            help: ArgumentHelp("Connect with TLS, trusting only the CA certificates in this PEM file.", valueName: "file"),
            completion: .file(extensions: ["pem", "crt"]))
    var ca: String?

    @Option(name: .customLong("tls-cert"),
            help: ArgumentHelp("Present this PEM client certificate (mutual TLS); needs --tls-key.", valueName: "file"),
            completion: .file(extensions: ["pem", "crt"]))
    var certificate: String?

    @Option(name: .customLong("tls-key"),
            help: ArgumentHelp("The PEM private key of --tls-cert (unencrypted).", valueName: "file"),
            completion: .file(extensions: ["pem", "key"]))
    var key: String?

    @Option(name: .customLong("tls-server-name"),
            help: ArgumentHelp("The name the service's certificate must hold, instead of the address's host.", valueName: "name"))
    var serverName: String?

    init() {}

    func validate() throws {
        if let problem = TLSFlagPairing.problem(certificate: certificate, key: key, certificateFlag: "--tls-cert", keyFlag: "--tls-key") {
            throw ValidationError(problem)
        }
        if let serverName, serverName.isEmpty || serverName.contains(where: \.isWhitespace) {
            throw ValidationError("--tls-server-name must be a host name, not \"\(serverName)\"")
        }
    }

    /// True when any TLS option was given.
    var isEnabled: Bool { tls || ca != nil || certificate != nil || key != nil || serverName != nil }

    /// The TLS options given, as a usage error names them.
    var givenFlags: [String] {
        [("--tls", tls), ("--tls-ca", ca != nil), ("--tls-cert", certificate != nil), ("--tls-key", key != nil),
         ("--tls-server-name", serverName != nil)].filter(\.1).map(\.0)
    }

    /// A usage error when TLS options are given to a command that connects to nothing: `remoteOption`
    /// (`--converter`, `--evaluator`) names what they would apply to.
    func requireRemote(_ hasRemote: Bool, remoteOption: String) throws {
        guard isEnabled, !hasRemote else { return }
        let flags = givenFlags
        throw ValidationError("\(flags.joined(separator: ", ")) \(flags.count == 1 ? "applies" : "apply") only with \(remoteOption) (the connection to a service)")
    }

    /// The channel credentials: plaintext without options, otherwise TLS from the checked files.
    func credentials() throws(TLSFileError) -> CheckedCredentials<ChannelCredentials> {
        guard isEnabled else { return CheckedCredentials(credentials: .insecure, warnings: []) }
        return try TLSMaterial.client(caPath: ca, certificatePath: certificate, keyPath: key, serverName: serverName)
    }
}
