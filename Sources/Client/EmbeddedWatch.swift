import AlertSinks
import AuditPipeline
import Foundation
import RulesEngine

/// `pspctl watch` without a server: reads the log and evaluates each line in this process, writing
/// alerts as they are found. The reader, the item evaluator, the formatter and the messages are the
/// shared pipeline's (`AuditPipeline`); the remote run differs only in where items are evaluated.
struct EmbeddedWatch {
    let evaluator: ItemEvaluator
    let formatter: AlertFormatter
    let keepGoing: Bool
    /// `--alerts-file`, `--alerts-http`.
    let sinks: AlertSinks?
    /// Audit events or sensor events.
    let source: WatchMessages.Source
    /// The sensor-event run's item count and start time (`evt.num`, `evt.reltime`).
    private var sensorRun = SensorRun()

    private(set) var counts: PipelineCounts
    /// The log could not be read to its end (exit status 2).
    private(set) var readFailed = false
    private var out: OutputBuffer
    private var progress: ProgressLine?

    /// `showProgress`: keep a live count on stderr (only worth it, and only done, on a terminal).
    /// `outputLock`: held while stdout (and the alerts file) is written, when other sources' watches of
    /// the same run write there too.
    init(evaluator: ItemEvaluator, formatter: AlertFormatter, keepGoing: Bool, showProgress: Bool, sinks: AlertSinks? = nil,
         source: WatchMessages.Source = .k8sAudit, outputLock: NSLock? = nil) {
        self.evaluator = evaluator; self.formatter = formatter; self.keepGoing = keepGoing; self.sinks = sinks
        self.source = source
        out = OutputBuffer(fileDescriptor: 1, copy: sinks?.file, lock: outputLock)
        counts = PipelineCounts(ruleCount: evaluator.engine.rules.count)
        progress = showProgress && isatty(2) == 1 ? ProgressLine() : nil
    }

    /// Returns false when a bad line or a read error stopped the run (without --keep-going). With
    /// `--state-file`, the position is recorded after every chunk whose alerts are written.
    mutating func run(_ input: WatchInput) -> Bool {
        let reader = input.reader
        var stopped = false
        reader.forEachLine { line, lineNumber in
            counts.lines = lineNumber
            let outcome = evaluate(line)
            counts.add(outcome)
            if let reason = outcome.rejection {
                return reject(line: line, number: lineNumber, reason: reason)
            }
            out.flushIfFull()
            return true
        } onOverlongLine: { prefix, lineNumber in
            counts.lines = lineNumber
            counts.rejectedLines += 1
            return reject(line: prefix, number: lineNumber,
                          reason: WatchMessages.overlongLineReason(maxLineBytes: reader.maxLineBytes), truncated: true)
        } onChunkEnd: {
            out.flush()
            input.record(reader.position)
            progress?.update(WatchMessages.progress(counts))
        } onReadError: { message in
            out.flush()
            progress?.clear()
            FileHandle.standardError.write(Data(WatchMessages.readError(message, source: source).utf8))
            readFailed = true
            stopped = true
        }
        out.flush()
        input.record(reader.position)
        progress?.clear()
        return !stopped && !(counts.rejectedLines > 0 && !keepGoing)
    }

    /// Evaluates one line of the input, writing its alerts.
    private mutating func evaluate(_ line: UnsafeBufferPointer<UInt8>) -> ItemOutcome {
        switch source {
        case .k8sAudit:
            return evaluator.evaluate(line) { index, rule, context, _ in
                let start = out.count
                out.writeAlert(formatter, rule, context)
                sinks?.alertWritten(out, from: start, style: formatter.style, rule, context)
                counts.alertsByRule[index] += 1
            }
        case .syscall:
            var run = sensorRun
            defer { sensorRun = run }
            return evaluator.evaluateSensorEvent(line, run: &run) { index, rule, event in
                let start = out.count
                out.writeAlert(formatter, rule, event)
                sinks?.alertWritten(out, from: start, style: formatter.style, rule, event)
                counts.alertsByRule[index] += 1
            }
        }
    }

    /// Prints a bad line's error (after the alerts of earlier lines); returns whether to continue.
    private mutating func reject<Line: Collection>(line: Line, number: Int, reason: String, truncated: Bool = false) -> Bool
    where Line.Element == UInt8 {
        out.flush()
        progress?.clear()
        let message = WatchMessages.lineError(number: number, line: line, reason: reason, truncated: truncated,
                                              keepGoing: keepGoing, source: source)
        FileHandle.standardError.write(Data(message.utf8))
        return keepGoing
    }

    func printSummary(verbose: Bool, label: String? = nil) {
        let rules = evaluator.engine.rules.map { (name: $0.name, prioritySpelling: $0.prioritySpelling) }
        FileHandle.standardError.write(Data(WatchMessages.summary(counts, rules: rules, verbose: verbose, label: label).utf8))
    }
}
