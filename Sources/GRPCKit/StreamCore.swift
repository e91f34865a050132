/// The streaming half of a call, for both sides: a bounded send queue drained one SEND_MESSAGE at a
/// time, and receives started only on demand (or up to `prefetch` messages ahead of the reader).
///
/// Back-pressure: `send` enqueues and returns without suspending while fewer than `sendCapacity`
/// messages are queued or in flight; beyond that it suspends until the core accepted one. `receive`
/// returns a message already read ahead without suspending; otherwise it starts the next
/// RECV_MESSAGE and suspends. Nothing here grows without bound.
///
/// Invariant (why `@unchecked Sendable` is sound): every mutable field is read and written under
/// `lock`; continuations are resumed after the lock is released; C objects are only reached through
/// `call`, whose batches may start from any thread.
final class StreamCore: @unchecked Sendable {
    enum Side { case server, client }

    /// How the sending side ends once its queue is empty.
    enum Close {
        case halfClose
        case status(StatusCode, String, message: [UInt8]?)
    }

    let call: CallHandle
    private let side: Side
    private let sendCapacity: Int
    private let prefetch: Int
    private let lock = Lock()

    // Sending.
    private var queued: [[UInt8]] = []
    private var sending = false
    private var blockedSenders: [(message: [UInt8], continuation: UnsafeContinuation<RPCError?, Never>)] = []
    private var close: Close?
    private var closeStarted = false
    private var sendFailed = false
    /// Server side: initial metadata goes out with the first message or the status.
    private var initialMetadataPending: Bool
    private var trailingMetadata = Metadata()

    // Receiving.
    private var received: [[UInt8]] = []
    private var receiving = false
    private var receiveEnded = false
    private var receiver: UnsafeContinuation<Result<[UInt8]?, RPCError>, Never>?
    /// Server side, at shutdown: no request is read any more; those already read ahead are still
    /// handed out, then `receive` throws UNAVAILABLE (sending goes on as usual).
    private var draining = false

    // The end of the call: server side, set when it was cancelled; client side, the final status.
    private var cancelled: RPCError?
    private var status: RPCStatus?
    /// Server side: why a call ended early, and who to tell (the handler's task) before any pending
    /// receive or send throws.
    private var cancellationReason: @Sendable () -> RPCError = { .cancelled }
    private var cancellationObserver: (@Sendable () -> Void)?

    init(call: CallHandle, side: Side, sendCapacity: Int, prefetch: Int) {
        self.call = call
        self.side = side
        self.sendCapacity = max(sendCapacity, 1)
        self.prefetch = max(prefetch, 0)
        initialMetadataPending = side == .server
    }

    func observeCancellation(reason: @escaping @Sendable () -> RPCError, _ observer: @escaping @Sendable () -> Void) {
        lock.withLock {
            cancellationReason = reason
            cancellationObserver = observer
        }
    }

    /// Marks the call cancelled (once); returns the observer to run after unlocking.
    private func cancelLocked(_ reason: RPCError? = nil) -> (@Sendable () -> Void)? {
        guard side == .server, cancelled == nil else { return nil }
        cancelled = reason ?? cancellationReason()
        defer { cancellationObserver = nil }
        return cancellationObserver
    }

    // MARK: sending

    func send(_ message: [UInt8]) async throws(RPCError) {
        lock.lock()
        if let error = sendErrorLocked() { lock.unlock(); throw error }
        if queued.count + (sending ? 1 : 0) < sendCapacity && blockedSenders.isEmpty {
            queued.append(message)
            pumpSendsLocked()
            lock.unlock()
            return
        }
        lock.unlock()
        let failure: RPCError? = await withUnsafeContinuation { continuation in
            lock.lock()
            if let error = sendErrorLocked() {
                lock.unlock()
                continuation.resume(returning: error)
            } else if sendFailed {
                // Client side: the status that explains the failure is on its way.
                blockedSenders.append(([], continuation))
                lock.unlock()
            } else if queued.count + (sending ? 1 : 0) < sendCapacity && blockedSenders.isEmpty {
                queued.append(message)
                pumpSendsLocked()
                lock.unlock()
                continuation.resume(returning: nil)
            } else {
                blockedSenders.append((message, continuation))
                lock.unlock()
            }
        }
        if let failure { throw failure }
    }

