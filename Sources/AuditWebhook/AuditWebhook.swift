import AlertSinks
import AuditPipeline
import Foundation
import K8sAuditFields
import RulesEngine
import ServiceHTTP

/// What the webhook reports to a metrics system (EvaluatorService's Prometheus families implement it;
/// this module never sees Prometheus).
public protocol WebhookMetricsSink: Sendable {
    /// A request to `/k8s-audit` was answered with `code` (200, 400, 401, 503 …).
    func webhookRequest(code: Int)
    /// A body of `events` events was queued.
    func webhookEventsAccepted(_ events: Int)
    /// A queued body was evaluated: its events and alerts.
    func webhookEventsEvaluated(_ events: Int, alerts: Int)
    /// The queue now holds `bodies` bodies waiting and `bytes` bytes (the body being evaluated included).
    func webhookQueueDepth(bodies: Int, bytes: Int)
}

/// `POST /k8s-audit`, the Kubernetes API server's audit webhook backend: an `audit.k8s.io/v1` `EventList`
/// (or one `Event`) as JSON, checked, queued, and answered at once; a worker evaluates the queued bodies
/// in arrival order and writes their alerts through `WebhookAlertWriter`.
///
/// Answers: 200 when queued (or when the list is empty); 400 with a short reason when the body is not
/// JSON or not audit events; 403 when the listener has a TLS client CA and the client presented no
/// certificate (one the CA did not sign fails the TLS handshake before any request); 401 when a bearer
/// token is required and missing or wrong (with both, the certificate is checked first); 503 with
/// `Retry-After: 1` when the queue is full or shutting down (the API server's batch backend retries).
/// The router answers 405 to other methods and 413 to bodies over `maxBodyBytes`.
public final class AuditWebhook: Sendable {
    public static let path = "/k8s-audit"

    public struct Configuration: Sendable {
        /// Bodies waiting at most.
        public var maxQueuedBodies = 1_024
        /// Bytes of bodies held at most.
        public var maxQueuedBytes = 256 << 20
        /// Largest request body (413 above it).
        public var maxBodyBytes = 32 << 20
        /// When set, requests must carry `Authorization: Bearer <token>`.
        public var bearerToken: String?

        public init() {}
    }

    public let configuration: Configuration
    public let queue: WebhookQueue
    private let metrics: (any WebhookMetricsSink)?
    private let token: [UInt8]?
    private let target: WebhookTarget

    /// Starts the queue's worker: each accepted body goes to `writer` (on the worker thread only).
    public convenience init(configuration: Configuration, writer: WebhookAlertWriter, metrics: (any WebhookMetricsSink)?) {
        self.init(configuration: configuration, target: WebhookTarget(writer: writer), metrics: metrics)
    }

    /// The same with a target whose writer may come later: until it has one, requests are answered 503
    /// with its reason (the API server retries), and nothing is queued.
    public init(configuration: Configuration, target: WebhookTarget, metrics: (any WebhookMetricsSink)?) {
        self.configuration = configuration
        self.metrics = metrics
        self.target = target
        token = configuration.bearerToken.map { Array($0.utf8) }
        let sink = metrics
        queue = WebhookQueue(maxBodies: configuration.maxQueuedBodies, maxBytes: configuration.maxQueuedBytes,
                             depthChanged: { sink?.webhookQueueDepth(bodies: $0, bytes: $1) }) { body in
            // A body is only queued once the target has its writer, which is never taken away.
            guard let writer = target.writer else { return }
            let outcome = writer.consume(body)
            sink?.webhookEventsEvaluated(outcome.events, alerts: outcome.alerts)
        }
    }

    /// Adds `POST /k8s-audit` to `router`.
    public func install(on router: inout HTTPRouter) {
        router.add("POST", Self.path, maxBodyBytes: configuration.maxBodyBytes) { [self] request in
            let response = handle(request)
            metrics?.webhookRequest(code: response.status)
            return response
        }
    }

    /// Stops taking requests (503 from now on) and returns once every accepted body is evaluated.
    public func finish() { queue.finish() }

