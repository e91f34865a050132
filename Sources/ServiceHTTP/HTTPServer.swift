import NIOCore
import NIOHTTP1
import NIOOpenSSL
import NIOPosix
import Synchronization

/// A small HTTP/1.1 server on swift-nio for a service's side channel (metrics, probes, later the audit
/// webhook): one event-loop thread, an `HTTPRouter`, and limits that keep hostile clients bounded.
///
/// - Request heads: at most `maxHeaderBytes` of header names and values and `maxHeaderCount` fields
///   (NIO's decoder; beyond them the answer is 400 and the connection closes).
/// - Bodies: each route's `maxBodyBytes` (413 as soon as `Content-Length` or the bytes read pass it).
/// - Time: a request must arrive complete within `requestTimeout` of the connection opening or of the
///   previous answer, or the connection closes (slow or idle clients, clients that never read).
/// - Connections: at most `maxConnections` at once; more are closed as they arrive.
///
/// Memory is therefore bounded by about `maxConnections` × (`maxHeaderBytes` + the largest body limit).
///
/// With `tls` (a server `OpenSSLContext`), every connection is TLS (1.2 or later) first; the request
/// deadline covers the handshake too. A client that is not TLS, fails the handshake or presents a
/// certificate the client CA did not sign is disconnected (a plain HTTP request gets a plain 400 first).
/// Each request says whether its connection presented a verified client certificate
/// (`HTTPRequest.clientCertificate`); routes decide what that means (the audit webhook answers 403).
public final class HTTPServer: Sendable {
    public struct Configuration: Sendable {
        public var host: String
        /// 0 picks a free port (see `HTTPServer.port`).
        public var port: Int
        public var maxHeaderBytes: Int
        public var maxHeaderCount: Int
        public var requestTimeout: Duration
        public var maxConnections: Int
        /// Serve TLS with this server context (nil: plain HTTP).
        public var tls: OpenSSLContext?

        public init(host: String, port: Int, maxHeaderBytes: Int = 16 << 10, maxHeaderCount: Int = 100,
                    requestTimeout: Duration = .seconds(10), maxConnections: Int = 128, tls: OpenSSLContext? = nil) {
            self.tls = tls
            self.host = host
            self.port = port
            self.maxHeaderBytes = maxHeaderBytes
            self.maxHeaderCount = maxHeaderCount
            self.requestTimeout = requestTimeout
            self.maxConnections = maxConnections
        }

        /// `HOST:PORT` (IPv6 hosts in brackets, `[::1]:9090`); nil when it is not that.
        public init?(address: String) {
            guard let colon = address.lastIndex(of: ":"), colon != address.startIndex,
                  let port = Int(address[address.index(after: colon)...]), (0...65_535).contains(port) else { return nil }
            var host = String(address[..<colon])
            if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            guard !host.isEmpty else { return nil }
            self.init(host: host, port: port)
        }
    }

    public struct StartError: Error, CustomStringConvertible {
        public var description: String
    }

    /// The bound port.
    public let port: Int
    private let group: MultiThreadedEventLoopGroup
    private let channel: any Channel