    /// Ends the sending side once everything queued is sent (idempotent; the first close wins).
    func finish(_ close: Close) {
        lock.lock()
        if self.close == nil { self.close = close }
        pumpSendsLocked()
        lock.unlock()
    }

    func setTrailingMetadata(_ metadata: Metadata) { lock.withLock { trailingMetadata = metadata } }

    private func sendErrorLocked() -> RPCError? {
        if let cancelled { return cancelled }
        if let status { return status.error ?? RPCError(.cancelled, "the call has already ended") }
        if close != nil { return RPCError(.failedPrecondition, "send after the stream was closed") }
        if sendFailed && side == .server { return .cancelled }
        return nil
    }

    /// Starts the next SEND_MESSAGE, or the close once the queue is empty.
    private func pumpSendsLocked() {
        guard !sending, !sendFailed, cancelled == nil, status == nil else { return }
        let batch = Batch()
        if !queued.isEmpty {
            if initialMetadataPending { batch.addSendInitialMetadata(Metadata()); initialMetadataPending = false }
            let message = queued.removeFirst()
            batch.addSendMessage(message, moreFollows: !queued.isEmpty)
        } else if let close, !closeStarted {
            closeStarted = true
            switch close {
            case .halfClose:
                batch.addSendCloseFromClient()
            case let .status(code, text, message):
                if initialMetadataPending { batch.addSendInitialMetadata(Metadata()); initialMetadataPending = false }
                if let message { batch.addSendMessage(message) }
                batch.addSendStatus(code, text, trailingMetadata: trailingMetadata)
            }
            call.start(batch) { _, _ in }
            return
        } else {
            return
        }
        sending = true
        if !call.start(batch, onComplete: { [self] _, success in sendCompleted(success) }) {
            sending = false
            sendFailed = true
            queued.removeAll()
        }
    }

    private func sendCompleted(_ success: Bool) {
        lock.lock()
        sending = false
        var resume: [(UnsafeContinuation<RPCError?, Never>, RPCError?)] = []
        var observer: (@Sendable () -> Void)?
        if !success {
            sendFailed = true
            queued.removeAll()
            observer = cancelLocked()
            if let error = sendErrorLocked() {
                resume = blockedSenders.map { ($0.continuation, error) }
                blockedSenders.removeAll()
            } else {
                // Client side: the senders stay blocked until the status arrives; drop their messages.
                blockedSenders = blockedSenders.map { ([], $0.continuation) }
            }
        } else {
            while !blockedSenders.isEmpty && queued.count < sendCapacity {
                let sender = blockedSenders.removeFirst()
                queued.append(sender.message)
                resume.append((sender.continuation, nil))
            }
            pumpSendsLocked()
        }
        lock.unlock()
        observer?()
        for (continuation, error) in resume { continuation.resume(returning: error) }
    }

    // MARK: receiving

    /// The next message; nil once the peer half-closed (server) or the call ended with OK (client).
    /// One reader at a time.
    func receive() async throws(RPCError) -> [UInt8]? {
        lock.lock()
        if let ready = takeReceivedLocked() { lock.unlock(); return try ready.get() }
        lock.unlock()
        let result: Result<[UInt8]?, RPCError> = await withUnsafeContinuation { continuation in
            lock.lock()
            if let ready = takeReceivedLocked() {
                lock.unlock()
                continuation.resume(returning: ready)
                return
            }
            precondition(receiver == nil, "GRPCKit: two tasks receive on one stream at once")
            receiver = continuation
            pumpReceivesLocked()
            // If the receive could not start (the queue closed), the end may already be known.
            let delivered = receiving ? nil : deliverLocked()
            lock.unlock()
            if let (continuation, result) = delivered { continuation.resume(returning: result) }
        }
        return try result.get()
    }

