import ArgumentParser
import AuditPipeline
import Foundation
import GRPCKit
import PspctlProtocol
import RulesEngine
import TLSCredentials

/// `pspctl watch --evaluator HOST:PORT`: the embedded run with evaluation on an EvaluatorService. This
/// thread reads the log with the shared reader (`--max-line-bytes` stays here) and sends batches of
/// lines (up to `batchItems` or `batchBytes`), at most `batchesInFlight` unanswered; `RemotePrinter`
/// prints each answer whole as it returns. Same stdout, stderr and exit status as embedded.
struct RemoteWatch {
    static let batchItems = 1_000
    static let batchBytes = 1 << 20
    static let batchesInFlight = 4

    let command: WatchCommand
    let target: RemoteTarget

    /// The exit to take (thrown by the caller).
    func run() -> Error {
        do {
            try runThrowing()
            return ExitCode.success
        } catch {
            return error
        }
    }

    private func runThrowing() throws {
        let channel: Channel
        do {
            channel = try target.openChannel(ChannelOptions(
                maxReceiveMessageBytes: 256 << 20, maxSendMessageBytes: 256 << 20,
                keepalive: Keepalive(interval: .seconds(10), timeout: .seconds(5)),
                sendQueueCapacity: Self.batchesInFlight, receivePrefetch: 2))
        } catch {
            throw fail("watch", "cannot reach the evaluator at \(target.address): \(error)", status: 2)
        }
        defer { channel.close() }
        let loaded = try RemoteRuleLoading(command: command, channel: channel, target: target).load()
        if !command.quiet, !loaded.noK8sAuditRulesWarning.isEmpty {
            printError(WatchMessages.noAuditRules(loaded.noK8sAuditRulesWarning))
        }
        let input = try command.openAuditLog()
        let printer = RemotePrinter(style: command.output, keepGoing: command.keepGoing, verbose: command.verbose,
                                    showProgress: !command.quiet, rules: loaded.rules)
        printer.maxLineBytes = command.maxLineBytes
        let progress = RemoteReadProgress()
        let lost = try stream(input, ruleSetID: loaded.id, channel: channel, printer: printer, progress: progress)
        // A stream that ends in error after every line was read and answered lost nothing (a server
        // shutting down as the log ends).
        if let lost, !LostEvaluator.nothingLost(evaluatedThrough: printer.counts.lines, progress: progress) {
            if lost.code == .unavailable, HandshakeDiagnosis.reason(lost.message, credentials: target.credentials) != nil {
                throw fail("watch", target.unreachable(lost, "the evaluator at \(target.address)"), status: 2)
            }
            throw fail("watch", LostEvaluator.message(target: target.address, error: lost, evaluatedThrough: printer.counts.lines,
                                                      progress: progress), status: 2)
        }
        if !command.quiet || command.verbose {
            let rules = loaded.rules.map { (name: $0.name, prioritySpelling: $0.prioritySpelling) }
            printError(WatchMessages.summary(printer.counts, rules: rules, verbose: command.verbose))
        }
        if printer.readFailed { throw ExitCode(2) }
        if printer.stopped || printer.counts.rejectedLines > 0 { throw ExitCode(1) }
    }

    /// Streams the log; returns the error that lost the evaluator, if one did.
    private func stream(_ input: AuditLogReader, ruleSetID: String, channel: Channel, printer: RemotePrinter,
                        progress: RemoteReadProgress) throws -> RPCError? {
        let stream = try channel.makeBidirectionalStream(MethodPath.evaluate)
        let start = PspctlV1.EvaluateRequest(request: .start(PspctlV1.EvaluateStart(
            ruleSetID: ruleSetID, allMatches: command.allMatches,
            renderText: command.output == .text, renderJSON: command.output == .json,
            renderedLinesOnly: true)))
        let (pending, queue) = AsyncStream<PendingBatch>.makeStream()
        let stop = StopFlag()
        // Created at 0 and raised: libdispatch traps when a semaphore is freed below its initial value.
        let answered = DispatchSemaphore(value: 0)
        for _ in 0..<Self.batchesInFlight { answered.signal() }
        let printing = Task { () -> RPCError? in
            do throws(RPCError) {
                try await printer.run(pending, stream, stop: stop, answered: answered)
                // Stopped at a line: nothing more is wanted (a send waiting for room fails at once).
                if stop.isSet { stream.cancel() }
                return nil
            } catch {
                stop.set()
                // The status says more than the failed read (e.g. UNAVAILABLE: the connection was reset).
                let status = await stream.status()
                return status.error ?? error
            }
        }
        var sendError: Error?
        func send(_ batch: PendingBatch) -> Bool {
            progress.lastLineRead = batch.lastLine
            if batch.itemCount > 0 {
                // At most `batchesInFlight` unanswered; give up waiting once the printer stopped.
                while answered.wait(timeout: .now() + .milliseconds(50)) == .timedOut {
                    if stop.isSet { return false }
                }
                let request = batch.request()
                do {
                    try blocking { try await stream.send(request) }
                } catch {
                    sendError = error
                    return false
                }
            }
            queue.yield(batch)
            return !stop.isSet
        }
        do {
            try blocking { try await stream.send(start.encoded()) }
        } catch {
            sendError = error
        }
        if sendError == nil {
            progress.reachedEnd = read(input, maxLineBytes: command.maxLineBytes, send: send)
        }
        queue.finish()
        stream.closeSend()
        let lost = try blocking { await printing.value }
        if let lost { return lost }
        if sendError != nil && !stop.isSet {
            let status = try blocking { await stream.status() }
            return status.error ?? RPCError(.unavailable, "\(sendError!)")
        }
        return nil
    }

    /// Reads the log into stretches, calling `send` with each; stops when it returns false. True when
    /// the log was read to its end.
    private func read(_ input: AuditLogReader, maxLineBytes: Int, send: (PendingBatch) -> Bool) -> Bool {
        var batch = PendingBatch()
        var goOn = true
        func flush() {
            if !batch.isEmpty { goOn = send(batch) }
            batch = PendingBatch()
        }
        input.forEachLine { line, lineNumber in
            batch.lastLine = lineNumber
            if ItemEvaluator.isBlank(line) { return true }
            batch.entries.append(.item(line: lineNumber, bytes: Array(line)))
            batch.itemCount += 1
            batch.byteCount += line.count
            if batch.itemCount >= Self.batchItems || batch.byteCount >= Self.batchBytes { flush() }
            return goOn
        } onOverlongLine: { prefix, lineNumber in
            batch.lastLine = lineNumber
            batch.entries.append(.overlong(line: lineNumber, prefix: Array(prefix)))
            // Without --keep-going this is the last line read: the stretch goes out as it is.
            if !command.keepGoing { flush() }
            return command.keepGoing && goOn
        } onChunkEnd: {
        } onReadError: { message in
            batch.readError = message
        }
        let readToTheEnd = goOn
        if goOn { flush() }
        return readToTheEnd
    }
}
