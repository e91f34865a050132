import AuditPipeline
import Foundation
import GRPCKit
import PspctlProtocol
import RulesEngine

/// One Evaluate stream after its `start`: evaluates batches in order against a shared, immutable rule
/// set, keeping the stream's running counts and item index. A large batch is split into stretches
/// evaluated on up to `workers` cores at once (the rule set is immutable, each stretch has its own
/// alert builder); the results keep the input order.
struct EvaluationSession {
    let ruleSet: RuleSet
    private let evaluator: ItemEvaluator
    private let builder: AlertMessageBuilder
    private let workers: Int
    private var nextIndex: UInt64 = 0
    private(set) var counts = PspctlV1.Counts()
    /// `evt.rawtime` of the stream's first valid sensor event (`evt.reltime*`), unless batches say the run's.
    private var sensorStartTime: UInt64?

    /// Items a stretch holds at least: below it, a batch is evaluated on the calling thread.
    static let minimumStretch = 64

    init(ruleSet: RuleSet, start: PspctlV1.EvaluateStart, workers: Int) throws(RPCError) {
        self.ruleSet = ruleSet
        self.workers = max(1, workers)
        evaluator = ItemEvaluator(engine: ruleSet.engine, allMatches: start.allMatches,
                                  minimumAlertPriority: try start.minPriority.enginePriority(), allEvents: start.allEvents)
        builder = AlertMessageBuilder(renderText: start.renderText, renderJSON: start.renderJSON,
                                      linesOnly: start.renderedLinesOnly)
    }

    /// One response: a result per item, in input order, and the counts so far.
    mutating func evaluate(_ batch: EventBatchView) -> PspctlV1.EvaluateResponse {
        let count = batch.items.count
        let first = nextIndex
        nextIndex += UInt64(count)
        let sensors = sensorNumbering(batch, first: first)
        let stretches = min(workers, count / Self.minimumStretch)
        var results: [PspctlV1.ItemResult]
        if stretches <= 1 {
            var builder = builder
            results = (0..<count).map { Self.result(batch, $0, index: first + UInt64($0), sensors, evaluator, &builder) }
        } else {
            results = Array(repeating: PspctlV1.ItemResult(), count: count)
            let size = (count + stretches - 1) / stretches
            results.withUnsafeMutableBufferPointer { buffer in
                let out = UncheckedBuffer(buffer)
                DispatchQueue.concurrentPerform(iterations: stretches) { [evaluator, builder] stretch in
                    var builder = builder
                    for i in stretch * size..<min(count, (stretch + 1) * size) {
                        out.buffer[i] = Self.result(batch, i, index: first + UInt64(i), sensors, evaluator, &builder)
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

    /// How the batch's sensor events are numbered (`evt.num`) and timed (`evt.reltime*`): the batch's
    /// own fields when the client set them (a run spread over several streams), else this stream's count
    /// and its first valid event, found before the items are evaluated (they may be evaluated out of order).
    private mutating func sensorNumbering(_ batch: EventBatchView, first: UInt64) -> SensorNumbering {
        guard batch.kinds.contains(.sensorEvent) else { return SensorNumbering(itemsBefore: first, startTime: nil) }
        let itemsBefore = batch.firstItemNumber > 0 ? batch.firstItemNumber - 1 : first
        if batch.sensorRunStartTime > 0 { return SensorNumbering(itemsBefore: itemsBefore, startTime: batch.sensorRunStartTime) }
        if sensorStartTime == nil {
            let sensorItems = batch.kinds.indices.filter { batch.kinds[$0] == .sensorEvent }
            sensorStartTime = batch.bytes.withUnsafeBufferPointer { bytes in
                SensorEventItem.firstStartTime(sensorItems.lazy.compactMap { batch.items[$0] }.map {
                    UnsafeBufferPointer(rebasing: bytes[$0])
                })
            }
        }
        return SensorNumbering(itemsBefore: itemsBefore, startTime: sensorStartTime)
    }

    private static func result(_ batch: EventBatchView, _ item: Int, index: UInt64, _ sensors: SensorNumbering,
                               _ evaluator: ItemEvaluator, _ builder: inout AlertMessageBuilder) -> PspctlV1.ItemResult {
        var result = PspctlV1.ItemResult(index: index)
        var alerts: [PspctlV1.Alert] = []
        let kind = batch.kinds[item]
        let outcome = batch.withItem(item) { buffer in
            buffer.map { buffer in
                if kind == .sensorEvent {
                    var run = SensorRun(items: sensors.itemsBefore + UInt64(item), startTime: sensors.startTime)
                    return evaluator.evaluateSensorEvent(buffer, run: &run) { _, rule, event in
                        alerts.append(builder.alert(rule, event))
                    }
                }
                return evaluator.evaluate(buffer) { _, rule, context, eventIndex in
                    alerts.append(builder.alert(rule, context, eventIndex: eventIndex))
                }
            }
        }
        guard let outcome else {
            result.error = "the item holds no event this evaluator reads (k8s_audit_json, sensor_event)"
            return result
        }
        result.events = UInt32(outcome.events)
        if let rejection = outcome.rejection { result.error = rejection }
        result.alerts = alerts
        result.podRequestsWithoutObject = UInt32(outcome.podRequestsWithoutObject)
        return result
    }
}

/// The numbering of one batch's sensor events: items of the run before the batch, the run's start time.
private struct SensorNumbering: Sendable {
    let itemsBefore: UInt64
    let startTime: UInt64?
}

/// The results buffer shared by a batch's stretches; each writes only its own indexes.
private struct UncheckedBuffer: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<PspctlV1.ItemResult>
    init(_ buffer: UnsafeMutableBufferPointer<PspctlV1.ItemResult>) { self.buffer = buffer }
}