    /// Binds and starts serving `router` at once.
    public init(configuration: Configuration, router: HTTPRouter) throws(StartError) {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let connections = ConnectionCount(limit: max(1, configuration.maxConnections))
        let decoderLimits = {
            var limits = NIOHTTPDecoderLimitConfiguration()
            limits.maxHeaderListSize = configuration.maxHeaderBytes
            limits.maxHeaderFieldSize = configuration.maxHeaderBytes
            limits.maxHeaderFieldCount = configuration.maxHeaderCount
            return limits
        }()
        let timeout = TimeAmount.nanoseconds(Self.nanoseconds(configuration.requestTimeout))
        let tls = configuration.tls
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 128)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                guard connections.open() else { return channel.close() }
                channel.closeFuture.whenComplete { _ in connections.closed() }
                return channel.eventLoop.makeCompletedFuture {
                    if let tls { try channel.pipeline.syncOperations.addHandler(OpenSSLHandler(context: tls)) }
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(
                        withPipeliningAssistance: true, withErrorHandling: true, withOutboundHeaderValidation: true,
                        withEncoderConfiguration: .init(), withDecoderLimitConfiguration: decoderLimits)
                    // Fail closed: a connection of a listener that asks for client certificates counts as
                    // having none until its handshake says otherwise.
                    let certificate: HTTPRequest.ClientCertificate = tls?.requestsClientCertificate == true ? .absent : .notRequested
                    try channel.pipeline.syncOperations.addHandler(
                        HTTPConnectionHandler(router: router, timeout: timeout, clientCertificate: certificate))
                }
            }
        do {
            channel = try bootstrap.bind(host: configuration.host, port: configuration.port).wait()
        } catch {
            try? group.syncShutdownGracefully()
            throw StartError(description: "cannot listen on \(configuration.host):\(configuration.port): \(error)")
        }
        self.group = group
        port = channel.localAddress?.port ?? configuration.port
    }

    /// Stops listening, closes every connection and ends the event-loop thread.
    public func shutdown() async {
        try? await channel.close()
        try? await group.shutdownGracefully()
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}

/// Open connections against their limit.
private final class ConnectionCount: Sendable {
    private let count = Atomic<Int>(0)
    private let limit: Int
    init(limit: Int) { self.limit = limit }

    /// Takes a place; false (nothing taken) when all are in use.
    func open() -> Bool {
        var current = count.load(ordering: .relaxed)
        while current < limit {
            let (exchanged, original) = count.compareExchange(expected: current, desired: current + 1, ordering: .relaxed)
            if exchanged { return true }
            current = original
        }
        return false
    }

    func closed() { count.subtract(1, ordering: .relaxed) }
}

