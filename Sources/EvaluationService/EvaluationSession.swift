import AuditPipeline
import GRPCKit
import PspctlProtocol
import RulesEngine

/// One Evaluate stream after its `start`: evaluates batches in order against a shared, immutable rule
/// set, keeping the stream's running counts and item index.
struct EvaluationSession {
    let ruleSet: RuleSet
    private let evaluator: ItemEvaluator
    private var builder: AlertMessageBuilder
    private var nextIndex: UInt64 = 0
    private(set) var counts = PspctlV1.Counts()

    init(ruleSet: RuleSet, start: PspctlV1.EvaluateStart) throws(RPCError) {
        self.ruleSet = ruleSet
        evaluator = ItemEvaluator(engine: ruleSet.engine, allMatches: start.allMatches,
                                  minimumAlertPriority: try start.minPriority.enginePriority())
        builder = AlertMessageBuilder(renderText: start.renderText, renderJSON: start.renderJSON,
                                      linesOnly: start.renderedLinesOnly)
    }

    /// One response: a result per item, in input order, and the counts so far.
    mutating func evaluate(_ batch: PspctlV1.EventBatch) -> PspctlV1.EvaluateResponse {
        var results: [PspctlV1.ItemResult] = []
        results.reserveCapacity(batch.items.count)
        for item in batch.items {
            results.append(evaluate(item))
        }
        return PspctlV1.EvaluateResponse(results: results, counts: counts)
    }

    private mutating func evaluate(_ item: PspctlV1.EventItem) -> PspctlV1.ItemResult {
        var result = PspctlV1.ItemResult(index: nextIndex)
        nextIndex += 1
        counts.itemsReceived += 1
        guard case .k8sAuditJSON(let bytes)? = item.event else {
            result.error = "the item holds no event this evaluator reads (k8s_audit_json)"
            counts.itemsRejected += 1
            return result
        }
        var alerts: [PspctlV1.Alert] = []
        let outcome = bytes.withUnsafeBufferPointer { buffer in
            evaluator.evaluate(buffer) { _, rule, context, eventIndex in
                alerts.append(builder.alert(rule, context, eventIndex: eventIndex))
            }
        }
        result.events = UInt32(outcome.events)
        counts.eventsEvaluated += UInt64(outcome.events)
        if let rejection = outcome.rejection {
            result.error = rejection
            counts.itemsRejected += 1
        }
        result.alerts = alerts
        result.podRequestsWithoutObject = UInt32(outcome.podRequestsWithoutObject)
        counts.alerts += UInt64(alerts.count)
        counts.podRequestsWithoutObject += UInt64(outcome.podRequestsWithoutObject)
        return result
    }
}