    private func takeReceivedLocked() -> Result<[UInt8]?, RPCError>? {
        if !received.isEmpty {
            let message = received.removeFirst()
            pumpReceivesLocked()
            return .success(message)
        }
        if let cancelled { return .failure(cancelled) }
        if draining && !receiveEnded { return .failure(.unavailable) }
        guard receiveEnded else { return nil }
        switch side {
        case .server: return .success(nil)
        case .client: return status.map { $0.error.map { .failure($0) } ?? .success(nil) }
        }
    }

    /// Starts a RECV_MESSAGE if a reader waits, or to keep `prefetch` messages read ahead.
    func pumpReceivesLocked() {
        guard !receiving, !receiveEnded, !draining, cancelled == nil else { return }
        guard receiver != nil || received.count < prefetch else { return }
        let batch = Batch()
        batch.addReceiveMessage()
        receiving = true
        if !call.start(batch, onComplete: { [self] batch, success in receiveCompleted(batch, success) }) {
            receiving = false
            receiveEnded = true
            _ = cancelLocked(.unavailable)  // the queue is closed: the server is shutting down
        }
    }

    /// Starts reading ahead when `prefetch` asks for it (called once the call is set up).
    func startReadingAhead() { lock.withLock { pumpReceivesLocked() } }

    private func receiveCompleted(_ batch: Batch, _ success: Bool) {
        let message = success ? batch.receivedMessage : nil
        lock.lock()
        receiving = false
        var observer: (@Sendable () -> Void)?
        if let message {
            // A request that arrives once draining began is not read: it stays unanswered.
            if !draining { received.append(message) }
        } else {
            receiveEnded = true
            if !success { observer = cancelLocked() }
        }
        let resumed = deliverLocked()
        if resumed == nil { pumpReceivesLocked() }
        lock.unlock()
        observer?()
        if let (continuation, result) = resumed { continuation.resume(returning: result) }
    }

    private func deliverLocked() -> (UnsafeContinuation<Result<[UInt8]?, RPCError>, Never>, Result<[UInt8]?, RPCError>)? {
        guard let waiting = receiver else { return nil }
        receiver = nil
        guard let ready = takeReceivedLocked() else { receiver = waiting; return nil }
        return (waiting, ready)
    }

    // MARK: the end of the call

    /// Server side: RECV_CLOSE_ON_SERVER completed; `wasCancelled` if the client went away, the
    /// deadline passed or the server cancelled all calls.
    func serverCallClosed(wasCancelled: Bool) {
        lock.lock()
        let observer = wasCancelled ? cancelLocked() : nil
        if cancelled != nil { received.removeAll() }
        let error = cancelled ?? RPCError(.cancelled, "the call has already ended")
        let senders = blockedSenders
        blockedSenders.removeAll()
        let delivered = deliverLocked()
        lock.unlock()
        observer?()
        for sender in senders { sender.continuation.resume(returning: error) }
        if let (continuation, result) = delivered { continuation.resume(returning: result) }
    }

    var isCancelled: Bool { lock.withLock { cancelled != nil } }

    /// Server side, at shutdown: stop reading requests. The requests already read ahead are still
    /// received; after them (or at once, for a handler waiting with none left) `receive` throws
    /// UNAVAILABLE, "the server is shutting down", unless the client had already half-closed.
    func drain() {
        lock.lock()
        guard side == .server, !draining else { lock.unlock(); return }
        draining = true
        let delivered = deliverLocked()
        lock.unlock()
        if let (continuation, result) = delivered { continuation.resume(returning: result) }
    }

    /// Server side, once the call closed: the status it sent, or why it was cut short before sending one.
    var serverEndCode: StatusCode {
        lock.withLock {
            if closeStarted, case .status(let code, _, _)? = close { return code }
            return cancelled?.code ?? .cancelled
        }
    }

    /// Client side: RECV_STATUS_ON_CLIENT completed.
    func clientStatusArrived(_ status: RPCStatus) {
        lock.lock()
        self.status = status
        let error = status.error ?? RPCError(.cancelled, "the call has already ended")
        let senders = blockedSenders
        blockedSenders.removeAll()
        queued.removeAll()
        let delivered = deliverLocked()
        lock.unlock()
        for sender in senders { sender.continuation.resume(returning: error) }
        if let (continuation, result) = delivered { continuation.resume(returning: result) }
    }
}
