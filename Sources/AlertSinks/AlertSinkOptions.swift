import ArgumentParser

/// The alert sinks' flags (`--alerts-file`, `--alerts-http` and its timeout, queue and TLS files), shared
/// by `pspctl watch` and EvaluatorService (for its webhook's alerts) as an `@OptionGroup`.
public struct AlertSinkOptions: ParsableArguments, Sendable {
    @Option(name: .customLong("alerts-file"),
            help: ArgumentHelp("Also append every alert line (as printed on stdout) to this file, created with mode 0600 if absent; fsync'd at exit.", valueName: "file"),
            completion: .file())
    public var file: String?

    @Option(name: .customLong("alerts-http"),
            help: ArgumentHelp("Also POST each alert's Falco JSON line to this http:// or https:// URL (falcosidekick's, as Falco's http_output), whatever --output is; retried, and undelivered alerts reported (exit status 2).", valueName: "url"))
    public var httpURL: String?

    @Option(name: .customLong("alerts-http-timeout"),
            help: ArgumentHelp("At exit, wait at most this many seconds for --alerts-http's queue to drain.", valueName: "seconds"))
    public var httpTimeout: Double = 10

    /// How many alerts --alerts-http's queue holds before the writer waits (tests make it small).
    @Option(name: .customLong("alerts-http-queue"), help: .hidden)
    public var httpQueue: Int = 10_000

    @OptionGroup(title: "TLS for --alerts-http https://")
    public var httpTLS: AlertsHTTPTLSOptions

    public init() {}

    public func validate() throws {
        guard httpTimeout.isFinite, (0...3_600).contains(httpTimeout) else {
            throw ValidationError("--alerts-http-timeout must be 0 to 3600 seconds")
        }
        guard (1...1_000_000).contains(httpQueue) else {
            throw ValidationError("--alerts-http-queue must be 1 to 1000000 alerts")
        }
        if httpURL == nil && httpTimeout != 10 {
            throw ValidationError("--alerts-http-timeout needs --alerts-http")
        }
        if httpURL == nil && httpTLS.files.anyGiven {
            throw ValidationError("--alerts-http-ca, --alerts-http-cert and --alerts-http-key need --alerts-http")
        }
    }

    /// Whether alerts go to a sink beside stdout.
    public var anyGiven: Bool { file != nil || httpURL != nil }

    /// The sinks these flags name, checked and opened (nil when none is given): the URL parsed, the TLS
    /// files read, the file opened (created 0600 when absent).
    public func open() throws(AlertSinks.SetupError) -> AlertSinks? {
        guard anyGiven else { return nil }
        return try AlertSinks(file: file, httpURL: httpURL, httpTLS: httpTLS.files,
                              httpTimeout: .milliseconds(Int64((httpTimeout * 1000).rounded())), httpQueue: httpQueue)
    }
}
