import AuditPipeline
import GRPCKit
import Logging
import PspctlProtocol
import RulesEngine

/// `pspctl.v1.Evaluator`: rule sets loaded once and cached by id (LRU), events streamed in, alerts
/// streamed out. Every stream runs on its own task against an immutable, shared rule set, so concurrent
/// streams use every core.
public final class EvaluatorService: Sendable {
    public struct Configuration: Sendable {
        /// Rule sets kept loaded; the least recently used is dropped beyond it.
        public var maxRuleSets: Int
        /// Cores one Evaluate stream's batch is spread over (each stream also runs on its own task).
        public var workers: Int
        public init(maxRuleSets: Int = 16, workers: Int = CPUBudget.available) {
            self.maxRuleSets = maxRuleSets
            self.workers = workers
        }
    }

    private let cache: RuleSetCache
    private let workers: Int
    private let logger: Logger
    private let metrics: any EvaluationMetricsSink

    public init(configuration: Configuration = Configuration(), logger: Logger = Logger(label: "pspctl.evaluator"),
                metrics: any EvaluationMetricsSink = NoEvaluationMetrics()) {
        cache = RuleSetCache(capacity: configuration.maxRuleSets)
        workers = configuration.workers
        self.logger = logger
        self.metrics = metrics
        metrics.ruleSetsCached(0)
    }

    /// Keeps the rule set `id` loaded once it is (never dropped for room, never deleted) and calls `loaded`
    /// with its engine when it is loaded by `LoadRuleSet` (at once if it already is). The audit webhook of
    /// `--webhook-rule-set` evaluates against it.
    public func serveWebhook(ruleSetID id: String, loaded: @escaping @Sendable (RulesEngine) -> Void) {
        cache.pin(id) { loaded($0.engine) }
    }

    /// Registers the four methods on `server`.
    public func register(on server: Server) {
        server.register(unary: MethodPath.loadRuleSet) { [self] request, context throws(RPCError) in
            try loadRuleSet(request, context)
        }
        server.register(unary: MethodPath.listRuleSets) { [self] request, _ throws(RPCError) in
            _ = try decode(PspctlV1.ListRuleSetsRequest.self, request)
            return PspctlV1.ListRuleSetsResponse(ruleSets: cache.list().map(\.summary)).encoded()
        }
        server.register(unary: MethodPath.deleteRuleSet) { [self] request, _ throws(RPCError) in
            let id = try decode(PspctlV1.DeleteRuleSetRequest.self, request).id
            let removal = cache.remove(id)
            if removal == .pinned {
                throw RPCError(.failedPrecondition, "rule set \(id) serves the audit webhook (--webhook-rule-set): it stays loaded")
            }
            metrics.ruleSetsCached(cache.count)
            logger.info("rule set deleted", metadata: ["id": "\(id)", "deleted": "\(removal == .removed)"])
            return PspctlV1.DeleteRuleSetResponse(deleted: removal == .removed).encoded()
        }
        server.register(bidirectionalStream: MethodPath.evaluate) { [self] stream, context throws(RPCError) in
            try await evaluate(stream, context)
        }
    }

    private func loadRuleSet(_ bytes: [UInt8], _ context: ServerContext) throws(RPCError) -> [UInt8] {
        let request: PspctlV1.LoadRuleSetRequest
        do { request = try decode(PspctlV1.LoadRuleSetRequest.self, bytes) }
        catch { metrics.ruleSetLoad(source: "unknown", outcome: "rejected"); throw error }
        let source = switch request.source {
        case .compiled?: "compiled"
        case .files?: "files"
        case nil: "unknown"
        }
        do {
            let (response, outcome) = try loadRuleSet(request, context)
            metrics.ruleSetLoad(source: source, outcome: outcome)
            metrics.ruleSetsCached(cache.count)
            return response
        } catch {
            metrics.ruleSetLoad(source: source, outcome: "rejected")
            throw error
        }
    }