/// One connection: reads a request (head, body within the route's limit), runs the route's handler as a
/// task, writes its answer; keeps the connection for the next request when both sides want that.
/// Error answers (404, 405, 413) close it. Lives on its channel's event loop only.
final class HTTPConnectionHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private enum State {
        /// Waiting for a request head.
        case waiting
        case receiving(HTTPRequestHead, HTTPRouter.Route, [UInt8])
        /// The route's handler runs; nothing more is read until it answers (NIO's pipelining handler holds
        /// later requests back).
        case handling
        /// An error answer went out; the rest of the request is dropped and the connection closes.
        case closing
    }

    private let router: HTTPRouter
    private let timeout: TimeAmount
    private var state = State.waiting
    private var deadline: Scheduled<Void>?
    /// Set by the TLS handshake's event (before any request).
    private var clientCertificate: HTTPRequest.ClientCertificate

    init(router: HTTPRouter, timeout: TimeAmount, clientCertificate: HTTPRequest.ClientCertificate = .notRequested) {
        self.router = router
        self.clientCertificate = clientCertificate
        self.timeout = timeout
    }

    func handlerAdded(context: ChannelHandlerContext) { arm(context, timeout) }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            guard case .waiting = state else { return }
            let (path, _) = Self.split(head.uri)
            switch router.match(method: head.method.rawValue, path: path) {
            case .notFound:
                fail(context, head, 404, "not found")
            case .methodNotAllowed(let allow):
                fail(context, head, 405, "method not allowed", headers: [("Allow", allow.joined(separator: ", "))])
            case .route(let route):
                let length = head.headers.first(name: "content-length").flatMap { Int($0) }
                if let length, length > route.maxBodyBytes {
                    fail(context, head, 413, "the request body is larger than \(route.maxBodyBytes) bytes")
                } else if route.maxBodyBytes == 0, head.headers.contains(name: "transfer-encoding") {
                    fail(context, head, 413, "this path takes no request body")
                } else {
                    state = .receiving(head, route, [])
                }
            }
        case .body(let buffer):
            guard case .receiving(let head, let route, var body) = state else { return }
            state = .handling  // drops the state's reference to `body`, so appending does not copy it
            guard body.count + buffer.readableBytes <= route.maxBodyBytes else {
                fail(context, head, 413, "the request body is larger than \(route.maxBodyBytes) bytes")
                return
            }
            body.append(contentsOf: buffer.readableBytesView)
            state = .receiving(head, route, body)
        case .end:
            guard case .receiving(let head, let route, let body) = state else { return }
            state = .handling
            deadline?.cancel()
            deadline = nil
            run(context, head, route, body)
        }
    }

    private func run(_ context: ChannelHandlerContext, _ head: HTTPRequestHead, _ route: HTTPRouter.Route, _ body: [UInt8]) {
        let (path, query) = Self.split(head.uri)
        let request = HTTPRequest(method: head.method.rawValue, path: path, query: query,
                                  headers: head.headers.map { (name: $0.name, value: $0.value) }, body: body,
                                  clientCertificate: clientCertificate)
        let handler = route.handler
        let promise = context.eventLoop.makePromise(of: HTTPResponse.self)
        promise.completeWithTask { await handler(request) }
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        promise.futureResult.whenSuccess { response in
            let (handler, context) = bound.value
            handler.respond(context, head, response, close: false)
        }
    }

    private func fail(_ context: ChannelHandlerContext, _ head: HTTPRequestHead, _ status: Int, _ message: String,
                      headers: [(String, String)] = []) {
        var response = HTTPResponse.text(status, message)
        response.headers += headers.map { (name: $0.0, value: $0.1) }
        respond(context, head, response, close: true)
    }

    /// Writes `response`; then waits for the next request, or (error answers, clients that asked for it)
    /// closes the sending side and lets the deadline close the rest.
    private func respond(_ context: ChannelHandlerContext, _ head: HTTPRequestHead, _ response: HTTPResponse, close: Bool) {
        let keepAlive = head.isKeepAlive && !close
        // The state and deadline change before the answer is written: writing its end lets NIO's pipelining
        // handler pass on a request the client already sent, from within this call.
        if keepAlive {
            state = .waiting
            arm(context, timeout)
        } else {
            state = .closing
            arm(context, min(timeout, .seconds(2)))
        }
        var headers = HTTPHeaders(response.headers.map { ($0.name, $0.value) })
        headers.replaceOrAdd(name: "Content-Length", value: "\(response.body.count)")
        headers.replaceOrAdd(name: "Connection", value: keepAlive ? "keep-alive" : "close")
        let status = HTTPResponseStatus(statusCode: response.status)
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))), promise: nil)
        if head.method != .HEAD, !response.body.isEmpty {
            var buffer = context.channel.allocator.buffer(capacity: response.body.count)
            buffer.writeBytes(response.body)
            context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        }
        let written = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive {
            let channel = context.channel
            written.whenComplete { _ in channel.close(mode: .output, promise: nil) }
        }
    }

    /// (Re)starts the deadline by which the next request must have arrived whole.
    private func arm(_ context: ChannelHandlerContext, _ delay: TimeAmount) {
        deadline?.cancel()
        let channel = context.channel
        deadline = context.eventLoop.scheduleTask(in: delay) { channel.close(promise: nil) }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let handshake = event as? TLSHandshakeCompleted {
            switch handshake.peerCertificate {
            case .notRequested: clientCertificate = .notRequested
            case .absent, .unverified: clientCertificate = .absent
            case .verified: clientCertificate = .verified
            }
        }
        context.fireUserInboundEventTriggered(event)
    }

    /// A request NIO could not parse (headers over the limits, not HTTP …) was answered 400 by NIO's error
    /// handler before this one: stop sending and let the deadline close the rest, as after any error
    /// answer. Any other error closes the connection.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard error is HTTPParserError || error is ByteToMessageDecoderError else {
            context.close(promise: nil)
            return
        }
        if case .closing = state { return }
        state = .closing
        context.channel.close(mode: .output, promise: nil)
        arm(context, min(timeout, .seconds(2)))
    }

    /// `/path?query` → ("/path", "query").
    static func split(_ uri: String) -> (path: String, query: String?) {
        guard let mark = uri.firstIndex(of: "?") else { return (uri, nil) }
        return (String(uri[..<mark]), String(uri[uri.index(after: mark)...]))
    }
}
