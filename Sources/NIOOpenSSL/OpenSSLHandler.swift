import NIOCore

/// TLS on a swift-nio channel through the system OpenSSL: the first handler of the pipeline, ciphertext
/// below, plaintext `ByteBuffer`s above. Server or client as its `OpenSSLContext` is.
///
/// - The handshake starts when the channel is active (a client sends its ClientHello then; a server
///   waits for one). Writes made before it ends are held and sent after it. When it ends,
///   `TLSHandshakeCompleted` is fired inbound and `handshakePromise` succeeds; when it fails, the alert
///   OpenSSL made is sent, the promise fails with the `TLSError`, the error is fired inbound and the
///   channel closes. A server answers a plain HTTP request with a plain `400` saying to use https.
/// - Closing (all, or output) sends close_notify first. A peer's close_notify closes the channel.
///
/// Time limits are the pipeline's business (the HTTP server's request deadline covers the handshake).
public final class OpenSSLHandler: ChannelDuplexHandler, RemovableChannelHandler {
    public typealias InboundIn = ByteBuffer
    public typealias InboundOut = ByteBuffer
    public typealias OutboundIn = ByteBuffer
    public typealias OutboundOut = ByteBuffer

    private enum State {
        case idle
        case handshaking
        case open
        case closed
    }

    private let connection: OpenSSLConnection?
    private let handshakePromise: EventLoopPromise<TLSHandshakeCompleted>?
    private var state = State.idle
    private var heldWrites: [(ByteBuffer, EventLoopPromise<Void>?)] = []
    private var handshakeSettled = false

    /// `serverName`: a client's name to verify the server's certificate against (and send as SNI); nil
    /// verifies the chain only. `handshakePromise` is completed when the handshake ends or fails.
    public init(context: OpenSSLContext, serverName: String? = nil,
                handshakePromise: EventLoopPromise<TLSHandshakeCompleted>? = nil) {
        connection = OpenSSLConnection(context: context, serverName: serverName)
        self.handshakePromise = handshakePromise
    }

    public func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { start(context) }
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        failHeldWrites(ChannelError.ioOnClosedChannel)
        settleHandshake(.failure(TLSError(description: "the TLS handler was removed", kind: .closed)))
    }

    public func channelActive(context: ChannelHandlerContext) {
        start(context)
        context.fireChannelActive()
    }

    private func start(_ context: ChannelHandlerContext) {
        guard case .idle = state else { return }
        guard let connection else {
            fail(context, TLSError(description: "OpenSSL could not make a connection", kind: .handshake))
            return
        }
        state = .handshaking
        if connection.context.role == .client { advanceHandshake(context) }
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let connection else { return }
        connection.receive(unwrapInboundIn(data))
        switch state {
        case .handshaking: advanceHandshake(context)
        case .open: readPlaintext(context)
        case .idle, .closed: break
        }
    }

    public func channelInactive(context: ChannelHandlerContext) {
        settleHandshake(.failure(TLSError(description: "the connection closed during the TLS handshake", kind: .closed)))
        state = .closed
        failHeldWrites(ChannelError.ioOnClosedChannel)
        context.fireChannelInactive()
    }

    private func advanceHandshake(_ context: ChannelHandlerContext) {
        guard let connection else { return }
        switch connection.handshake() {
        case .needMoreInput:
            sendOutput(context)
        case .failed(let error):
            fail(context, error)
        case .done:
            state = .open
            sendOutput(context)
            let completed = TLSHandshakeCompleted(peerCertificate: connection.peerCertificate,
                                                  protocolVersion: connection.protocolVersion)
            settleHandshake(.success(completed))
            context.fireUserInboundEventTriggered(completed)
            let held = heldWrites
            heldWrites = []
            for (buffer, promise) in held { write(context, buffer, promise) }
            if !held.isEmpty { context.flush() }
            // Application data may have come with the end of the handshake.
            if case .open = state { readPlaintext(context) }
        }
    }

    /// Passes on every plaintext byte OpenSSL can decrypt now (the socket's `channelReadComplete` follows,
    /// passed on as it is).
    private func readPlaintext(_ context: ChannelHandlerContext) {
        guard let connection else { return }
        while case .open = state {
            var buffer = context.channel.allocator.buffer(capacity: 0)
            switch connection.read(into: &buffer) {
            case .bytes:
                context.fireChannelRead(wrapInboundOut(buffer))
            case .needMoreInput:
                sendOutput(context)
                return
            case .closed:
                sendOutput(context)
                context.close(promise: nil)
                return
            case .failed(let error):
                fail(context, error)
                return
            }
        }
    }

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let buffer = unwrapOutboundIn(data)
        switch state {
        case .idle, .handshaking: heldWrites.append((buffer, promise))
        case .open: write(context, buffer, promise)
        case .closed: promise?.fail(ChannelError.ioOnClosedChannel)
        }
    }

    private func write(_ context: ChannelHandlerContext, _ buffer: ByteBuffer, _ promise: EventLoopPromise<Void>?) {
        guard let connection else { return }
        if let error = connection.write(buffer) {
            promise?.fail(error)
            fail(context, error)
            return
        }
        if let output = connection.takeOutput(allocator: context.channel.allocator) {
            context.write(wrapOutboundOut(output), promise: promise)
        } else {
            promise?.succeed()
        }
    }

    public func flush(context: ChannelHandlerContext) {
        if case .open = state { context.flush() }
    }

    public func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        if case .open = state, mode != .input, let connection {
            connection.shutdown()
            if mode == .all { state = .closed }
            sendOutput(context)
        }
        if mode == .all {
            state = .closed
            failHeldWrites(ChannelError.ioOnClosedChannel)
        }
        context.close(mode: mode, promise: promise)
    }

    /// Writes and flushes what OpenSSL produced (handshake messages, alerts, close_notify).
    private func sendOutput(_ context: ChannelHandlerContext) {
        guard let connection, let output = connection.takeOutput(allocator: context.channel.allocator) else { return }
        context.writeAndFlush(wrapOutboundOut(output), promise: nil)
    }

    private func fail(_ context: ChannelHandlerContext, _ error: TLSError) {
        guard state != .closed else { return }
        sendOutput(context)  // the alert, if OpenSSL made one
        if error.kind == .plainHTTP, connection?.context.role == .server {
            let body = "This port speaks HTTPS: use https://\n"
            let answer = "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\n"
                + "Content-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n" + body
            context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: answer)), promise: nil)
        }
        state = .closed
        settleHandshake(.failure(error))
        failHeldWrites(error)
        context.fireErrorCaught(error)
        context.close(promise: nil)
    }

    private func settleHandshake(_ result: Result<TLSHandshakeCompleted, TLSError>) {
        guard !handshakeSettled else { return }
        handshakeSettled = true
        switch result {
        case .success(let completed): handshakePromise?.succeed(completed)
        case .failure(let error): handshakePromise?.fail(error)
        }
    }

    private func failHeldWrites(_ error: any Error) {
        let held = heldWrites
        heldWrites = []
        for (_, promise) in held { promise?.fail(error) }
    }
}

@available(*, unavailable)
extension OpenSSLHandler: Sendable {}
