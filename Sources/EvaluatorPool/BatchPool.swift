import Foundation
import GRPCKit
import PspctlProtocol

/// Spreads a log's batches over one Evaluate stream per backend and hands the answers back in log order.
///
/// - The reader (a thread of its own: it blocks on reads) `submit`s each stretch of the log in order
///   with its encoded EventBatch; `submit` waits while `depth` × live backends stretches are unprinted.
/// - One sender task sends queued batches round robin to the live backends that have fewer than
///   `depth` unanswered, each stream's unanswered batches kept in sending order.
/// - One receiver task per stream takes its answers (a stream answers in order) and stores each with
///   its stretch; every stretch whose turn has come is delivered on `deliveries`, in submission order.
/// - A stream that fails (the backend killed, shutting down with UNAVAILABLE, any error) loses its
///   backend: its unanswered batches go back to the front of the queue, resent to the others, so each
///   stretch is delivered exactly once. When every backend is lost, `deliveries` ends with `.failed`,
///   saying what was not evaluated.
///
/// Invariant (why `@unchecked Sendable` is sound): every mutable field is touched under `state`, the
/// condition the reader waits on; the async code reaches it only through the synchronous methods below.
public final class BatchPool<Payload: Sendable>: @unchecked Sendable {
    /// One backend's stream; `name` (when known) names it in messages, else its peer does.
    public struct Backend: Sendable {
        public var stream: ClientStream
        public var name: String?
        public init(stream: ClientStream, name: String?) { self.stream = stream; self.name = name }
    }

    public enum Delivery: Sendable {
        /// The stretch's items' results, in item order (none for a stretch without items).
        case answered(Payload, EvaluateResponseView)
        /// Every backend is lost; nothing is delivered after this.
        case failed(Failure)
    }

    public struct Failure: Sendable {
        /// Each backend and the error that lost it, in the order given.
        public var losses: [(backend: String, error: RPCError)]
        /// Every stretch submitted and not delivered, in log order.
        public var undelivered: [Payload]
        /// The reader had submitted the whole log.
        public var inputComplete: Bool
    }

    /// Answers in submission order; ends after the last stretch, or with `.failed`.
    public let deliveries: AsyncStream<Delivery>
    private let output: AsyncStream<Delivery>.Continuation

    private struct Stretch {
        var payload: Payload
        var request: [UInt8]?
        var itemCount: Int
        var results: EvaluateResponseView?
    }

    private struct Stream {
        let backend: Backend
        var alive = true
        var closing = false
        var unanswered: [Int] = []
        var error: RPCError?
    }

    private let depth: Int
    private let startMessage: [UInt8]
    private let state = NSCondition()
    private var streams: [Stream]
    private var stretches: [Int: Stretch] = [:]
    private var submitted = 0
    private var delivered = 0
    private var printed = 0
    /// Stretches to send: those of lost backends first (in log order), then new ones.
    private var resend: [Int] = []
    private var fresh: [Int] = []
    private var freshHead = 0
    private var nextBackend = 0
    private var inputComplete = false
    /// Nothing more is wanted: the consumer stopped, every backend is lost, or all was delivered.
    private var stopped = false
    private var finished = false
    private var senderWaiting: UnsafeContinuation<Void, Never>?
    private var version = 0
    private var tasks: [Task<Void, Never>] = []

    /// `depth`: unanswered batches per backend. `start`: the EvaluateRequest opening every stream.
    public init(backends: [Backend], depth: Int, start: [UInt8]) {
        precondition(!backends.isEmpty, "BatchPool needs a backend")
        streams = backends.map { Stream(backend: $0) }
        self.depth = max(depth, 1)
        startMessage = start
        (deliveries, output) = AsyncStream.makeStream(of: Delivery.self)
    }

    /// Starts the sender and the receivers.
    public func start() {
        let sender = Task { await self.runSender() }
        let receivers = streams.indices.map { index in Task { await self.runReceiver(index) } }
        state.withLock { tasks = [sender] + receivers }
    }

    // MARK: the reader