    func handle(_ request: HTTPRequest) -> HTTPResponse {
        if request.clientCertificate == .absent {
            return .text(403, "forbidden: a client certificate signed by the listener's client CA is required")
        }
        if let token {
            guard let presented = Self.bearerToken(request.header("Authorization")), Self.same(presented, token) else {
                var response = HTTPResponse.text(401, "unauthorized: a valid bearer token is required")
                response.headers.append((name: "WWW-Authenticate", value: #"Bearer realm="pspctl""#))
                return response
            }
        }
        let events: Int
        do {
            events = try K8sAuditDocument.events(from: request.body).count
        } catch {
            return .text(400, "bad request: \(Self.reason(error))")
        }
        guard events > 0 else { return .text(200, "ok: 0 events") }
        guard target.writer != nil else { return Self.unavailable(target.waitingReason) }
        switch queue.offer(request.body, onAccepted: { metrics?.webhookEventsAccepted(events) }) {
        case .accepted:
            return .text(200, "ok: \(events) events queued")
        case .full:
            return Self.unavailable("the queue is full (\(queue.maxBodies) requests or \(queue.maxBytes) bytes); retry later")
        case .closed:
            return Self.unavailable("shutting down")
        }
    }

    private static func unavailable(_ reason: String) -> HTTPResponse {
        var response = HTTPResponse.text(503, "service unavailable: \(reason)")
        response.headers.append((name: "Retry-After", value: "1"))
        return response
    }

    /// The short reason of a body that is not audit events.
    static func reason(_ error: K8sAuditInputError) -> String {
        switch error {
        case .notJSON(let parse): "the body is not JSON (\(parse))"
        case .notAuditEvent(let reason): "not an audit.k8s.io EventList or Event: \(reason)"
        }
    }

    /// The token of `Bearer <token>` (the scheme's case ignored), nil otherwise.
    static func bearerToken(_ header: String?) -> [UInt8]? {
        guard let header else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return Array(parts[1].trimmingCharacters(in: .whitespaces).utf8)
    }

    /// Compares in time that depends on the lengths only, not on where the bytes differ.
    static func same(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for i in a.indices { difference |= a[i] ^ b[i] }
        return difference == 0
    }

    /// Reads a token file: its content without surrounding whitespace; an error message when it cannot
    /// be read or is empty.
    public static func readToken(file: String) throws(TokenFileError) -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory) else {
            throw TokenFileError(description: "--webhook-token-file \(file): no such file")
        }
        guard !isDirectory.boolValue else { throw TokenFileError(description: "--webhook-token-file \(file) is a directory") }
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: file)) } catch {
            throw TokenFileError(description: "--webhook-token-file \(file): cannot read it: \((error as NSError).localizedDescription)")
        }
        guard data.count <= 64 << 10 else { throw TokenFileError(description: "--webhook-token-file \(file): larger than 64 KiB; it should hold one token") }
        let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty else { throw TokenFileError(description: "--webhook-token-file \(file) is empty") }
        guard !token.contains(where: { $0.isWhitespace }) else {
            throw TokenFileError(description: "--webhook-token-file \(file): a token has no spaces or line breaks inside")
        }
        return token
    }

    public struct TokenFileError: Error, CustomStringConvertible {
        public var description: String
    }
}

/// What the webhook's queued bodies go to: a writer given at once (`--webhook-rules`), or one set later,
/// when the rule set it evaluates against is loaded (`--webhook-rule-set`). Thread-safe.
public final class WebhookTarget: @unchecked Sendable {
    // Invariant: `current` is touched under `lock` only, and set at most once.
    private let lock = NSLock()
    private var current: WebhookAlertWriter?
    /// Said in the 503 answers while there is no writer.
    public let waitingReason: String

    public init(writer: WebhookAlertWriter) {
        current = writer
        waitingReason = ""
    }

    public init(waitingReason: String) {
        self.waitingReason = waitingReason
    }

    public var writer: WebhookAlertWriter? { lock.withLock { current } }

    /// Sets the writer, if none is set yet; returns whether it was set.
    @discardableResult
    public func set(_ writer: WebhookAlertWriter) -> Bool {
        lock.withLock {
            guard current == nil else { return false }
            current = writer
            return true
        }
    }
}

/// Evaluates queued webhook bodies against one engine and writes their alerts to a file descriptor
/// (stdout) through the shared writer, flushed after each body, and to the alert sinks, as `pspctl
/// watch` does; keeps the run's counts. Used on the queue's worker thread only (`@unchecked Sendable`
/// for the hand-over to it).
public final class WebhookAlertWriter: @unchecked Sendable {
    public let evaluator: ItemEvaluator
    public let formatter: AlertFormatter
    private var out: OutputBuffer
    private let sinks: AlertSinks?
    private let onRejected: (_ reason: String) -> Void
    /// `lines` counts bodies. Read it after `AuditWebhook.finish()`.
    public private(set) var counts: PipelineCounts

    public init(evaluator: ItemEvaluator, formatter: AlertFormatter, fileDescriptor: Int32 = 1,
                sinks: AlertSinks? = nil, onRejected: @escaping (_ reason: String) -> Void) {
        self.evaluator = evaluator
        self.formatter = formatter
        self.sinks = sinks
        out = OutputBuffer(fileDescriptor: fileDescriptor, copy: sinks?.file)
        self.onRejected = onRejected
        counts = PipelineCounts(ruleCount: evaluator.engine.rules.count)
    }

    func consume(_ body: [UInt8]) -> ItemOutcome {
        let outcome = body.withUnsafeBufferPointer { bytes in
            evaluator.evaluate(bytes) { index, rule, context, _ in
                let start = out.count
                out.writeAlert(formatter, rule, context)
                sinks?.alertWritten(out, from: start, style: formatter.style, rule, context)
                counts.alertsByRule[index] += 1
            }
        }
        counts.lines += 1
        counts.add(outcome)
        out.flush()
        if let reason = outcome.rejection { onRejected(reason) }
        return outcome
    }
}

/// The rule set webhook events are evaluated against: rules files loaded in order, as `pspctl watch
/// --rules` loads them.
public enum WebhookRules {
    public struct LoadError: Error, CustomStringConvertible {
        public var description: String
    }

    /// The engine of `files` (a file or a directory of them each); `warning` gets each of Falco's
    /// loading warnings about meaning (`file: message`).
    public static func load(files: [String], options: RulesEngine.Options = RulesEngine.Options(),
                            warning: (String) -> Void = { _ in }) throws(LoadError) -> RulesEngine {
        let engine = RulesEngine(options: options)
        do {
            try RulesFileReader.forEachFile(files) { file in
                for w in try engine.load(text: file.text, name: file.name) where w.isAboutMeaning {
                    warning("\(file.name): \(w.message)")
                }
            }
        } catch {
            throw LoadError(description: "\(error)")
        }
        return engine
    }
}
