import AlertSinks
import AuditPipeline
import EvaluatorPool
import Foundation
import GRPCKit
import PspctlProtocol
import RulesEngine

/// `watch --evaluator`, the printing side: takes the stretches of the log with their results in log
/// order (from `BatchPool`), and prints each whole, exactly as the embedded run prints those
/// lines (alerts, line errors, read error), keeping the counts for the summary.
final class RemotePrinter: @unchecked Sendable {
    // Invariant: touched only by the one task running `run` until it returns; read after that.
    let style: AlertFormatter.Style
    let keepGoing: Bool
    let verbose: Bool
    /// Audit events or sensor events (the wording of line errors).
    var source: WatchMessages.Source = .k8sAudit
    private(set) var counts: PipelineCounts
    private let ruleIndex: [String: Int]
    private(set) var readFailed = false
    /// A stop before the end: a rejected line without --keep-going, or a read error.
    private(set) var stopped = false
    private var out: OutputBuffer
    /// `--alerts-file` (a copy of what `out` writes), `--alerts-http` (each alert's JSON line).
    private let sinks: AlertSinks?
    private var progress: ProgressLine?
    /// The log read (`--state-file`: positions recorded as stretches are printed; its stop flag is set
    /// when printing stops, so that a followed log's reader stops waiting for more).
    var input: WatchInput?
    /// Write each stretch's alerts at once (a followed log: alerts as events come; and before a position
    /// is recorded), not only every 64 KiB.
    var flushEachBatch = false

    init(style: AlertFormatter.Style, keepGoing: Bool, verbose: Bool, showProgress: Bool, rules: [PspctlV1.RuleInfo],
         sinks: AlertSinks? = nil) {
        self.style = style; self.keepGoing = keepGoing; self.verbose = verbose; self.sinks = sinks
        out = OutputBuffer(fileDescriptor: 1, copy: sinks?.file)
        counts = PipelineCounts(ruleCount: rules.count)
        var index: [String: Int] = [:]
        for (i, rule) in rules.enumerated() where index[rule.name] == nil { index[rule.name] = i }
        ruleIndex = index
        progress = showProgress && isatty(2) == 1 ? ProgressLine() : nil
    }

    /// Prints every stretch as `pool` delivers it (in log order) until the log's end or a stop (then it
    /// stops the pool). Returns the pool's failure when every evaluator was lost (nothing of a batch
    /// without an answer is printed).
    func run(_ pool: BatchPool<PendingBatch>) async -> BatchPool<PendingBatch>.Failure? {
        defer {
            out.flush()
            progress?.clear()
        }
        for await delivery in pool.deliveries {
            switch delivery {
            case .answered(let batch, let results):
                if let stoppedAt = print(batch, results) {
                    out.flush()
                    if let position = stoppedAt.position { input?.record(position) }
                    stopped = true
                    input?.stop?.set()
                    pool.stop()
                    return nil
                }
                pool.printed()
                if flushEachBatch { out.flush() } else { out.flushIfFull() }
                if let position = batch.end { input?.record(position) }
                progress?.update(WatchMessages.progress(counts))
            case .failed(let failure):
                input?.stop?.set()
                return failure
            }
        }
        return nil
    }

    /// Where printing a stretch stopped (a bad line without --keep-going, a read error): the position
    /// after the last line read, when positions are recorded.
    private struct Stop {
        var position: LogPosition?
    }

    /// Prints a stretch; returns where it stopped, nil when the run goes on.
    private func print(_ batch: PendingBatch, _ results: EvaluateResponseView) -> Stop? {
        let line: EvaluateResponseView.Line = style == .json ? .json : .text
        var next = 0
        for (index, entry) in batch.entries.enumerated() {
            let stop = Stop(position: index < batch.entryEnds.count ? batch.entryEnds[index] : nil)
            switch entry {
            case .item(let number, let bytes):
                let result = results.items[next]
                counts.lines = number
                for alert in result.alerts {
                    results.withLine(alert, line) { out.writeLine($0) }
                    if let sinks, sinks.wantsJSON { results.withLine(alert, .json) { sinks.forwardJSON($0) } }
                    if verbose, let index = ruleIndex[results.rule(of: alert)] { counts.alertsByRule[index] += 1 }
                }
                counts.events += Int(result.events)
                counts.alerts += result.alerts.count
                counts.podRequestsWithoutObject += Int(result.podRequestsWithoutObject)
                let error = results.error(of: next)
                next += 1
                if !error.isEmpty {
                    counts.rejectedLines += 1
                    if !reject(WatchMessages.lineError(number: number, line: batch.line(bytes), reason: error, keepGoing: keepGoing,
                                                       source: source)) {
                        return stop
                    }
                }
            case .overlong(let line, let prefix):
                counts.lines = line
                counts.rejectedLines += 1
                let reason = WatchMessages.overlongLineReason(maxLineBytes: maxLineBytes)
                if !reject(WatchMessages.lineError(number: line, line: prefix, reason: reason, truncated: true, keepGoing: keepGoing,
                                                   source: source)) {
                    return stop
                }
            }
        }
        counts.lines = max(counts.lines, batch.lastLine)
        if let message = batch.readError {
            out.flush()
            progress?.clear()
            printError(WatchMessages.readError(message, source: source))
            readFailed = true
            return Stop(position: batch.end)
        }
        return nil
    }

    var maxLineBytes = AuditLogReader.defaultMaxLineBytes

    private func reject(_ message: String) -> Bool {
        out.flush()
        progress?.clear()
        printError(message)
        return keepGoing
    }
}
