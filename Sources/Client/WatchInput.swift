import AuditPipeline
import Foundation

/// The audit log a watch reads, opened as its flags say: followed or not, resumed from `--state-file`,
/// and what records the position and stops the run (SIGINT, SIGTERM). The reading itself is
/// `AuditPipeline`'s, the same for the embedded and the remote run.
struct WatchInput {
    let reader: AuditLogReader
    /// `--state-file`: records the position as alerts are written.
    let recorder: StateRecorder?
    /// Set by SIGINT or SIGTERM (with --follow or --state-file), or when the position cannot be recorded.
    let stop: StopFlag?

    /// Records the position after a stretch whose alerts are written; on failure says so once on stderr
    /// and stops the run (exit status 2).
    func record(_ position: LogPosition?) {
        guard let recorder else { return }
        let failedBefore = recorder.failure != nil
        if !recorder.record(position) {
            if !failedBefore, let failure = recorder.failure { printError(WatchMessages.inputNote(failure)) }
            stop?.set()
        }
    }

    /// At the end: the last position recorded again, fsync'd. False (after saying why) when the position
    /// could not be kept.
    func finishRecording() -> Bool {
        guard let recorder else { return true }
        let failedBefore = recorder.failure != nil
        if recorder.finish() { return true }
        if !failedBefore, let failure = recorder.failure { printError(WatchMessages.inputNote(failure)) }
        return false
    }
}

extension WatchCommand {
    /// Opens `--audit-log` (exit status 2 with the reason when it cannot be): resumes at the position
    /// `--state-file` records, says what it decided (a rotation while stopped …), records the starting
    /// position at once (so an unwritable state file is found before any event is read), and from then
    /// on SIGINT and SIGTERM stop the run cleanly when it follows the log or records its position.
    func openAuditLog() throws -> WatchInput {
        try openInput(inputPath ?? "-", source: source)
    }

    /// `openAuditLog` for one of the sources of a run (`path` holds `source`'s events). `alwaysStoppable`:
    /// the run has several sources, so one that stops (a bad line, a read error) stops the others.
    func openInput(_ path: String, source: WatchMessages.Source, alwaysStoppable: Bool = false) throws -> WatchInput {
        var options = AuditLogReader.Options()
        options.maxLineBytes = maxLineBytes
        options.follow = follow
        options.from = from ?? .beginning
        options.pollInterval = .milliseconds(pollIntervalMilliseconds)
        options.inputName = source.inputName
        let stateFile = stateFile.map(WatchStateFile.init(path:))
        options.recordsPosition = stateFile != nil
        // With a sink, a stop is clean too (file synced, queue drained), but for standard input read without
        // --follow: a blocking read there would not see the stop, so signals keep their default action.
        let catchesSignals = follow || stateFile != nil || (hasAlertSinks && path != "-")
        let stop = catchesSignals || alwaysStoppable ? StopFlag() : nil
        options.stop = stop
        if verbose { options.onRotation = { printError(WatchMessages.inputNote($0)) } }
        let reader: AuditLogReader
        do {
            options.resume = try stateFile?.load()
            reader = try AuditLogReader(path: path, options: options)
        } catch {
            throw fail("watch", "\(error)", status: 2)
        }
        for note in reader.notes where note.isWarning ? !quiet : verbose {
            printError(WatchMessages.inputNote(note.message))
        }
        let recorder = stateFile.map(StateRecorder.init(file:))
        if let recorder, !recorder.record(reader.position) {
            throw fail("watch", recorder.failure ?? "cannot write the state file", status: 2)
        }
        if catchesSignals { stop?.catchSignals() }
        return WatchInput(reader: reader, recorder: recorder, stop: stop)
    }
}
