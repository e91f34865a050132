import Foundation

/// The audit webhook's bounded queue and its worker: request handlers `offer` bodies and answer at
/// once; one worker thread takes them in arrival order and hands each to `consume`. Bounded by bodies
/// and by bytes; a body that does not fit is refused (`.full`, the handler answers 503 and the API
/// server's batch backend retries), never waited for, so a handler never blocks.
///
/// `finish()` stops taking bodies and returns once every accepted body has been consumed: an accepted
/// body is always evaluated.
public final class WebhookQueue: @unchecked Sendable {
    public enum Offer: Sendable, Equatable {
        case accepted
        /// The queue holds `maxBodies` bodies or adding this one would pass `maxBytes`.
        case full
        /// `finish()` was called.
        case closed
    }

    public let maxBodies: Int
    public let maxBytes: Int

    // Invariant: `pending`, `head`, `queuedBytes` and `closed` are touched with `condition` locked only.
    private let condition = NSCondition()
    private var pending: [[UInt8]] = []
    private var head = 0
    private var queuedBytes = 0
    private var closed = false
    private let finished = DispatchSemaphore(value: 0)
    private let consume: ([UInt8]) -> Void
    private let depthChanged: @Sendable (_ bodies: Int, _ bytes: Int) -> Void

    /// Starts the worker thread. `consume` runs on it only, one body at a time, in the order offered.
    /// `depthChanged` is told the queue's depth after each change.
    public init(maxBodies: Int, maxBytes: Int, depthChanged: @escaping @Sendable (Int, Int) -> Void = { _, _ in },
                consume: @escaping ([UInt8]) -> Void) {
        self.maxBodies = max(1, maxBodies)
        self.maxBytes = max(1, maxBytes)
        self.consume = consume
        self.depthChanged = depthChanged
        let thread = Thread { [self] in work() }
        thread.name = "pspctl-webhook"
        thread.start()
    }

    /// Queues `body` unless the queue is full or finished. `onAccepted` runs when it is queued, before the
    /// worker can take it (so an accepted count never trails the evaluated count).
    public func offer(_ body: [UInt8], onAccepted: () -> Void = {}) -> Offer {
        condition.lock()
        defer { condition.unlock() }
        if closed { return .closed }
        let depth = pending.count - head
        // One body larger than maxBytes still goes in when the queue is empty (the route's body limit
        // bounds it), so a large batch is never refused for ever.
        guard depth < maxBodies, depth == 0 || queuedBytes + body.count <= maxBytes else { return .full }
        onAccepted()
        pending.append(body)
        queuedBytes += body.count
        depthChanged(depth + 1, queuedBytes)
        condition.signal()
        return .accepted
    }

    /// Bodies waiting (not counting the one being consumed).
    public var depth: Int {
        condition.lock()
        defer { condition.unlock() }
        return pending.count - head
    }

    /// Refuses further bodies, waits until every accepted one is consumed, ends the worker.
    public func finish() {
        condition.lock()
        let already = closed
        closed = true
        condition.broadcast()
        condition.unlock()
        if !already { finished.wait() }
    }

    private func work() {
        while true {
            condition.lock()
            while pending.count == head && !closed { condition.wait() }
            if pending.count == head {
                condition.unlock()
                finished.signal()
                return
            }
            let body = pending[head]
            pending[head] = []
            head += 1
            if head >= 64 && head * 2 >= pending.count {
                pending.removeFirst(head)
                head = 0
            }
            condition.unlock()
            consume(body)
            condition.lock()
            queuedBytes -= body.count
            depthChanged(pending.count - head, queuedBytes)
            condition.unlock()
        }
    }
}
