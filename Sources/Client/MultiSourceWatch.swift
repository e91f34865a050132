import AlertSinks
import ArgumentParser
import AuditPipeline
import Foundation
import RulesEngine

/// `pspctl watch --audit-log A --syscall-events S` (issue 16, item 5): one process watching an audit log
/// and a sensor-event stream at once, each read and evaluated by its own `EmbeddedWatch` on its own
/// thread against the one engine, their alerts on the same stdout and sinks (whole lines: the buffers
/// share a lock). Each source keeps its own line numbers, errors and summary line (`audit log: …`,
/// `sensor events file: …`); a source that stops (a bad line without --keep-going, a read error) stops
/// the other after the lines it has read; the exit status is the worse of the two.
struct MultiSourceWatch {
    let command: WatchCommand
    let engine: RulesEngine
    let sinks: AlertSinks?

    /// One source's watch, moved to its thread and read back after it is joined.
    private final class Running: @unchecked Sendable {
        // Invariant: touched by its thread between start and join, by the caller before and after.
        var watch: EmbeddedWatch
        let input: WatchInput
        var completed = false
        init(watch: EmbeddedWatch, input: WatchInput) { self.watch = watch; self.input = input }
    }

    func run() throws {
        let sources: [(path: String, source: WatchMessages.Source)] = [
            (command.auditLog ?? "-", .k8sAudit), (command.syscallEvents ?? "-", .syscall),
        ]
        let outputLock = NSLock()
        var running: [Running] = []
        for (path, source) in sources {
            let input = try command.openInput(path, source: source, alwaysStoppable: true)
            sinks?.stopWaiting(on: input.stop)
            let watch = EmbeddedWatch(evaluator: ItemEvaluator(engine: engine, allMatches: command.allMatches, allEvents: command.allEvents),
                                      formatter: AlertFormatter(style: command.output), keepGoing: command.keepGoing,
                                      showProgress: false, sinks: sinks, source: source, outputLock: outputLock)
            running.append(Running(watch: watch, input: input))
        }
        let group = DispatchGroup()
        for (index, source) in running.enumerated() {
            // StopFlag is Sendable (WatchInput is not): the flags of the other sources.
            let others = running.enumerated().filter { $0.offset != index }.compactMap(\.element.input.stop)
            group.enter()
            Thread.detachNewThread {
                source.completed = source.watch.run(source.input)
                if !source.completed || source.watch.readFailed { others.forEach { $0.set() } }
                group.leave()
            }
        }
        group.wait()
        let recorded = running.map { $0.input.finishRecording() }.allSatisfy { $0 }
        let delivered = command.finishAlertSinks(sinks)
        if !command.quiet || command.verbose {
            for source in running {
                source.watch.printSummary(verbose: command.verbose, label: source.watch.source.inputName)
            }
        }
        if running.contains(where: \.watch.readFailed) || !recorded || !delivered { throw ExitCode(2) }
        if running.contains(where: { !$0.completed || $0.watch.counts.rejectedLines > 0 }) { throw ExitCode(1) }
    }
}
