/// How a server listens and what it accepts.
public struct ServerOptions: Sendable {
    /// "HOST:PORT"; port 0 picks a free port (see `Server.port`).
    public var listen: String
    public var credentials: ServerCredentials
    /// Larger incoming messages fail the call with RESOURCE_EXHAUSTED (the core's default is 4 MiB).
    public var maxReceiveMessageBytes: Int?
    public var maxSendMessageBytes: Int?
    /// HTTP/2 streams per connection (the core's `grpc.max_concurrent_streams`): streams beyond it
    /// *wait* in the client; nothing is refused. For a server-wide bound that refuses, see
    /// `maxConcurrentCalls`.
    public var maxConcurrentStreams: Int?
    /// The server's own keepalive pings.
    public var keepalive: Keepalive?
    /// Which client pings the server accepts; nil keeps the core's defaults (a client pinging more
    /// often than every 5 minutes without data gets GOAWAY `too_many_pings` after two such pings).
    public var pingPolicy: PingPolicy?
    /// Responses a streaming handler may have queued or in flight before `send` suspends.
    public var sendQueueCapacity: Int
    /// Requests read ahead of a streaming handler; 0 reads only when the handler asks.
    public var receivePrefetch: Int
    /// Calls (streams and unary calls) running at once, server-wide: a call beyond it is refused at
    /// once with RESOURCE_EXHAUSTED, before its handler runs or any of its messages is read. A call
    /// counts from its arrival until its handler returned and its end was seen. nil: no bound.
    public var maxConcurrentCalls: Int?
    /// Methods ("/package.Service/Method") always admitted: never counted against
    /// `maxConcurrentCalls`, and still served while the server drains at shutdown (health checks).
    public var alwaysAdmittedMethods: Set<String>
    /// Told when each call starts and ends (metrics); nil: nobody.
    public var callObserver: (any ServerCallObserver)? = nil

    public init(listen: String = "127.0.0.1:0", credentials: ServerCredentials = .insecure,
                maxReceiveMessageBytes: Int? = nil, maxSendMessageBytes: Int? = nil,
                maxConcurrentStreams: Int? = nil, keepalive: Keepalive? = nil,
                sendQueueCapacity: Int = 8, receivePrefetch: Int = 0,
                maxConcurrentCalls: Int? = nil, alwaysAdmittedMethods: Set<String> = [],
                pingPolicy: PingPolicy? = nil) {
        self.listen = listen
        self.credentials = credentials
        self.maxReceiveMessageBytes = maxReceiveMessageBytes
        self.maxSendMessageBytes = maxSendMessageBytes
        self.maxConcurrentStreams = maxConcurrentStreams
        self.keepalive = keepalive
        self.sendQueueCapacity = sendQueueCapacity
        self.receivePrefetch = receivePrefetch
        self.maxConcurrentCalls = maxConcurrentCalls
        self.alwaysAdmittedMethods = alwaysAdmittedMethods
        self.pingPolicy = pingPolicy
    }
}

/// Which HTTP/2 pings from clients a server accepts (gRPC core 1.51, chttp2 `frame_ping.cc`): a ping
/// that arrives sooner than `minInterval` after the previous one, with no data or headers sent by
/// the server in between, is a strike; a connection without calls counts its pings against two hours
/// unless `permitWithoutCalls`; after `maxStrikes` strikes the server sends GOAWAY `too_many_pings`
/// and closes the connection. Set it below the keepalive interval of the clients you serve.
public struct PingPolicy: Sendable {
    /// `grpc.http2.min_ping_interval_without_data_ms`; the core's default is 5 minutes.
    public var minInterval: Duration
    /// `grpc.http2.max_ping_strikes`; 0 tolerates any number; the core's default is 2.
    public var maxStrikes: Int
    /// `grpc.keepalive_permit_without_calls`: accept (and send) keepalive pings on connections
    /// without calls.
    public var permitWithoutCalls: Bool

    public init(minInterval: Duration, maxStrikes: Int = 2, permitWithoutCalls: Bool = true) {
        self.minInterval = minInterval
        self.maxStrikes = maxStrikes
        self.permitWithoutCalls = permitWithoutCalls
    }
}

/// How a client channel connects.
public struct ChannelOptions: Sendable {
    public var credentials: ChannelCredentials
    public var maxReceiveMessageBytes: Int?
    public var maxSendMessageBytes: Int?
    public var keepalive: Keepalive?
    /// Messages a stream may have queued or in flight before `send` suspends.
    public var sendQueueCapacity: Int
    /// Responses read ahead of the caller; 0 reads only when asked.
    public var receivePrefetch: Int
    /// How calls are spread over the addresses the target resolves to.
    public var loadBalancing: LoadBalancing

    public init(credentials: ChannelCredentials = .insecure, maxReceiveMessageBytes: Int? = nil,
                maxSendMessageBytes: Int? = nil, keepalive: Keepalive? = nil,
                sendQueueCapacity: Int = 8, receivePrefetch: Int = 0, loadBalancing: LoadBalancing = .pickFirst) {
        self.credentials = credentials
        self.maxReceiveMessageBytes = maxReceiveMessageBytes
        self.maxSendMessageBytes = maxSendMessageBytes
        self.keepalive = keepalive
        self.sendQueueCapacity = sendQueueCapacity
        self.receivePrefetch = receivePrefetch
        self.loadBalancing = loadBalancing
    }
}

/// The gRPC core's client-side load-balancing policy of a channel (its service config's
/// `loadBalancingConfig`). The target's resolver (`dns:///name:port`, `ipv4:a:p,b:p`, …) gives the
/// addresses; the policy picks one for each new call. A stream stays on the backend it was given.
public enum LoadBalancing: Sendable {
    /// The core's default: one connection, to the first address that answers.
    case pickFirst
    /// A connection to every address; each new call goes to the next READY one in turn.
    case roundRobin

    /// The service config that selects the policy.
    var serviceConfigJSON: String {
        switch self {
        case .pickFirst: #"{"loadBalancingConfig":[{"pick_first":{}}]}"#
        case .roundRobin: #"{"loadBalancingConfig":[{"round_robin":{}}]}"#
        }
    }
}

/// HTTP/2 keepalive pings.
public struct Keepalive: Sendable {
    /// Time without activity before a ping.
    public var interval: Duration
    /// How long to wait for the ping's answer before closing the connection.
    public var timeout: Duration
    /// Ping even when no call is active.
    public var permitWithoutCalls: Bool

    public init(interval: Duration, timeout: Duration = .seconds(20), permitWithoutCalls: Bool = false) {
        self.interval = interval
        self.timeout = timeout
        self.permitWithoutCalls = permitWithoutCalls
    }
}

/// Transport security of a server.
public enum ServerCredentials: Sendable {
    case insecure
    /// TLS with the server's certificate chain and key (PEM); with `clientCA`, clients must
    /// present a certificate that CA signed (mTLS).
    case tls(certificateChain: String, privateKey: String, clientCA: String? = nil)
}

/// Transport security of a client channel.
public enum ChannelCredentials: Sendable {
    case insecure
    /// TLS trusting `rootCA` (PEM; nil: the system roots), optionally presenting a client
    /// certificate, optionally checking a name other than the target's host.
    case tls(rootCA: String? = nil, clientCertificateChain: String? = nil, clientPrivateKey: String? = nil,
             serverNameOverride: String? = nil)
}