    /// Queues the next stretch (`request`: its EventBatch, nil when it holds no item). Waits while the
    /// window is full; false once nothing more is wanted (the caller stops reading).
    public func submit(_ payload: Payload, request: [UInt8]?, itemCount: Int) -> Bool {
        state.lock()
        defer { state.unlock() }
        while !stopped && submitted - printed >= depth * max(liveCountLocked, 1) { state.wait() }
        guard !stopped else { return false }
        let sequence = submitted
        submitted += 1
        let hasItems = request != nil && itemCount > 0
        stretches[sequence] = Stretch(payload: payload, request: hasItems ? request : nil, itemCount: itemCount,
                                      results: hasItems ? nil : .empty)
        if hasItems {
            fresh.append(sequence)
            changedLocked()
        } else {
            deliverLocked()
        }
        return true
    }

    /// The whole log was submitted.
    public func finishInput() {
        state.withLock {
            inputComplete = true
            deliverLocked()
            changedLocked()
        }
    }

    // MARK: the consumer

    /// One delivered stretch was handled (frees room in the window).
    public func printed(_ count: Int = 1) {
        state.withLock {
            printed += count
            state.broadcast()
        }
    }

    /// Nothing more is wanted (a stop at a bad line): the reader's next `submit` returns false and the
    /// streams are cancelled.
    public func stop() {
        let cancel = state.withLock { () -> [ClientStream] in
            stopped = true
            output.finish()
            changedLocked()
            return streams.filter(\.alive).map(\.backend.stream)
        }
        cancel.forEach { $0.cancel() }
    }

    /// Waits for the sender and receivers to end (after the last delivery, a failure or `stop`).
    public func finish() async {
        let (running, open) = state.withLock { () -> ([Task<Void, Never>], [ClientStream]) in
            if !finished { stopped = true; output.finish() }
            changedLocked()
            return (tasks, streams.filter(\.alive).map(\.backend.stream))
        }
        // After the last answer the sender half-closes and the servers end their streams at once (after a
        // stop or a failure they are cancelled already); a server that does not is not waited for long.
        let watchdog = Task {
            try? await Task.sleep(for: Self.closingTime)
            if !Task.isCancelled { open.forEach { $0.cancel() } }
        }
        for task in running { await task.value }
        watchdog.cancel()
    }

    /// How long `finish` waits for the servers to end their streams after the last answer.
    static var closingTime: Duration { .seconds(10) }

    // MARK: the sender

    private enum Step {
        case send(stream: Int, message: [UInt8])
        case wait(version: Int)
        case close([ClientStream])
        case stop
    }

