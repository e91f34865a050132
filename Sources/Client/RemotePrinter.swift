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
    private(set) var counts: PipelineCounts
    private let ruleIndex: [String: Int]
    private(set) var readFailed = false
    /// A stop before the end: a rejected line without --keep-going, or a read error.
    private(set) var stopped = false
    private var out = OutputBuffer(fileDescriptor: 1)
    private var progress: ProgressLine?

    init(style: AlertFormatter.Style, keepGoing: Bool, verbose: Bool, showProgress: Bool, rules: [PspctlV1.RuleInfo]) {
        self.style = style; self.keepGoing = keepGoing; self.verbose = verbose
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
                if !print(batch, results) {
                    stopped = true
                    pool.stop()
                    return nil
                }
                pool.printed()
                out.flushIfFull()
                progress?.update(WatchMessages.progress(counts))
            case .failed(let failure):
                return failure
            }
        }
        return nil
    }

    /// Returns false at a stop.
    private func print(_ batch: PendingBatch, _ results: EvaluateResponseView) -> Bool {
        let line: EvaluateResponseView.Line = style == .json ? .json : .text
        var next = 0
        for entry in batch.entries {
            switch entry {
            case .item(let number, let bytes):
                let result = results.items[next]
                counts.lines = number
                for alert in result.alerts {
                    results.withLine(alert, line) { out.writeLine($0) }
                    if verbose, let index = ruleIndex[results.rule(of: alert)] { counts.alertsByRule[index] += 1 }
                }
                counts.events += Int(result.events)
                counts.alerts += result.alerts.count
                counts.podRequestsWithoutObject += Int(result.podRequestsWithoutObject)
                let error = results.error(of: next)
                next += 1
                if !error.isEmpty {
                    counts.rejectedLines += 1
                    if !reject(WatchMessages.lineError(number: number, line: batch.line(bytes), reason: error, keepGoing: keepGoing)) {
                        return false
                    }
                }
            case .overlong(let line, let prefix):
                counts.lines = line
                counts.rejectedLines += 1
                let reason = WatchMessages.overlongLineReason(maxLineBytes: maxLineBytes)
                if !reject(WatchMessages.lineError(number: line, line: prefix, reason: reason, truncated: true, keepGoing: keepGoing)) {
                    return false
                }
            }
        }
        counts.lines = max(counts.lines, batch.lastLine)
        if let message = batch.readError {
            out.flush()
            progress?.clear()
            printError(WatchMessages.readError(message))
            readFailed = true
            return false
        }
        return true
    }

    var maxLineBytes = AuditLogReader.defaultMaxLineBytes

    private func reject(_ message: String) -> Bool {
        out.flush()
        progress?.clear()
        printError(message)
        return keepGoing
    }
}
