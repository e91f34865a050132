import AuditPipeline
import Foundation
import GRPCKit
import PspctlProtocol
import RulesEngine

/// `watch --evaluator`, the receiving side: takes the pending stretches of the log in order, waits for
/// the response of each that was sent, and prints it whole, exactly as the embedded run prints those
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

    /// Prints every stretch until the log's end or a stop; `stop` is set at a stop. Throws RPCError when
    /// the evaluator is lost (nothing of the unanswered batch is printed).
    func run(_ pending: AsyncStream<PendingBatch>, _ stream: ClientStream, stop: StopFlag,
             answered: DispatchSemaphore) async throws(RPCError) {
        defer {
            out.flush()
            progress?.clear()
        }
        for await batch in pending {
            var results: [PspctlV1.ItemResult] = []
            if batch.itemCount > 0 {
                guard let message = try await stream.receive() else {
                    throw RPCError(.unavailable, "the stream ended before every batch was answered")
                }
                guard let response = try? PspctlV1.EvaluateResponse(decoding: message),
                      response.results.count == batch.itemCount else {
                    throw RPCError(.internalError, "an answer does not match its batch")
                }
                results = response.results
                answered.signal()
            }
            if !print(batch, results) {
                stopped = true
                stop.set()
                return
            }
            out.flushIfFull()
            progress?.update(WatchMessages.progress(counts))
        }
    }

    /// Returns false at a stop.
    private func print(_ batch: PendingBatch, _ results: [PspctlV1.ItemResult]) -> Bool {
        var next = 0
        for entry in batch.entries {
            switch entry {
            case .item(let line, let bytes):
                let result = results[next]
                next += 1
                counts.lines = line
                for alert in result.alerts {
                    out.writeLine(style == .json ? alert.jsonLine : alert.textLine)
                    if verbose, let index = ruleIndex[alert.rule] { counts.alertsByRule[index] += 1 }
                }
                counts.events += Int(result.events)
                counts.alerts += result.alerts.count
                counts.podRequestsWithoutObject += Int(result.podRequestsWithoutObject)
                if !result.error.isEmpty {
                    counts.rejectedLines += 1
                    if !reject(WatchMessages.lineError(number: line, line: bytes, reason: result.error, keepGoing: keepGoing)) {
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
