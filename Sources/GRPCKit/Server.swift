import CGRPC
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Answers one unary call: the request message in, the response message out.
public typealias UnaryHandler = @Sendable (_ request: [UInt8], _ context: ServerContext) async throws(RPCError) -> [UInt8]
/// Serves one bidirectional stream; returning ends the call with OK, throwing with that status.
public typealias BidirectionalStreamHandler = @Sendable (_ stream: ServerStream, _ context: ServerContext) async throws(RPCError) -> Void

/// A gRPC server on the C core. Register handlers by full method path ("/package.Service/Method"),
/// `start()`, and end with `shutdown(grace:)`. Calls to unregistered paths get UNIMPLEMENTED.
///
/// Threading: one completion queue and its thread per server run every completion (accepting calls,
/// reads, writes); handlers run as Swift tasks and talk to their call through bounded queues.
public final class Server: Sendable {
    private let core: ServerCore

    /// The bound port (the one picked when `options.listen` asked for port 0).
    public var port: Int { core.port }

    /// Creates the server and binds its port (it accepts calls once started).
    public init(options: ServerOptions = ServerOptions()) throws(RPCError) {
        core = try ServerCore(options: options)
    }

    /// A server that is dropped without `shutdown` cancels its calls and frees itself in the background.
    deinit { core.shutdownNow() }

    public func register(unary method: String, _ handler: @escaping UnaryHandler) {
        core.register(method, .unary(handler))
    }

    public func register(bidirectionalStream method: String, _ handler: @escaping BidirectionalStreamHandler) {
        core.register(method, .bidirectional(handler))
    }

    public func start() throws(RPCError) { try core.start() }

    /// Drains the server, then frees it; returns once all of that is done:
    ///
    /// 1. from now on a call that arrives is refused at once with UNAVAILABLE ("the server is
    ///    shutting down"), except calls to `alwaysAdmittedMethods` (health checks keep answering);
    /// 2. streams in flight stop reading requests: a handler still receives the requests already
    ///    read ahead (at most `receivePrefetch`), answers them, and then `receive` throws UNAVAILABLE
    ///    (nil if the client had already half-closed); unary calls in flight run to their end;
    /// 3. calls still running once `grace` has passed are cancelled with UNAVAILABLE, "the server is
    ///    shutting down" (their handlers see cancellation);
    /// 4. the core server shuts down (GOAWAY to every client) and is freed.
    @discardableResult
    public func shutdown(grace: Duration = .seconds(10)) async -> ShutdownReport {
        let deadline = ContinuousClock.now + grace
        let drained = core.beginDraining()
        await core.waitForAdmittedCalls(until: deadline)
        let cancelled = core.cancelAdmittedCalls()
        core.beginShutdown()
        // Always-admitted calls (a health check) get what is left of the grace, at least a moment.
        if await !core.shutdownComplete.wait(until: max(deadline, .now + .milliseconds(100))) {
            core.cancelAllCalls()
            _ = await core.shutdownComplete.wait()
        }
        _ = await core.queue.drained.wait()
        return ShutdownReport(callsInFlight: drained, callsCancelled: cancelled)
    }
}

/// What a shutdown found and did.
public struct ShutdownReport: Sendable, Equatable {
    /// Admitted calls running when the shutdown began.
    public var callsInFlight: Int
    /// Those still running when the grace period ended, cancelled with UNAVAILABLE.
    public var callsCancelled: Int

    public init(callsInFlight: Int, callsCancelled: Int) {
        self.callsInFlight = callsInFlight
        self.callsCancelled = callsCancelled
    }
}

enum MethodHandler: Sendable {
    case unary(UnaryHandler)
    case bidirectional(BidirectionalStreamHandler)
}

/// Owns the `grpc_server`. Invariant: `server` is touched under `lock` only, and not after
/// `destroyed` (it is destroyed on the queue thread when the shutdown notification arrives).
final class ServerCore: @unchecked Sendable {
    let queue: CompletionQueue
    let port: Int
    private let options: ServerOptions
    private let server: OpaquePointer
    private let lock = Lock()
    private var handlers: [String: MethodHandler] = [:]
    private var started = false
    private var stopping = false
    private var destroyed = false
    /// Set when a shutdown begins: new calls are refused, admitted streams stop reading.
    private var draining = false
    /// Admitted calls (not `alwaysAdmittedMethods`) from arrival until their handler returned and
    /// their end was seen; `maxConcurrentCalls` bounds their number.
    private var admitted: [ObjectIdentifier: StreamCore] = [:]
    let shutdownComplete = Flag()

