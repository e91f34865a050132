import NIOCore
import NIOHTTP1
import NIOOpenSSL
import NIOPosix
#if canImport(Glibc)
import Glibc
#endif

/// A small HTTP/1.1 client on swift-nio for the alert sink: one keep-alive connection, one request at a
/// time (no pipelining), used synchronously by the sink's sender thread. A connection the server closes
/// (or says `Connection: close` on) is opened again at the next request.
///
/// An `https://` URL is TLS (NIOOpenSSL): the server's certificate is verified against the context's CAs
/// for the URL's host, before the first request on each connection.
final class HTTPAlertClient: @unchecked Sendable {
    // Invariant: `connection` is touched by the one sender thread only.
    struct Failure: Error, CustomStringConvertible {
        var description: String
        /// Retrying will not help (a certificate refused, by either side).
        var permanent = false
    }

    struct Answer {
        var status: HTTPResponseStatus
    }

    let url: AlertURL
    let userAgent: String
    let connectTimeout: TimeAmount
    let requestTimeout: TimeAmount
    private let tls: OpenSSLContext?
    private let group: MultiThreadedEventLoopGroup
    private var connection: (channel: any Channel, handler: ResponseHandler)?

    init(url: AlertURL, userAgent: String, tls: OpenSSLContext? = nil, connectTimeout: Duration = .seconds(2),
         requestTimeout: Duration = .seconds(5)) {
        self.url = url
        self.tls = tls
        self.userAgent = userAgent
        self.connectTimeout = .nanoseconds(Self.nanoseconds(connectTimeout))
        self.requestTimeout = .nanoseconds(Self.nanoseconds(requestTimeout))
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    }

    /// POSTs `body` and waits for the answer's head and end; a connection or protocol error, or no
    /// answer within `requestTimeout`, throws (the connection is then dropped).
    func post(_ body: [UInt8]) throws(Failure) -> Answer {
        let current: (channel: any Channel, handler: ResponseHandler)
        if let connection, connection.channel.isActive {
            current = connection
        } else {
            connection = nil
            current = try connect()
            connection = current
        }
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: url.hostHeader)
        headers.add(name: "User-Agent", value: userAgent)
        headers.add(name: "Accept", value: "*/*")
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "Content-Length", value: String(body.count))
        let head = HTTPRequestHead(version: .http1_1, method: .POST, uri: url.target, headers: headers)
        let channel = current.channel
        let handler = current.handler
        let timeout = requestTimeout
        let promise = channel.eventLoop.makePromise(of: ResponseHandler.Response.self)
        channel.eventLoop.execute {
            handler.expect(promise, timeout: timeout, on: channel)
            var buffer = channel.allocator.buffer(capacity: body.count)
            buffer.writeBytes(body)
            channel.write(HTTPClientRequestPart.head(head), promise: nil)
            channel.write(HTTPClientRequestPart.body(.byteBuffer(buffer)), promise: nil)
            channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
        }
        do {
            let response = try promise.futureResult.wait()
            if !response.keepAlive { drop() }
            return Answer(status: response.status)
        } catch {
            drop()
            // A client certificate the server refuses shows only now in TLS 1.3 (its alert follows the handshake).
            if let tls = error as? TLSError {
                throw Failure(description: "TLS with \(url.hostHeader) failed: \(tls.description)", permanent: tls.kind == .certificate)
            }
            throw Failure(description: Self.describe(error))
        }
    }

    /// Closes the connection (the next request opens a new one).
    func drop() {
        if let connection { connection.channel.close(promise: nil) }
        connection = nil
    }

    func shutdown() {
        drop()
        try? group.syncShutdownGracefully()
    }

    private func connect() throws(Failure) -> (channel: any Channel, handler: ResponseHandler) {
        let handler = ResponseHandler()
        let loop = group.next()
        let tls = url.isTLS ? tls : nil
        let handshake = tls.map { _ in loop.makePromise(of: TLSHandshakeCompleted.self) }
        let serverName = url.host
        let bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(connectTimeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(
                            OpenSSLHandler(context: tls, serverName: serverName, handshakePromise: handshake))
                    }
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
        let channel: any Channel
        do {
            channel = try bootstrap.connect(host: url.host, port: url.port).wait()
        } catch {
            handshake?.fail(ChannelError.ioOnClosedChannel)
            throw Failure(description: "cannot connect to \(url.hostHeader): \(Self.describe(error))")
        }
        if let handshake {
            let limit = connectTimeout
            let timer = loop.scheduleTask(in: limit) {
                handshake.fail(TLSError(description: "no TLS handshake within \(limit.nanoseconds / 1_000_000) ms", kind: .timeout))
                channel.close(promise: nil)
            }
            defer { timer.cancel() }
            do {
                _ = try handshake.futureResult.wait()
            } catch {
                channel.close(promise: nil)
                let tlsError = error as? TLSError
                var text = "TLS with \(url.hostHeader) failed: \(tlsError?.description ?? Self.describe(error))"
                if tlsError?.description.hasPrefix("the server's certificate") == true {
                    text += " (--alerts-http-ca names the CA to trust)"
                }
                throw Failure(description: text, permanent: tlsError?.kind == .certificate)
            }
        }
        return (channel, handler)
    }

    private static func describe(_ error: any Error) -> String {
        if let failure = error as? Failure { return failure.description }
        if let io = error as? IOError { return String(cString: strerror(io.errnoCode)) }
        if let connection = error as? NIOConnectionError {
            if let first = connection.connectionErrors.first { return describe(first.error) }
            return "cannot resolve \(connection.host)"
        }
        if error is ChannelError, case .connectTimeout = error as! ChannelError { return "connection timed out" }
        if let channelError = error as? ChannelError, channelError == .ioOnClosedChannel || channelError == .eof {
            return "the connection was closed before an answer"
        }
        return "\(error)"
    }

    private static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}

