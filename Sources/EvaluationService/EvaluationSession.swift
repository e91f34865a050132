import AuditPipeline
import Foundation
import GRPCKit
import PspctlProtocol
import RulesEngine

/// One Evaluate stream after its `start`: evaluates batches in order against a shared, immutable rule
/// set, keeping the stream's running counts and item index. A large batch is split into stretches
/// evaluated on several cores at once (the rule set is immutable, each stretch has its own alert
/// builder); the results keep the input order.
struct EvaluationSession {
    let ruleSet: RuleSet
    private let evaluator: ItemEvaluator
    private let builder: AlertMessageBuilder
    private var nextIndex: UInt64 = 0
    private(set) var counts = PspctlV1.Counts()

    /// Items a stretch holds at least: below it, a batch is evaluated on the calling thread.
    static let minimumStretch = 64
    static let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)

    init(ruleSet: RuleSet, start: PspctlV1.EvaluateStart) throws(RPCError) {
        self.ruleSet = ruleSet
        evaluator = ItemEvaluator(engine: ruleSet.engine, allMatches: start.allMatches,
                                  minimumAlertPriority: try start.minPriority.enginePriority())
        builder = AlertMessageBuilder(renderText: start.renderText, renderJSON: start.renderJSON,
                                      linesOnly: start.renderedLinesOnly)
    }

    /// One response: a result per item, in input order, and the counts so far.
    mutating func evaluate(_ batch: PspctlV1.EventBatch) -> PspctlV1.EvaluateResponse {
        let items = batch.items
        let first = nextIndex
        nextIndex += UInt64(items.count)
        let stretches = min(Self.cores, items.count / Self.minimumStretch)
        var results: [PspctlV1.ItemResult]
        if stretches <= 1 {
            var builder = builder
            results = items.indices.map { Self.result(items[$0], index: first + UInt64($0), evaluator, &builder) }
        } else {
            results = Array(repeating: PspctlV1.ItemResult(), count: items.count)
            let size = (items.count + stretches - 1) / stretches
            results.withUnsafeMutableBufferPointer { buffer in
                let out = UncheckedBuffer(buffer)
                DispatchQueue.concurrentPerform(iterations: stretches) { [evaluator, builder] stretch in
                    var builder = builder
                    for i in stretch * size..<min(items.count, (stretch + 1) * size) {
                        out.buffer[i] = Self.result(items[i], index: first + UInt64(i), evaluator, &builder)
                    }
                }
            }
        }
        for result in results {
            counts.itemsReceived += 1
            counts.eventsEvaluated += UInt64(result.events)
            if !result.error.isEmpty { counts.itemsRejected += 1 }
            counts.alerts += UInt64(result.alerts.count)
            counts.podRequestsWithoutObject += UInt64(result.podRequestsWithoutObject)
        }
        return PspctlV1.EvaluateResponse(results: results, counts: counts)
    }

    private static func result(_ item: PspctlV1.EventItem, index: UInt64, _ evaluator: ItemEvaluator,
                               _ builder: inout AlertMessageBuilder) -> PspctlV1.ItemResult {
        var result = PspctlV1.ItemResult(index: index)
        guard case .k8sAuditJSON(let bytes)? = item.event else {
            result.error = "the item holds no event this evaluator reads (k8s_audit_json)"
            return result
        }
        var alerts: [PspctlV1.Alert] = []
        let outcome = bytes.withUnsafeBufferPointer { buffer in
            evaluator.evaluate(buffer) { _, rule, context, eventIndex in
                alerts.append(builder.alert(rule, context, eventIndex: eventIndex))
            }
        }
        result.events = UInt32(outcome.events)
        if let rejection = outcome.rejection { result.error = rejection }
        result.alerts = alerts
        result.podRequestsWithoutObject = UInt32(outcome.podRequestsWithoutObject)
        return result
    }
}

/// The results buffer shared by a batch's stretches; each writes only its own indexes.
private struct UncheckedBuffer: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<PspctlV1.ItemResult>
    init(_ buffer: UnsafeMutableBufferPointer<PspctlV1.ItemResult>) { self.buffer = buffer }
}
