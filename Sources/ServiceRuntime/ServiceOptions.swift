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

    @Option(help: ArgumentHelp("Seconds calls in flight may take to finish after SIGINT/SIGTERM before they are cancelled.",
                               valueName: "seconds"))
    public var grace: Double = 10

    @Option(name: .customLong("http-listen"),
            help: ArgumentHelp("Also serve HTTP on HOST:PORT: Prometheus metrics at /metrics, probes at /healthz and /readyz (port 0 picks a free port; the log says which).",
                               valueName: "host:port"))
    public var httpListen: String?

    public init() {}

    public func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")), not \(logLevel)")
        }
        guard grace.isFinite, grace >= 0 else { throw ValidationError("--grace must be a number of seconds ≥ 0, not \(grace)") }
        if let listen { try Self.checkAddress(listen) }
        if let httpListen { try Self.checkAddress(httpListen, option: "--http-listen") }
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