/// Reads one answer at a time (head, body ignored, end) and completes the request's promise; a closed
/// connection, an error or the timeout fails it.
final class ResponseHandler: ChannelInboundHandler, @unchecked Sendable {
    // Invariant: every member is touched on the channel's event loop only.
    typealias InboundIn = HTTPClientResponsePart

    struct Response {
        var status: HTTPResponseStatus
        var keepAlive: Bool
    }

    private var pending: EventLoopPromise<Response>?
    private var head: HTTPResponseHead?
    private var timer: Scheduled<Void>?
    /// What closed the connection while no request was waiting: a TLS 1.3 server's alert refusing the
    /// client certificate can come (and close the connection) before the first request is made.
    private var closedBy: (any Error)?

    func expect(_ promise: EventLoopPromise<Response>, timeout: TimeAmount, on channel: any Channel) {
        guard channel.isActive, closedBy == nil else {
            promise.fail(closedBy ?? HTTPAlertClient.Failure(description: "the connection was closed before an answer"))
            return
        }
        pending = promise
        head = nil
        timer = channel.eventLoop.scheduleTask(in: timeout) { [weak self] in
            self?.fail(HTTPAlertClient.Failure(description: "no answer within \(timeout.nanoseconds / 1_000_000) ms"))
            channel.close(promise: nil)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
        case .body:
            break
        case .end:
            guard let head else { return }
            let promise = pending
            pending = nil
            timer?.cancel()
            timer = nil
            promise?.succeed(Response(status: head.status, keepAlive: head.isKeepAlive))
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(HTTPAlertClient.Failure(description: "the connection was closed before an answer"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(error)
        context.close(promise: nil)
    }

    private func fail(_ error: any Error) {
        if pending == nil, closedBy == nil { closedBy = error }
        let promise = pending
        pending = nil
        timer?.cancel()
        timer = nil
        promise?.fail(error)
    }
}
