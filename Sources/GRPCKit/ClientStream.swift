/// A client's side of a bidirectional stream. `send` suspends while the send queue is full;
/// `closeSend` half-closes after what is queued; `receive` returns responses, nil at an OK end, and
/// throws the status otherwise. Dropping the stream before its end cancels the call.
public final class ClientStream: Sendable {
    private let core: StreamCore
    private let outcome = StatusBox()

    init(call: CallHandle, metadata: Metadata, options: ChannelOptions) {
        core = StreamCore(call: call, side: .client, sendCapacity: options.sendQueueCapacity,
                          prefetch: options.receivePrefetch)
        let core = self.core, outcome = self.outcome
        // Three independent batches: headers out now, headers in whenever the server sends them
        // (some servers send them only with their first response), and the final status.
        let headers = Batch()
        headers.addSendInitialMetadata(metadata)
        call.start(headers) { _, _ in }
        let responseHeaders = Batch()
        responseHeaders.addReceiveInitialMetadata()
        call.start(responseHeaders) { _, _ in }
        let status = Batch()
        status.addReceiveStatusOnClient()
        let started = call.start(status) { batch, success in
            let status = success ? batch.clientStatus
                : RPCStatus(code: .unknown, message: "the call failed in the gRPC core", trailingMetadata: Metadata())
            core.clientStatusArrived(status)
            outcome.set(status)
        }
        if !started {
            let status = RPCStatus(code: .unavailable, message: ChannelCore.closedError.message, trailingMetadata: Metadata())
            core.clientStatusArrived(status)
            outcome.set(status)
        }
        core.startReadingAhead()
    }

    deinit { if !outcome.isSet { core.call.cancel() } }

    public func send(_ message: [UInt8]) async throws(RPCError) { try await core.send(message) }

    /// No more requests: the half-close follows the messages already queued.
    public func closeSend() { core.finish(.halfClose) }

    public func receive() async throws(RPCError) -> [UInt8]? { try await core.receive() }

    /// Ends the call at once; the server sees it cancelled, this side gets CANCELLED.
    public func cancel() { core.call.cancel() }

    /// The address serving the stream as the core names it (`ipv4:127.0.0.1:50052`); the channel's
    /// target until the server's headers arrived (with its first response).
    public var peer: String { core.call.peer }

    /// The final status (waits for it).
    public func status() async -> RPCStatus { await outcome.wait() }
}

/// The final status, set once by the queue thread, awaited by any number of tasks.
/// Invariant: fields touched under `lock` only; continuations resumed outside it.
final class StatusBox: @unchecked Sendable {
    private let lock = Lock()
    private var status: RPCStatus?
    private var waiters: [UnsafeContinuation<RPCStatus, Never>] = []

    var isSet: Bool { lock.withLock { status != nil } }

    func set(_ status: RPCStatus) {
        let waiting = lock.withLock { () -> [UnsafeContinuation<RPCStatus, Never>] in
            self.status = status
            defer { waiters.removeAll() }
            return waiters
        }
        waiting.forEach { $0.resume(returning: status) }
    }

    func wait() async -> RPCStatus {
        await withUnsafeContinuation { continuation in
            lock.lock()
            if let status {
                lock.unlock()
                continuation.resume(returning: status)
            } else {
                waiters.append(continuation)
                lock.unlock()
            }
        }
    }
}
