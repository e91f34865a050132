import AlertSinks
import ArgumentParser
import AuditPipeline
import EvaluatorPool
import Foundation
import GRPCKit
import PspctlProtocol
import RulesEngine

/// `pspctl watch --evaluator TARGET…`: the embedded run with evaluation on EvaluatorServices. The rule
/// set is loaded on every backend behind every target (`RemoteRuleLoading`); each backend gets one
/// Evaluate stream. This thread reads the log with the shared reader (`--max-line-bytes` stays here)
/// into batches of lines (up to `batchItems` or `batchBytes`); `BatchPool` spreads them round robin
/// over the streams (at most `batchesInFlight` unanswered on each), resends a lost backend's batches to
/// the others, and hands the answers back in log order; `RemotePrinter` prints each batch whole. Same
/// stdout, stderr and exit status as embedded, whatever the number of backends.
struct RemoteWatch {
    static let batchItems = 1_000
    static let batchBytes = 1 << 20
    static let batchesInFlight = 4

    /// Every evaluator channel: large messages, keepalive pings (a backend that vanishes without closing
    /// its connection is noticed), and the core's round_robin policy, so that the calls made on a target
    /// that resolves to several addresses go to each in turn.
    static let channelOptions = ChannelOptions(
        maxReceiveMessageBytes: 256 << 20, maxSendMessageBytes: 256 << 20,
        keepalive: Keepalive(interval: .seconds(10), timeout: .seconds(5)),
        sendQueueCapacity: batchesInFlight + 1, receivePrefetch: 2, loadBalancing: .roundRobin)

