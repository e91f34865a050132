import ArgumentParser
import GRPCKit
import PspctlProtocol

/// The limits and liveness options every pspctl service takes (part of `ServiceOptions`): message
/// size, concurrent calls, the per-stream window, keepalive pings and the policy for clients' pings.
///
/// Memory: a stream holds at most `--stream-window` requests read ahead, the one being handled,
/// `--stream-window` responses queued or being sent and one waiting for room, so at most
/// (2 × window + 2) × `--max-message-bytes` of messages (plus the transport's HTTP/2 buffers); the
/// server at most `--max-concurrent-streams` times that.
public struct LimitOptions: ParsableArguments, Sendable {
    @Option(name: .customLong("max-message-bytes"),
            help: ArgumentHelp("Largest message received or sent; a larger one ends its call with RESOURCE_EXHAUSTED.",
                               valueName: "n"))
    public var maxMessageBytes = 64 << 20

    @Option(name: .customLong("max-concurrent-streams"),
            help: ArgumentHelp("Calls (Evaluate streams and unary calls) running at once, server-wide; one more is refused at once with RESOURCE_EXHAUSTED. Health checks are never refused.",
                               valueName: "n"))
    public var maxConcurrentStreams = 64

    @Option(name: .customLong("stream-window"),
            help: ArgumentHelp("Requests a stream reads ahead of its handler, and responses it may have queued for a slow client.",
                               valueName: "n"))
    public var streamWindow = 4

    @Option(name: .customLong("keepalive-interval"),
            help: ArgumentHelp("Seconds without activity on a connection before the server pings the client.",
                               valueName: "seconds"))
    public var keepaliveInterval: Double = 60

    @Option(name: .customLong("keepalive-timeout"),
            help: ArgumentHelp("Seconds the server waits for the answer to its ping before closing the connection.",
                               valueName: "seconds"))
    public var keepaliveTimeout: Double = 20

    @Option(name: .customLong("min-client-ping-interval"),
            help: ArgumentHelp("Shortest interval between a client's keepalive pings the server accepts; pinging more often (3 times in a row) closes the connection with GOAWAY too_many_pings. pspctl pings every 10 s.",
                               valueName: "seconds"))
    public var minClientPingInterval: Double = 5

    public init() {}

    public func validate() throws {
        guard maxMessageBytes > 0 else { throw ValidationError("--max-message-bytes must be positive, not \(maxMessageBytes)") }
        guard maxConcurrentStreams > 0 else {
            throw ValidationError("--max-concurrent-streams must be positive, not \(maxConcurrentStreams)")
        }
        guard (1...1024).contains(streamWindow) else { throw ValidationError("--stream-window must be 1…1024, not \(streamWindow)") }
        for (flag, seconds) in [("--keepalive-interval", keepaliveInterval), ("--keepalive-timeout", keepaliveTimeout),
                                ("--min-client-ping-interval", minClientPingInterval)] {
            guard seconds.isFinite, seconds >= 0.001, seconds <= 86_400 * 365 else {
                throw ValidationError("\(flag) must be a number of seconds from 0.001 to a year, not \(seconds)")
            }
        }
    }

    /// Applies the options to a server's.
    public func apply(to options: inout ServerOptions) {
        options.maxReceiveMessageBytes = maxMessageBytes
        options.maxSendMessageBytes = maxMessageBytes
        options.maxConcurrentCalls = maxConcurrentStreams
        // A health check must answer whatever the load, and while the server drains.
        options.alwaysAdmittedMethods.insert(MethodPath.healthCheck)
        options.receivePrefetch = streamWindow
        options.sendQueueCapacity = streamWindow
        // max_pings_without_data 0 (set with the keepalive): the server keeps pinging an idle stream.
        options.keepalive = Keepalive(interval: Self.duration(keepaliveInterval), timeout: Self.duration(keepaliveTimeout),
                                      permitWithoutCalls: true)
        options.pingPolicy = PingPolicy(minInterval: Self.duration(minClientPingInterval), maxStrikes: 2,
                                        permitWithoutCalls: true)
    }

    static func duration(_ seconds: Double) -> Duration { .milliseconds(Int64((seconds * 1000).rounded())) }
}
