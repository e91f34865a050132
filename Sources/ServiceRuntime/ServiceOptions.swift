import ArgumentParser
import Logging

/// The command-line options every pspctl service takes; a service's command embeds them with
/// `@OptionGroup var service: ServiceOptions` and adds its own.
public struct ServiceOptions: ParsableArguments, Sendable {
    @Option(help: ArgumentHelp("Where to listen, HOST:PORT (port 0 picks a free port; the log says which).",
                               valueName: "host:port"))
    public var listen: String?

    @Option(name: .customLong("log-level"),
            help: ArgumentHelp("Least severe log level written: trace, debug, info, notice, warning, error or critical.",
                               valueName: "level"),
            completion: .list(Logger.Level.allCases.map(\.rawValue)))
    public var logLevel: String = "info"

    @Option(name: .customLong("shutdown-grace"),
            help: ArgumentHelp("Seconds calls in flight get after SIGINT/SIGTERM to answer what they have received (default 10); what is left then is cancelled with UNAVAILABLE.",
                               valueName: "seconds"))
    public var shutdownGrace: Double?

    /// The old name of `--shutdown-grace`, still accepted (deprecated; `ServiceMain` logs a warning).
    @Option(name: .customLong("grace"), help: .hidden)
    public var deprecatedGrace: Double?

    @OptionGroup(title: "Limits and liveness")
    public var limits: LimitOptions

    /// `--tls-cert`, `--tls-key`, `--tls-client-ca` (TLSServerOptions.swift).
    @OptionGroup(title: "TLS")
    public var tls: TLSServerOptions

    @Option(name: .customLong("http-listen"),
            help: ArgumentHelp("Also serve HTTP on HOST:PORT: Prometheus metrics at /metrics, probes at /healthz and /readyz (port 0 picks a free port; the log says which).",
                               valueName: "host:port"))
    public var httpListen: String?

    /// `--http-tls-cert`, `--http-tls-key`, `--http-tls-client-ca` (HTTPTLSOptions.swift).
    @OptionGroup(title: "TLS on the HTTP listener")
    public var httpTLS: HTTPTLSOptions

    public init() {}

    /// The shutdown grace in seconds (default 10).
    public var grace: Double { shutdownGrace ?? deprecatedGrace ?? 10 }

    public func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")), not \(logLevel)")
        }
        if shutdownGrace != nil && deprecatedGrace != nil {
            throw ValidationError("--grace is the deprecated name of --shutdown-grace: give only --shutdown-grace")
        }
        guard grace.isFinite, grace >= 0, grace <= 86_400 else {
            throw ValidationError("--shutdown-grace must be a number of seconds from 0 to 86400, not \(grace)")
        }
        if let listen { try Self.checkAddress(listen) }
        if let httpListen { try Self.checkAddress(httpListen, option: "--http-listen") }
        if httpTLS.anyGiven, httpListen == nil {
            throw ValidationError("--http-tls-cert, --http-tls-key and --http-tls-client-ca need --http-listen (the HTTP listener they secure)")
        }
    }

    /// The parsed log level (`validate` has checked it).
    public var level: Logger.Level { Logger.Level(rawValue: logLevel) ?? .info }

    /// The grace period as a duration.
    public var graceDuration: Duration { .milliseconds(Int64((grace * 1000).rounded())) }

    /// HOST:PORT with a port 0…65535 (IPv6 hosts in brackets, `[::1]:50051`).
    static func checkAddress(_ address: String, option: String = "--listen") throws {
        guard let colon = address.lastIndex(of: ":"), colon != address.startIndex,
              let port = Int(address[address.index(after: colon)...]), (0...65_535).contains(port) else {
            throw ValidationError("\(option) must be HOST:PORT, not \(address)")
        }
    }
}