    /// Calls the core may announce at once (each is one pending grpc_server_request_call).
    private static let pendingAccepts = 8

    init(options: ServerOptions) throws(RPCError) {
        self.options = options
        queue = CompletionQueue()
        let arguments = ChannelArguments()
        if let bytes = options.maxReceiveMessageBytes { arguments.set("grpc.max_receive_message_length", bytes) }
        if let bytes = options.maxSendMessageBytes { arguments.set("grpc.max_send_message_length", bytes) }
        if let streams = options.maxConcurrentStreams { arguments.set("grpc.max_concurrent_streams", streams) }
        arguments.setKeepalive(options.keepalive)
        arguments.setPingPolicy(options.pingPolicy)
        // A port already in use is an error, not a second server sharing it.
        arguments.set("grpc.so_reuseport", 0)
        server = arguments.withUnsafeArgs { grpc_server_create($0, nil) }
        grpc_server_register_completion_queue(server, queue.raw, nil)
        let credentials = options.credentials.makeCredentials()
        port = Int(grpc_server_add_http2_port(server, options.listen, credentials))
        if let credentials { grpc_server_credentials_release(credentials) }
        if port == 0 {
            beginShutdown()
            throw RPCError(.unavailable, "cannot listen on \(options.listen)")
        }
    }

    func register(_ method: String, _ handler: MethodHandler) {
        lock.withLock { handlers[method] = handler }
    }

    func start() throws(RPCError) {
        lock.lock()
        guard !started, !stopping else {
            lock.unlock()
            throw RPCError(.failedPrecondition, "the server was already started or shut down")
        }
        started = true
        grpc_server_start(server)
        lock.unlock()
        for _ in 0..<Self.pendingAccepts { acceptNextCall() }
    }

    private func acceptNextCall() {
        let incoming = IncomingCall(server: self)
        lock.withLock {
            guard !stopping else { return }
            _ = queue.withTag(incoming) { tag in
                grpc_server_request_call(server, incoming.call, incoming.details, incoming.metadata,
                                         queue.raw, queue.raw, tag) == GRPC_CALL_OK
            }
        }
    }

    /// On the queue thread: a call arrived (or, without `success`, the server is shutting down).
    fileprivate func accepted(_ incoming: IncomingCall, success: Bool) {
        guard success, let raw = incoming.call.pointee else { return }
        incoming.call.pointee = nil
        acceptNextCall()
        let method = String(decoding: sliceBytes(cgrpc_call_details_method(incoming.details)), as: UTF8.self)
        let handler = lock.withLock { handlers[method] }
        var prefetch = 0
        if case .bidirectional = handler { prefetch = options.receivePrefetch }
        let call = CallHandle(raw, queue: queue)
        let stream = StreamCore(call: call, side: .server, sendCapacity: options.sendQueueCapacity, prefetch: prefetch)
        let context = ServerContext(method: method, peer: call.peer, deadline: incoming.deadline,
                                    requestMetadata: Metadata(UnsafePointer(incoming.metadata)), stream: stream)
        let (refusal, onEnd) = admit(method, stream)
        let observed = options.callObserver.map { ObservedCall($0, method: method, isRegistered: handler != nil) }
        ServerCallDriver(context: context, stream: stream, isStopping: { [self] in lock.withLock { stopping || draining } },
                         refusal: refusal, onEnd: onEnd, observed: observed)
            .run(handler)
    }

    /// The admission check, before anything of the call is read: while draining, UNAVAILABLE; at
    /// `maxConcurrentCalls`, RESOURCE_EXHAUSTED; else the call counts until `onEnd` runs.
    private func admit(_ method: String, _ stream: StreamCore) -> (refusal: RPCError?, onEnd: @Sendable () -> Void) {
        if options.alwaysAdmittedMethods.contains(method) { return (nil, {}) }
        let id = ObjectIdentifier(stream)
        let refusal: RPCError? = lock.withLock {
            if draining || stopping { return .unavailable }
            if let limit = options.maxConcurrentCalls, admitted.count >= limit {
                return RPCError(.resourceExhausted, "the server is at its limit of \(limit) concurrent calls; try again later")
            }
            admitted[id] = stream
            return nil
        }
        if refusal != nil { return (refusal, {}) }
        return (nil, { [weak self] in self?.lock.withLock { _ = self?.admitted.removeValue(forKey: id) } })
    }