    private func runSender() async {
        for index in streams.indices {
            let stream = state.withLock { streams[index].backend.stream }
            do { try await stream.send(startMessage) } catch { lose(index, error) }
        }
        while true {
            switch nextStep() {
            case .send(let index, let message):
                let stream = state.withLock { streams[index].backend.stream }
                do { try await stream.send(message) } catch { lose(index, error) }
            case .wait(let seen):
                await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
                    park(continuation, seen: seen)
                }
            case .close(let open):
                // Everything was answered: half-close, the servers end the streams with OK.
                open.forEach { $0.closeSend() }
                return
            case .stop:
                return
            }
        }
    }

    private func nextStep() -> Step {
        state.withLock {
            if finished {
                var open: [ClientStream] = []
                for index in streams.indices where streams[index].alive {
                    streams[index].closing = true
                    open.append(streams[index].backend.stream)
                }
                return .close(open)
            }
            if stopped { return .stop }
            let queued: Int
            if let first = resend.first {
                queued = first
            } else if freshHead < fresh.count {
                queued = fresh[freshHead]
            } else {
                return .wait(version: version)
            }
            guard let index = backendWithRoomLocked() else { return .wait(version: version) }
            if resend.first == queued { resend.removeFirst() } else { freshHead += 1; compactFreshLocked() }
            streams[index].unanswered.append(queued)
            return .send(stream: index, message: stretches[queued]!.request!)
        }
    }

    /// The next live backend, round robin, with fewer than `depth` unanswered batches.
    private func backendWithRoomLocked() -> Int? {
        for offset in 0..<streams.count {
            let index = (nextBackend + offset) % streams.count
            if streams[index].alive && streams[index].unanswered.count < depth {
                nextBackend = (index + 1) % streams.count
                return index
            }
        }
        return nil
    }

    private func park(_ continuation: UnsafeContinuation<Void, Never>, seen: Int) {
        state.lock()
        if version != seen {
            state.unlock()
            continuation.resume()
        } else {
            senderWaiting = continuation
            state.unlock()
        }
    }

    /// Something the sender or the reader may wait for changed.
    private func changedLocked() {
        version += 1
        if let waiting = senderWaiting {
            senderWaiting = nil
            waiting.resume()
        }
        state.broadcast()
    }

    private func compactFreshLocked() {
        if freshHead > 1024 && freshHead * 2 > fresh.count {
            fresh.removeFirst(freshHead)
            freshHead = 0
        }
    }

    // MARK: the receivers

    private func runReceiver(_ index: Int) async {
        let stream = state.withLock { streams[index].backend.stream }
        while true {
            let message: [UInt8]?
            do {
                message = try await stream.receive()
            } catch {
                lose(index, error)
                return
            }
            guard let message else {
                // An OK end is expected only after the half-close, with every batch answered.
                if !endedInOrder(index) {
                    lose(index, RPCError(.unavailable, "the stream ended before every batch was answered"))
                }
                return
            }
            guard let response = try? EvaluateResponseView(decoding: message) else {
                lose(index, RPCError(.internalError, "an answer cannot be decoded"))
                return
            }
            if let error = accept(response, from: index) {
                lose(index, error)
                return
            }
        }
    }

    private func endedInOrder(_ index: Int) -> Bool {
        state.withLock { streams[index].closing && streams[index].unanswered.isEmpty }
    }

    /// Stores an answer for the stream's oldest unanswered batch; an error when it does not fit.
    private func accept(_ results: EvaluateResponseView, from index: Int) -> RPCError? {
        state.withLock {
            guard streams[index].alive else { return nil }
            guard let sequence = streams[index].unanswered.first else {
                return RPCError(.internalError, "an answer came for no batch")
            }
            guard results.items.count == stretches[sequence]?.itemCount else {
                return RPCError(.internalError, "an answer does not match its batch")
            }
            streams[index].unanswered.removeFirst()
            stretches[sequence]?.results = results
            stretches[sequence]?.request = nil
            deliverLocked()
            changedLocked()
            return nil
        }
    }

    /// Delivers every stretch whose turn has come; ends `deliveries` after the last one.
    private func deliverLocked() {
        guard !stopped else { return }
        while let stretch = stretches[delivered], let results = stretch.results {
            stretches[delivered] = nil
            delivered += 1
            output.yield(.answered(stretch.payload, results))
        }
        if inputComplete && delivered == submitted && !finished {
            finished = true
            output.finish()
        }
    }

    private var liveCountLocked: Int { streams.reduce(0) { $0 + ($1.alive ? 1 : 0) } }

    /// The backend of stream `index` is lost: its unanswered batches are queued again, ahead of the new
    /// ones; with no backend left, the run fails.
    private func lose(_ index: Int, _ error: Error) {
        let rpcError = error as? RPCError ?? RPCError(.unknown, "\(error)")
        let stream: ClientStream? = state.withLock {
            guard streams[index].alive else { return nil }
            streams[index].alive = false
            streams[index].error = rpcError
            let orphans = streams[index].unanswered
            streams[index].unanswered = []
            if !orphans.isEmpty { resend = (resend + orphans).sorted() }
            if liveCountLocked == 0 && !stopped && !finished {
                stopped = true
                output.yield(.failed(failureLocked()))
                output.finish()
            }
            changedLocked()
            return streams[index].backend.stream
        }
        stream?.cancel()
    }

    private func failureLocked() -> Failure {
        let losses = streams.map { stream in
            (backend: stream.backend.name ?? RuleSetPlacement.address(ofPeer: stream.backend.stream.peer),
             error: stream.error ?? RPCError(.unknown))
        }
        let undelivered = stretches.keys.sorted().compactMap { stretches[$0]?.payload }
        return Failure(losses: losses, undelivered: undelivered, inputComplete: inputComplete)
    }
}
