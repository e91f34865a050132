/// What a handler knows about its call, and how it sets the trailing metadata.
public final class ServerContext: @unchecked Sendable {
    public let method: String
    /// The client's address, e.g. "ipv4:127.0.0.1:53124".
    public let peer: String
    /// When the client stops waiting; nil if it set no deadline.
    public let deadline: ContinuousClock.Instant?
    public let requestMetadata: Metadata

    private let stream: StreamCore
    // Invariant: `task`, `cancelRequested` and `finished` are touched under `lock` only.
    private let lock = Lock()
    private var task: Task<Void, Never>?
    private var cancelRequested = false
    private var finished = false

    init(method: String, peer: String, deadline: ContinuousClock.Instant?, requestMetadata: Metadata, stream: StreamCore) {
        self.method = method
        self.peer = peer
        self.deadline = deadline
        self.requestMetadata = requestMetadata
        self.stream = stream
    }

    /// True once the client went away, the deadline passed or the server cancelled the call. The
    /// handler's task is cancelled at the same moment, so `Task.isCancelled` and cancellation
    /// handlers see it too; pending `receive`/`send` calls throw.
    public var isCancelled: Bool { stream.isCancelled }

    /// Sent with the final status.
    public func setTrailingMetadata(_ metadata: Metadata) { stream.setTrailingMetadata(metadata) }

    func attach(_ task: Task<Void, Never>) {
        let cancelNow = lock.withLock { () -> Bool in
            guard !finished else { return false }
            self.task = task
            return cancelRequested
        }
        if cancelNow { task.cancel() }
    }

    /// The handler returned: drop the task handle (the task retains its closure, which retains this
    /// context, so keeping it would be a cycle).
    func handlerFinished() {
        lock.withLock {
            finished = true
            task = nil
        }
    }

    func cancelHandler() {
        let task = lock.withLock { () -> Task<Void, Never>? in
            cancelRequested = true
            return self.task
        }
        task?.cancel()
    }
}

/// A handler's side of a bidirectional stream: requests in, responses out, both bounded.
public struct ServerStream: Sendable {
    let core: StreamCore

    /// The next request; nil once the client half-closed. Reads one message at a time, so a slow
    /// handler slows the client. Throws CANCELLED (or UNAVAILABLE at shutdown) if the call ended.
    public func receive() async throws(RPCError) -> [UInt8]? { try await core.receive() }

    /// Queues a response; suspends while the call's send queue is full.
    public func send(_ message: [UInt8]) async throws(RPCError) { try await core.send(message) }
}

/// Runs one accepted call: watches for its end, reads a unary request, runs the handler as a task
/// and sends its status.
struct ServerCallDriver {
    let context: ServerContext
    let stream: StreamCore
    let isStopping: @Sendable () -> Bool
    /// The admission check refused the call: it ends at once with this status, no handler runs.
    let refusal: RPCError?
    /// Runs once the handler returned (or will never run) and the call's end was seen.
    let onEnd: @Sendable () -> Void
    /// Told when the call ends (metrics); nil: nobody.
    var observed: ObservedCall? = nil

    func run(_ handler: MethodHandler?) {
        let context = self.context, stream = self.stream, isStopping = self.isStopping
        let ending = CallEnding(onEnd)
        // The stream keeps these closures: they must not retain the context, which retains the stream.
        let deadline = context.deadline
        stream.observeCancellation(reason: {
            if isStopping() { return .unavailable }
            if let deadline, deadline <= .now { return RPCError(.deadlineExceeded, "the deadline passed") }
            return .cancelled
        }, { [weak context] in context?.cancelHandler() })
        let close = Batch()
        close.addReceiveCloseOnServer()
        let observed = self.observed
        if !stream.call.start(close, onComplete: { batch, success in
            stream.serverCallClosed(wasCancelled: batch.serverSawCancellation || !success)
            observed?.ended(stream.serverEndCode)
            ending.partEnded()
        }) {
            observed?.ended(.unavailable)
            ending.partEnded()
        }
        if let refusal {
            stream.finish(.status(refusal.code, refusal.message, message: nil))
            ending.partEnded()
            return
        }
        switch handler {
        case nil:
            stream.finish(.status(.unimplemented, "Method not found: \(context.method)", message: nil))
            ending.partEnded()
        case let .unary(handler)?:
            let request = Batch()
            request.addReceiveMessage()
            let started = stream.call.start(request) { batch, success in
                guard success else { ending.partEnded(); return }
                guard let message = batch.receivedMessage else {
                    stream.finish(.status(.internalError, "the request message is missing", message: nil))
                    ending.partEnded()
                    return
                }
                context.attach(Task {
                    do throws(RPCError) {
                        let response = try await handler(message, context)
                        stream.finish(.status(.ok, "", message: response))
                    } catch {
                        stream.finish(.status(error.code, error.message, message: nil))
                    }
                    context.handlerFinished()
                    ending.partEnded()
                })
            }
            if !started { ending.partEnded() }
        case let .bidirectional(handler)?:
            stream.startReadingAhead()
            context.attach(Task {
                do throws(RPCError) {
                    try await handler(ServerStream(core: stream), context)
                    stream.finish(.status(.ok, "", message: nil))
                } catch {
                    stream.finish(.status(error.code, error.message, message: nil))
                }
                context.handlerFinished()
                ending.partEnded()
            })
        }
    }
}

/// Runs `onEnd` once both parts of a call ended: its handler (or the decision that none runs) and
/// the call itself (RECV_CLOSE_ON_SERVER).
private final class CallEnding: @unchecked Sendable {
    // Invariant: `parts` is touched under `lock` only.
    private let lock = Lock()
    private var parts = 2
    private let onEnd: @Sendable () -> Void

    init(_ onEnd: @escaping @Sendable () -> Void) { self.onEnd = onEnd }

    func partEnded() {
        let last = lock.withLock { () -> Bool in
            parts -= 1
            return parts == 0
        }
        if last { onEnd() }
    }
}