    /// Admitted calls running now.
    var admittedCallCount: Int { lock.withLock { admitted.count } }

    // MARK: shutdown

    /// Refuses new calls from now on and stops every admitted stream reading; the number of
    /// admitted calls running.
    func beginDraining() -> Int {
        let streams: [StreamCore] = lock.withLock {
            draining = true
            return Array(admitted.values)
        }
        streams.forEach { $0.drain() }
        return streams.count
    }

    /// Waits until no admitted call runs, or `deadline`.
    func waitForAdmittedCalls(until deadline: ContinuousClock.Instant) async {
        while admittedCallCount > 0, ContinuousClock.now < deadline {
            do { try await Task.sleep(for: .milliseconds(2)) } catch { usleep(2000) }
        }
    }

    /// Cancels every admitted call still running with UNAVAILABLE; how many there were.
    func cancelAdmittedCalls() -> Int {
        let streams: [StreamCore] = lock.withLock { Array(admitted.values) }
        for stream in streams { stream.call.cancel(.unavailable, RPCError.unavailable.message) }
        return streams.count
    }

    /// grpc_server_shutdown_and_notify (once): no new calls; the notification comes when calls are done.
    func beginShutdown() {
        lock.withLock {
            guard !stopping else { return }
            stopping = true
            let notification = ShutdownNotification(server: self)
            let queued = queue.withTag(notification) { tag in
                grpc_server_shutdown_and_notify(server, queue.raw, tag)
                return true
            }
            precondition(queued, "GRPCKit: the server's completion queue closed before the server")
        }
    }

    func cancelAllCalls() {
        lock.withLock { if !destroyed { grpc_server_cancel_all_calls(server) } }
    }

    func shutdownNow() {
        beginShutdown()
        cancelAllCalls()
    }

    /// On the queue thread: every call has ended; free the server, then close the queue.
    fileprivate func shutdownNotified() {
        lock.withLock {
            destroyed = true
            grpc_server_destroy(server)
        }
        shutdownComplete.set()
        queue.shutdown()
    }
}

/// The out-parameters of one grpc_server_request_call.
private final class IncomingCall: CompletionTag {
    let server: ServerCore
    let call = UnsafeMutablePointer<OpaquePointer?>.allocate(capacity: 1)
    let details = UnsafeMutablePointer<grpc_call_details>.allocate(capacity: 1)
    let metadata = UnsafeMutablePointer<grpc_metadata_array>.allocate(capacity: 1)

    init(server: ServerCore) {
        self.server = server
        call.initialize(to: nil)
        details.initialize(to: grpc_call_details())
        grpc_call_details_init(details)
        metadata.initialize(to: grpc_metadata_array())
        grpc_metadata_array_init(metadata)
    }

    deinit {
        if let raw = call.pointee { grpc_call_unref(raw) }
        call.deallocate()
        grpc_call_details_destroy(details)
        details.deallocate()
        grpc_metadata_array_destroy(metadata)
        metadata.deallocate()
    }

    override func complete(success: Bool) { server.accepted(self, success: success) }

    /// The client's deadline on the monotonic clock, nil if it set none.
    var deadline: ContinuousClock.Instant? {
        let deadline = details.pointee.deadline
        guard gpr_time_cmp(deadline, gpr_inf_future(deadline.clock_type)) != 0 else { return nil }
        let remaining = gpr_time_sub(gpr_convert_clock_type(deadline, GPR_CLOCK_MONOTONIC), gpr_now(GPR_CLOCK_MONOTONIC))
        return .now + .seconds(remaining.tv_sec) + .nanoseconds(remaining.tv_nsec)
    }
}

private final class ShutdownNotification: CompletionTag {
    let server: ServerCore
    init(server: ServerCore) { self.server = server }
    override func complete(success: Bool) { server.shutdownNotified() }
}