    /// The answer and the outcome for metrics (`loaded` or `cached`).
    private func loadRuleSet(_ request: PspctlV1.LoadRuleSetRequest, _ context: ServerContext) throws(RPCError)
        -> ([UInt8], String) {
        let options = request.options ?? PspctlV1.LoadOptions()
        switch request.source {
        case nil:
            throw RPCError(.invalidArgument, "LoadRuleSetRequest: set `compiled` or `files`")
        case .compiled(let compiled)?:
            let id = try CompiledRuleSetID.of(compiled, options: options)
            if let cached = cache.get(id), cached.treeDigest == CompiledRuleSetID.treeDigest(compiled) {
                var response = cached.loadResponse
                response.alreadyCached = true
                return (response.encoded(), "cached")
            }
            let set = try RuleSetLoader.load(compiled: compiled, options: options, id: id)
            let cached = cache.insert(set)
            guard cached.treeDigest == set.treeDigest else {
                throw RPCError(.alreadyExists, "rule set \(id) is loaded with another compiled tree (DeleteRuleSet it first)")
            }
            logger.info("compiled rule set loaded", metadata: ["id": "\(id)", "rules": "\(set.loadResponse.ruleCount)"])
            return (cached.loadResponse.encoded(), "loaded")
        case .files(let files)?:
            let id = try RuleSetID.of(files: files.files, options: options)
            if let cached = cache.get(id) {
                var response = cached.loadResponse
                response.alreadyCached = true
                return (response.encoded(), "cached")
            }
            let set: RuleSet
            do {
                set = try RuleSetLoader.load(files: files.files, options: options, id: id)
            } catch {
                if !error.warnings.isEmpty {
                    let warnings = PspctlV1.LoadRuleSetResponse(
                        warnings: error.warnings.map(\.text),
                        notableWarnings: error.warnings.indices.filter { error.warnings[$0].isNotable }.map(UInt32.init))
                    context.setTrailingMetadata(Metadata([.init(key: RuleSetLoader.warningsMetadataKey, value: warnings.encoded())]))
                }
                logger.info("rule set rejected", metadata: ["files": "\(files.files.count)"])
                throw error.error
            }
            let cached = cache.insert(set)
            logger.info("rule set loaded", metadata: ["id": "\(id)", "rules": "\(set.loadResponse.ruleCount)"])
            return (cached.loadResponse.encoded(), "loaded")
        }
    }

    private func evaluate(_ stream: ServerStream, _ context: ServerContext) async throws(RPCError) {
        guard let first = try await stream.receive() else { return }
        guard case .start(let start)? = try decode(PspctlV1.EvaluateRequest.self, first).request else {
            throw RPCError(.invalidArgument, "the first EvaluateRequest must be `start`")
        }
        guard let ruleSet = cache.get(start.ruleSetID) else {
            throw RPCError(.notFound, "no rule set has id \"\(start.ruleSetID)\" (load it with LoadRuleSet)")
        }
        var session = try EvaluationSession(ruleSet: ruleSet, start: start, workers: workers)
        metrics.evaluateStreamOpened()
        defer { metrics.evaluateStreamClosed() }
        while let message = try await stream.receive() {
            // Read in place: each item's bytes go to the evaluator without a copy.
            let view: EventBatchView?
            do {
                view = try EventBatchView(request: message)
            } catch {
                throw RPCError(.invalidArgument, "cannot decode \(PspctlV1.EvaluateRequest.protoMessageName): \(error)")
            }
            guard let batch = view else {
                throw RPCError(.invalidArgument, "every EvaluateRequest after the first must be `batch`")
            }
            let started = ContinuousClock.now
            let response = session.evaluate(batch)
            report(response, ruleSet: ruleSet, duration: .now - started)
            try await stream.send(response.encoded())
        }
        logger.debug("stream ended", metadata: ["peer": "\(context.peer)", "items": "\(session.counts.itemsReceived)"])
    }

    /// One batch's items, events, rejections and alerts by rule, to the metrics sink.
    private func report(_ response: PspctlV1.EvaluateResponse, ruleSet: RuleSet, duration: Duration) {
        var events = 0, rejected = 0
        var alerts: [String: Int] = [:]
        for result in response.results {
            events += Int(result.events)
            if !result.error.isEmpty { rejected += 1 }
            for alert in result.alerts { alerts[alert.rule, default: 0] += 1 }
        }
        metrics.batchEvaluated(items: response.results.count, events: events, rejectedItems: rejected,
                               alerts: alerts.map { (rule: $0.key, priority: ruleSet.priorityNames[$0.key] ?? "unknown", count: $0.value) },
                               duration: duration)
    }

    private func decode<M: ProtocolMessage>(_: M.Type, _ bytes: [UInt8]) throws(RPCError) -> M {
        do {
            return try M(decoding: bytes)
        } catch {
            throw RPCError(.invalidArgument, "cannot decode \(M.protoMessageName): \(error)")
        }
    }
}