    let command: WatchCommand
    let targets: [RemoteTarget]
    /// `--alerts-file`, `--alerts-http`.
    let sinks: AlertSinks?

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
        var evaluators: [(target: RemoteTarget, channel: Channel)] = []
        defer { evaluators.forEach { $0.channel.close() } }
        for target in targets {
            do {
                evaluators.append((target, try target.openChannel(Self.channelOptions)))
            } catch {
                throw fail("watch", "cannot reach the evaluator at \(target.address): \(error)", status: 2)
            }
        }
        let (loaded, placed) = try RemoteRuleLoading(command: command, evaluators: evaluators).load()
        let noRulesWarning = command.source == .syscall ? loaded.noSyscallRulesWarning : loaded.noK8sAuditRulesWarning
        if !command.quiet, !noRulesWarning.isEmpty {
            printError(WatchMessages.noAuditRules(noRulesWarning))
        }
        if !command.quiet, command.source == .syscall, !command.allEvents, !loaded.ignoredEventTypesWarning.isEmpty {
            printError(WatchMessages.noAuditRules(loaded.ignoredEventTypesWarning))
        }
        let input = try command.openAuditLog()
        sinks?.stopWaiting(on: input.stop)
        let printer = RemotePrinter(style: command.output, keepGoing: command.keepGoing, verbose: command.verbose,
                                    showProgress: !command.quiet, rules: loaded.rules, sinks: sinks)
        printer.maxLineBytes = command.maxLineBytes
        printer.source = command.source
        printer.input = input
        printer.flushEachBatch = command.follow || input.recorder != nil
        let failure = try stream(input, ruleSetID: loaded.id, placed: placed, printer: printer)
        let recorded = input.finishRecording()
        let delivered = command.finishAlertSinks(sinks)
        if let failure {
            // A refused TLS handshake is said to be one (every target has the same credentials).
            if failure.losses.count == 1, let only = failure.losses.first, only.error.code == .unavailable,
               let refused = targets.first?.refusedHandshake(only.error, "the evaluator at \(only.backend)") {
                throw fail("watch", refused, status: 2)
            }
            throw fail("watch", RemoteMessages.lost(failure, printedThrough: printer.counts.lines), status: 2)
        }
        if !command.quiet || command.verbose {
            let rules = loaded.rules.map { (name: $0.name, prioritySpelling: $0.prioritySpelling) }
            printError(WatchMessages.summary(printer.counts, rules: rules, verbose: command.verbose))
        }
        if printer.readFailed || !recorded || !delivered { throw ExitCode(2) }
        if printer.stopped || printer.counts.rejectedLines > 0 { throw ExitCode(1) }
    }

    /// Opens one Evaluate stream per backend and streams the log; returns what was lost if every
    /// backend was.
    private func stream(_ input: WatchInput, ruleSetID: String, placed: [RemoteRuleLoading.Placed],
                        printer: RemotePrinter) throws -> BatchPool<PendingBatch>.Failure? {
        // A target's streams are opened back to back: its round_robin picker gives each the next backend.
        var backends: [BatchPool<PendingBatch>.Backend] = []
        for target in placed {
            for _ in target.backends {
                do {
                    let stream = try target.channel.makeBidirectionalStream(MethodPath.evaluate)
                    backends.append(.init(stream: stream, name: target.backends.count == 1 ? target.target.address : nil))
                } catch {
                    throw fail("watch", "cannot reach the evaluator at \(target.target.address): \(error)", status: 2)
                }
            }
        }
        let start = PspctlV1.EvaluateRequest(request: .start(PspctlV1.EvaluateStart(
            ruleSetID: ruleSetID, allMatches: command.allMatches,
            renderText: command.output == .text, renderJSON: command.output == .json || sinks?.wantsJSON == true,
            renderedLinesOnly: true, allEvents: command.allEvents)))
        let pool = BatchPool<PendingBatch>(backends: backends, depth: Self.batchesInFlight, start: start.encoded())
        pool.start()
        let printing = Task { await printer.run(pool) }
        read(input.reader, recording: input.recorder != nil) { batch in
            pool.submit(batch, request: batch.itemCount > 0 ? batch.request() : nil, itemCount: batch.itemCount)
        }
        pool.finishInput()
        let failure = try blocking { await printing.value }
        try blocking { await pool.finish() }
        return failure
    }

    /// Reads the log into stretches, calling `send` with each; stops when it returns false. A followed
    /// log's stretch goes out as soon as the reader has caught up with the log's writer. `recording`:
    /// the stretches carry their positions (`--state-file`).
    private func read(_ input: AuditLogReader, recording: Bool, send: (PendingBatch) -> Bool) {
        let kind: EventItemKind = command.source == .syscall ? .sensorEvent : .k8sAuditJSON
        var batch = PendingBatch(kind: kind, reservingCapacity: Self.batchBytes + Self.batchItems * 8)
        var goOn = true
        var sensors = SensorBatchNumbering()
        func flush() {
            if !batch.isEmpty {
                if recording { batch.end = input.position }
                if kind == .sensorEvent { sensors.close(&batch) }
                goOn = send(batch)
            }
            // The next stretch reserves what this one took: a whole stretch while a backlog is read, a
            // small one once a followed log is caught up and each stretch holds what was just written.
            batch = PendingBatch(kind: kind, reservingCapacity: max(1 << 12, batch.encodedSize))
        }
        input.forEachLine { line, lineNumber in
            batch.lastLine = lineNumber
            if ItemEvaluator.isBlank(line) { return true }
            if kind == .sensorEvent { sensors.add(line, to: &batch) }
            batch.append(line: UnsafeRawBufferPointer(line), number: lineNumber)
            if recording, let position = input.position { batch.entryEnds.append(position) }
            if batch.itemCount >= Self.batchItems || batch.byteCount >= Self.batchBytes { flush() }
            return goOn
        } onOverlongLine: { prefix, lineNumber in
            batch.lastLine = lineNumber
            batch.entries.append(.overlong(line: lineNumber, prefix: Array(prefix)))
            if recording, let position = input.position { batch.entryEnds.append(position) }
            // Without --keep-going this is the last line read: the stretch goes out as it is.
            if !command.keepGoing { flush() }
            return command.keepGoing && goOn
        } onChunkEnd: {
        } onReadError: { message in
            batch.readError = message
        } onCaughtUp: {
            flush()
            return goOn
        }
        if goOn { flush() }
    }
}

/// What `watch --evaluator` says when it loses its evaluators.
enum RemoteMessages {
    /// Every backend is lost: which, why, and which lines were not evaluated (`printedThrough`: the last
    /// line whose results were printed; every line before it was, too):
    /// `lost the evaluator at T: WHY; lines A to B (N lines) were not evaluated, nor the rest of the log`,
    /// or `lost all 3 evaluators (T1: WHY; T2: WHY; T3: WHY); …`.
    static func lost(_ failure: BatchPool<PendingBatch>.Failure, printedThrough: Int) -> String {
        var text: String
        if failure.losses.count == 1, let only = failure.losses.first {
            text = "lost the evaluator at \(only.backend): \(reason(only.error))"
        } else {
            text = "lost all \(failure.losses.count) evaluators ("
                + failure.losses.map { "\($0.backend): \(reason($0.error))" }.joined(separator: "; ") + ")"
        }
        let read = max(failure.undelivered.last?.lastLine ?? printedThrough, printedThrough)
        if read > printedThrough {
            let count = read - printedThrough
            text += "; lines \(printedThrough + 1) to \(read) (\(count) line\(count == 1 ? "" : "s")) were not evaluated"
            if !failure.inputComplete { text += ", nor the rest of the log" }
        } else if !failure.inputComplete {
            text += "; the log after line \(printedThrough) was not evaluated"
        }
        return text
    }

    private static func reason(_ error: RPCError) -> String {
        error.message.isEmpty ? "\(error.code)" : error.message
    }
}
