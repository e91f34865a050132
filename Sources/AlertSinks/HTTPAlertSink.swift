import AuditPipeline
import Foundation
import NIOOpenSSL

/// `--alerts-http`: each alert's Falco JSON line POSTed to a URL, one request per alert, as Falco's
/// `http_output` sends them to falcosidekick (`Content-Type: application/json`, the line without its
/// newline as the body, Falco's default user agent `falcosecurity/falco`).
///
/// Reading never waits on the network but for back-pressure: alerts go into a bounded in-memory queue
/// that one sender thread empties in order. A full queue makes `send` wait (no alert is dropped).
/// Connection errors, timeouts, 5xx, 408 and 429 are retried with exponential back-off
/// (`RetryPolicy`); other answers outside 2xx are not, nor is a TLS certificate refused by either side. An alert that could not be delivered is
/// counted, with the last reason, for the report at the end.
public final class HTTPAlertSink: @unchecked Sendable {
    // Invariant: `queue`, `closed`, `abandoned`, `senderDone` and the counts are touched under
    // `condition` only; `client` by the sender thread only (and by `finish` after it stopped).
    public struct RetryPolicy: Sendable {
        /// Tries per alert, the first included.
        public var tries = 6
        public var firstDelay: Duration = .milliseconds(100)
        public var maxDelay: Duration = .seconds(2)
        public init() {}
    }

    /// What happened to the alerts, at the end.
    public struct Report: Sendable {
        public var delivered = 0
        /// Alerts given up after their tries, or refused (4xx).
        public var failed = 0
        /// Alerts still queued (or being sent) when the time to drain ran out.
        public var abandoned = 0
        /// Alerts not queued because the run was stopped (SIGINT, SIGTERM) while the queue was full.
        public var interrupted = 0
        /// The last reason an alert was given up.
        public var lastFailure: String?
        /// The last reason a try failed (retried or not).
        public var lastTryFailure: String?
        public var undelivered: Int { failed + abandoned + interrupted }
    }

    public let url: AlertURL
    /// At most this many alerts queued …
    public let capacity: Int
    /// … and at most this many bytes of them (one larger alert is still taken when the queue is empty).
    public let capacityBytes: Int
    private let retry: RetryPolicy
    private let client: HTTPAlertClient
    private let condition = NSCondition()
    private var queue: [[UInt8]] = []
    private var head = 0
    private var queuedBytes = 0
    private var closed = false
    private var abandoned = false
    private var senderDone = false
    private var report = Report()

    /// `tls`: the client context of an `https://` URL (nil: the system's trust store).
    public init(url: AlertURL, tls: OpenSSLContext? = nil, capacity: Int = 10_000, capacityBytes: Int = 32 << 20,
                retry: RetryPolicy = RetryPolicy(), userAgent: String = "falcosecurity/falco") {
        self.url = url
        self.capacity = max(1, capacity)
        self.capacityBytes = max(1, capacityBytes)
        self.retry = retry
        client = HTTPAlertClient(url: url, userAgent: userAgent, tls: tls)
        let thread = Thread { [self] in senderLoop() }
        thread.name = "alerts-http"
        thread.start()
    }

    /// Set by SIGINT/SIGTERM: a `send` waiting for room stops waiting (that alert is counted as not
    /// delivered), so a stop is not held up by a receiver that is down. Set before alerts are sent.
    public var stop: StopFlag?

    /// Queues one alert's JSON line (without its newline); waits while the queue is full (unless the
    /// run is being stopped).
    public func send(_ body: [UInt8]) {
        condition.lock()
        var interrupted = false
        while !abandoned && (queue.count - head >= capacity
                             || (queue.count > head && queuedBytes + body.count > capacityBytes)) {
            if let stop, stop.isSet { interrupted = true; break }
            _ = condition.wait(until: Date(timeIntervalSinceNow: 0.1))
        }
        if interrupted {
            report.interrupted += 1
        } else if abandoned {
            report.abandoned += 1
        } else {
            queue.append(body)
            queuedBytes += body.count
            condition.broadcast()
        }
        condition.unlock()
    }

    /// Stops taking alerts and waits up to `timeout` for the queue to drain; what is left is counted as
    /// abandoned. Call once.
    public func finish(timeout: Duration) -> Report {
        let deadline = Date(timeIntervalSinceNow: Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18)
        condition.lock()
        closed = true
        condition.broadcast()
        while !senderDone {
            if !condition.wait(until: deadline) && Date() >= deadline { break }
        }
        if !senderDone {
            abandoned = true
            report.abandoned += queue.count - head
            queue.removeAll()
            head = 0
            queuedBytes = 0
            condition.broadcast()
        }
        let result = report
        let done = senderDone
        condition.unlock()
        // A sender still in a request is left to end with the process; its connection is not shut down
        // under it.
        if done { client.shutdown() }
        return result
    }

    private func senderLoop() {
        while true {
            condition.lock()
            while queue.count - head == 0 && !closed && !abandoned { condition.wait() }
            if abandoned || queue.count - head == 0 {
                senderDone = true
                condition.broadcast()
                condition.unlock()
                return
            }
            let body = queue[head]
            condition.unlock()
            let outcome = deliver(body)
            condition.lock()
            if abandoned {
                // `finish` counted this alert as abandoned already.
                senderDone = true
                condition.broadcast()
                condition.unlock()
                return
            }
            queuedBytes -= queue[head].count
            queue[head] = []
            head += 1
            if head >= 1024 && head * 2 >= queue.count {
                queue.removeFirst(head)
                head = 0
            }
            switch outcome {
            case .delivered: report.delivered += 1
            case .failed(let why):
                report.failed += 1
                report.lastFailure = why
            }
            condition.broadcast()
            condition.unlock()
        }
    }

    private enum Outcome {
        case delivered
        case failed(String)
    }

    /// One alert, with its retries.
    private func deliver(_ body: [UInt8]) -> Outcome {
        var delay = retry.firstDelay
        var last = ""
        for attempt in 1...max(1, retry.tries) {
            let retryable: Bool
            do {
                let answer = try client.post(body)
                let code = Int(answer.status.code)
                if (200..<300).contains(code) { return .delivered }
                last = "HTTP \(code) \(answer.status.reasonPhrase)"
                retryable = code >= 500 || code == 408 || code == 429
            } catch {
                last = "\(error)"
                retryable = !error.permanent
            }
            condition.lock()
            report.lastTryFailure = last
            condition.unlock()
            guard retryable else { return .failed(last) }
            if attempt < retry.tries {
                if !pause(delay) { return .failed(last) }
                delay = min(delay * 2, retry.maxDelay)
            }
        }
        return .failed("\(last) (after \(retry.tries) tries)")
    }

    /// Sleeps `delay` unless the sink is abandoned meanwhile (then false).
    private func pause(_ delay: Duration) -> Bool {
        let until = Date(timeIntervalSinceNow: Double(delay.components.seconds) + Double(delay.components.attoseconds) / 1e18)
        condition.lock()
        defer { condition.unlock() }
        while !abandoned {
            if !condition.wait(until: until) && Date() >= until { return true }
        }
        return false
    }
}
