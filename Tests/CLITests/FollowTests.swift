import Foundation
import XCTest
import TestSupport

/// `pspctl watch --follow` (issue 16, item 1): a real file appended to, rotated by rename and by
/// copytruncate while a real pspctl reads it; every event alerted exactly once, in order; SIGTERM prints
/// the summary and exits 0; `--state-file` resumes a stopped run with only the new events; gzip files.
final class FollowTests: XCTestCase {
    private var rules = ""
    /// A short poll, so each test takes a few seconds.
    private let poll = ["--poll-interval", "50"]

    override func setUpWithError() throws {
        rules = try GrowingAuditLog.rulesFile()
    }

    private func watch(_ log: GrowingAuditLog, _ options: [String]) throws -> RunningProcess {
        try RunningProcess(["watch", "--rules", rules, "--audit-log", log.path, "--output", "json"] + poll + options)
    }

    private func alerted(_ watch: RunningProcess) -> [Int] {
        GrowingAuditLog.alertedEvents(watch.stdoutLines)
    }

    /// Waits until the events alerted are `expected` (and fails at once on anything else seen).
    private func waitForAlerts(_ watch: RunningProcess, _ expected: [Int], _ label: String,
                               file: StaticString = #filePath, line: UInt = #line) throws {
        try watch.wait(for: "\(label): alerts \(expected)") {
            let seen = alerted(watch)
            if seen.count >= expected.count || !expected.starts(with: seen) { return true }
            return false
        }
        XCTAssertEqual(alerted(watch), expected, "\(label); stderr: \(watch.stderr)", file: file, line: line)
    }

    private func summaryLine(_ result: Pspctl.Result) -> String {
        result.stderr.split(separator: "\n").last.map(String.init) ?? ""
    }

    // MARK: following

    func testAppendsRotationsAndCopytruncateAreEachAlertedExactlyOnceInOrder() throws {
        let log = try GrowingAuditLog()
        try log.append(events: 1...3)
        let watch = try watch(log, ["--follow"])
        defer { _ = watch.stop(with: SIGKILL) }
        try waitForAlerts(watch, [1, 2, 3], "the existing lines")

        // Appends, one with its line written in two pieces: held until its newline comes.
        try log.append(events: 4...5)
        let six = GrowingAuditLog.event(6)
        try log.append(String(six.prefix(100)))
        try waitForAlerts(watch, Array(1...5), "appended lines")
        usleep(300_000)
        XCTAssertEqual(alerted(watch), Array(1...5), "a line without its newline is held; stderr: \(watch.stderr)")
        try log.append(String(six.dropFirst(100)) + "\n")
        try waitForAlerts(watch, Array(1...6), "the line completed")

        // Rotation by rename: the writer adds one more line to the renamed file before the new one exists.
        try log.append(events: [7])
        try log.rotate(to: "audit.log.1", createNew: false)
        try log.append(events: [8], to: log.sibling("audit.log.1"))
        _ = FileManager.default.createFile(atPath: log.path, contents: Data(GrowingAuditLog.lines(9...10).utf8))
        try waitForAlerts(watch, Array(1...10), "a rename rotation")

        // A rotation whose old file ends without a newline: that last line is a line.
        try log.append(GrowingAuditLog.event(11))
        try log.rotate(to: "audit.log.2")
        try log.append(events: [12])
        try waitForAlerts(watch, Array(1...12), "a rotation after an unterminated line")

        // copytruncate: the content copied away, the file emptied, the writer going on at its start.
        try log.append(events: 13...15)
        try waitForAlerts(watch, Array(1...15), "lines before copytruncate")
        try log.copyTruncate(to: "audit.log.3")
        usleep(200_000)
        try log.append(events: [16])
        try waitForAlerts(watch, Array(1...16), "copytruncate")

        let result = watch.stop(with: SIGTERM)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(GrowingAuditLog.alertedEvents(result.stdoutLines), Array(1...16), "every event once, in order")
        XCTAssertEqual(summaryLine(result), "pspctl watch: 16 lines, 16 events, 16 alerts", result.stderr)
    }

    func testVerboseSaysWhenTheLogIsRotatedOrTruncated() throws {
        let log = try GrowingAuditLog()
        try log.append(events: 1...3)
        let watch = try watch(log, ["--follow", "-v"])
        defer { _ = watch.stop(with: SIGKILL) }
        try waitForAlerts(watch, [1, 2, 3], "the existing lines")
        try log.rotate(to: "audit.log.1")
        try log.append(events: [4])
        try waitForAlerts(watch, [1, 2, 3, 4], "a rotation")
        try log.copyTruncate(to: "audit.log.2")
        usleep(200_000)
        try log.append(events: [5])
        try waitForAlerts(watch, [1, 2, 3, 4, 5], "copytruncate")
        let result = watch.stop(with: SIGTERM)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("pspctl watch: \(log.path) was rotated: the old file was read to its end; reading the new one from its start\n"),
                      result.stderr)
        XCTAssertTrue(result.stderr.contains("pspctl watch: \(log.path) was truncated (copytruncate): reading it again from its start\n"),
                      result.stderr)
    }

    func testSIGINTStopsLikeSIGTERMAndAQuietLogEndsPromptly() throws {
        let log = try GrowingAuditLog()
        try log.append(events: 1...2)
        let watch = try watch(log, ["--follow"])
        defer { _ = watch.stop(with: SIGKILL) }
        try waitForAlerts(watch, [1, 2], "the existing lines")
        let start = Date()
        let result = watch.stop(with: SIGINT)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertLessThan(Date().timeIntervalSince(start), 2 * MeasuredRun.timeScale, "a quiet followed log stops within a poll or two")
        XCTAssertEqual(summaryLine(result), "pspctl watch: 2 lines, 2 events, 2 alerts", result.stderr)
    }

    func testKeepGoingCountsABadLineAndTheSignalKeepsExitStatusOne() throws {
        let log = try GrowingAuditLog()
        try log.append(GrowingAuditLog.lines([1]) + "not an event\n" + GrowingAuditLog.lines([2]))
        let watch = try watch(log, ["--follow", "--keep-going"])
        defer { _ = watch.stop(with: SIGKILL) }
        try waitForAlerts(watch, [1, 2], "the lines around a bad one")
        let result = watch.stop(with: SIGTERM)
        XCTAssertEqual(result.status, 1, "a rejected line still makes it 1: \(result.stderr)")
        XCTAssertTrue(result.stderr.contains("Could not read k8s audit event line #2"), result.stderr)
        XCTAssertEqual(summaryLine(result), "pspctl watch: 3 lines, 2 events, 2 alerts, 1 rejected lines", result.stderr)
    }

    func testABadLineWithoutKeepGoingEndsAFollowedRun() throws {
        let log = try GrowingAuditLog()
        try log.append(GrowingAuditLog.lines([1]) + "not an event\n" + GrowingAuditLog.lines([2]))
        let watch = try watch(log, ["--follow"])
        defer { _ = watch.stop(with: SIGKILL) }
        let result = try watch.waitForExit()
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertEqual(GrowingAuditLog.alertedEvents(result.stdoutLines), [1])
    }

    func testFromEndStartsAfterTheLastCompleteLine() throws {
        let log = try GrowingAuditLog()
        let four = GrowingAuditLog.event(4)
        try log.append(GrowingAuditLog.lines(1...3) + String(four.prefix(50)))
        let state = log.sibling("state.json")
        let watch = try watch(log, ["--follow", "--from", "end", "--state-file", state])
        defer { _ = watch.stop(with: SIGKILL) }
        // The starting position is recorded at once: then the watch has opened the log.
        try watch.wait(for: "the state file") { FileManager.default.fileExists(atPath: state) }
        try log.append(String(four.dropFirst(50)) + "\n" + GrowingAuditLog.lines([5]))
        try waitForAlerts(watch, [4, 5], "lines after the end")
        let result = watch.stop(with: SIGTERM)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(GrowingAuditLog.alertedEvents(result.stdoutLines), [4, 5])
    }

    // MARK: the state file

    private struct State: Decodable, Equatable {
        var inode: UInt64
        var offset: Int
        var path: String
    }

    private func state(_ path: String) throws -> State {
        try JSONDecoder().decode(State.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }

    func testStateFileResumesAfterSIGTERMAndAcrossARotationWhileStopped() throws {
        let log = try GrowingAuditLog()
        let stateFile = log.sibling("watch.state")
        try log.append(events: 1...3)

        var watch = try watch(log, ["--follow", "--state-file", stateFile])
        try waitForAlerts(watch, [1, 2, 3], "the first run")
        var result = watch.stop(with: SIGTERM)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(summaryLine(result), "pspctl watch: 3 lines, 3 events, 3 alerts", result.stderr)
        XCTAssertEqual(try state(stateFile), State(inode: log.inode, offset: log.size, path: log.path))

        // Appended while stopped: the restarted watch alerts only those.
        try log.append(events: 4...5)
        watch = try self.watch(log, ["--follow", "--state-file", stateFile])
        try waitForAlerts(watch, [4, 5], "the resumed run")
        try log.append(events: [6])
        try waitForAlerts(watch, [4, 5, 6], "the resumed run, appended to")
        result = watch.stop(with: SIGTERM)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(GrowingAuditLog.alertedEvents(result.stdoutLines), [4, 5, 6])
        XCTAssertEqual(summaryLine(result), "pspctl watch: 3 lines, 3 events, 3 alerts", result.stderr)

        // Rotated while stopped (with a line added to the old file first): the rest of the old file,
        // then the new one.
        try log.append(events: [7])
        try log.rotate(to: "audit.log.1")
        try log.append(events: [8])
        watch = try self.watch(log, ["--follow", "--state-file", stateFile])
        try waitForAlerts(watch, [7, 8], "the run after a rotation while stopped")
        result = watch.stop(with: SIGTERM)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(GrowingAuditLog.alertedEvents(result.stdoutLines), [7, 8])
        XCTAssertTrue(result.stderr.contains("was rotated while pspctl was stopped: reading the rest of the old file, now \(log.sibling("audit.log.1"))"),
                      result.stderr)
        XCTAssertEqual(try state(stateFile), State(inode: log.inode, offset: log.size, path: log.path))

        // Without --follow, the state file makes each run read what was added since the last one.
        try log.append(events: 9...10)
        result = try Pspctl.run(["watch", "--rules", rules, "--audit-log", log.path, "--output", "json", "--state-file", stateFile])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(GrowingAuditLog.alertedEvents(result.stdoutLines), [9, 10])
        result = try Pspctl.run(["watch", "--rules", rules, "--audit-log", log.path, "--output", "json", "--state-file", stateFile])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdoutLines, [])
        XCTAssertEqual(summaryLine(result), "pspctl watch: 0 lines, 0 events, 0 alerts", result.stderr)
    }

    /// SIGTERM in the middle of a long backlog: the run stops after the lines it read, records exactly
    /// where, and the next run alerts the rest: together every event once, in order.
    func testSIGTERMDuringABacklogThenARestartAlertEveryEventOnce() throws {
        let log = try GrowingAuditLog()
        let stateFile = log.sibling("watch.state")
        let count = 20_000
        try log.append(events: 1...count)
        let arguments = ["--follow", "--state-file", stateFile]
        let first = try watch(log, arguments)
        defer { _ = first.stop(with: SIGKILL) }
        try first.waitForLines(500)
        let stopped = first.stop(with: SIGTERM)
        XCTAssertEqual(stopped.status, 0, stopped.stderr)
        let firstAlerts = GrowingAuditLog.alertedEvents(stopped.stdoutLines)
        XCTAssertEqual(firstAlerts, Array(1...firstAlerts.count))
        XCTAssertLessThan(firstAlerts.count, count, "the signal came in the middle of the backlog")
        XCTAssertEqual(summaryLine(stopped), "pspctl watch: \(firstAlerts.count) lines, \(firstAlerts.count) events, \(firstAlerts.count) alerts")
        XCTAssertEqual(try state(stateFile).offset, GrowingAuditLog.lines(1...firstAlerts.count).utf8.count,
                       "the position is that of the last line alerted")

        let second = try watch(log, arguments)
        defer { _ = second.stop(with: SIGKILL) }
        try second.waitForLines(count - firstAlerts.count, seconds: 60)
        let rest = second.stop(with: SIGTERM)
        XCTAssertEqual(rest.status, 0, rest.stderr)
        XCTAssertEqual(firstAlerts + GrowingAuditLog.alertedEvents(rest.stdoutLines), Array(1...count))
    }

    func testAnUnterminatedLastLineIsReadAgainWholeByTheNextRun() throws {
        let log = try GrowingAuditLog()
        let stateFile = log.sibling("watch.state")
        let two = GrowingAuditLog.event(2)
        try log.append(GrowingAuditLog.lines([1]) + two)   // event 2 without its newline yet
        var result = try Pspctl.run(["watch", "--rules", rules, "--audit-log", log.path, "--output", "json", "--state-file", stateFile])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(GrowingAuditLog.alertedEvents(result.stdoutLines), [1, 2], "read as the last line, as before")
        XCTAssertEqual(try state(stateFile).offset, GrowingAuditLog.lines([1]).utf8.count, "the position stays at its start")
        try log.append("\n" + GrowingAuditLog.lines([3]))
        result = try Pspctl.run(["watch", "--rules", rules, "--audit-log", log.path, "--output", "json", "--state-file", stateFile])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(GrowingAuditLog.alertedEvents(result.stdoutLines), [2, 3])
    }

    func testARotatedFileGoneWhileStoppedIsSaidAndTheNewFileReadFromItsStart() throws {
        let log = try GrowingAuditLog()
        let stateFile = log.sibling("watch.state")
        try log.append(events: 1...2)
        var result = try Pspctl.run(["watch", "--rules", rules, "--audit-log", log.path, "--output", "json", "--state-file", stateFile])
        XCTAssertEqual(GrowingAuditLog.alertedEvents(result.stdoutLines), [1, 2], result.stderr)
        try log.rotate(to: "audit.log.1")
        try FileManager.default.removeItem(atPath: log.sibling("audit.log.1"))
        try log.append(events: [3])
        result = try Pspctl.run(["watch", "--rules", rules, "--audit-log", log.path, "--output", "json", "--state-file", stateFile])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(GrowingAuditLog.alertedEvents(result.stdoutLines), [3])
        XCTAssertTrue(result.stderr.contains("was rotated while pspctl was stopped and the old file"), result.stderr)
        XCTAssertTrue(result.stderr.contains("reading \(log.path) from its start"), result.stderr)
    }

    func testALogTruncatedWhileStoppedIsSaidAndReadFromItsStart() throws {
        let log = try GrowingAuditLog()
        let stateFile = log.sibling("watch.state")
        let run = { try Pspctl.run(["watch", "--rules", self.rules, "--audit-log", log.path, "--output", "json",
                                    "--state-file", stateFile, "-v"]) }
        try log.append(events: 1...3)
        var result = try run()
        XCTAssertEqual(GrowingAuditLog.alertedEvents(result.stdoutLines), [1, 2, 3], result.stderr)
        try log.copyTruncate(to: "audit.log.1")
        try log.append(events: [4])
        result = try run()
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(GrowingAuditLog.alertedEvents(result.stdoutLines), [4])
        XCTAssertTrue(result.stderr.contains("than the recorded position (byte \(GrowingAuditLog.lines(1...3).utf8.count)): it was truncated while pspctl was stopped; reading it from its start"),
                      result.stderr)
        // --verbose says where a run resumes.
        try log.append(events: [5])
        result = try run()
        XCTAssertEqual(GrowingAuditLog.alertedEvents(result.stdoutLines), [5], result.stderr)
        XCTAssertTrue(result.stderr.contains("pspctl watch: resuming \(log.path) at byte \(GrowingAuditLog.lines([4]).utf8.count)"), result.stderr)
    }

    func testStateFileErrorsAreClear() throws {
        let log = try GrowingAuditLog()
        try log.append(events: [1])
        let other = try GrowingAuditLog()
        let stateFile = log.sibling("watch.state")
        var result = try Pspctl.run(["watch", "--rules", rules, "--audit-log", log.path, "--state-file", stateFile])
        XCTAssertEqual(result.status, 0, result.stderr)
        // Another log with the same state file.
        result = try Pspctl.run(["watch", "--rules", rules, "--audit-log", other.path, "--state-file", stateFile])
        XCTAssertEqual(result.status, 2, result.stderr)
        XCTAssertTrue(result.stderr.contains("the state file records a position in \(log.path), not in \(other.path)"), result.stderr)
        // Not a state.
        try "{\"offset\": 3}".write(toFile: stateFile, atomically: true, encoding: .utf8)
        result = try Pspctl.run(["watch", "--rules", rules, "--audit-log", log.path, "--state-file", stateFile])
        XCTAssertEqual(result.status, 2, result.stderr)
        XCTAssertTrue(result.stderr.contains("is not a pspctl watch state"), result.stderr)
        // A device is refused at once, never read.
        result = try Pspctl.run(["watch", "--rules", rules, "--audit-log", log.path, "--state-file", "/dev/zero"])
        XCTAssertEqual(result.status, 2, result.stderr)
        XCTAssertTrue(result.stderr.contains("the state file /dev/zero is not a regular file"), result.stderr)
        // A directory that does not exist: found before any event is read.
        result = try Pspctl.run(["watch", "--rules", rules, "--audit-log", log.path, "--output", "json",
                                 "--state-file", log.sibling("missing/watch.state")])
        XCTAssertEqual(result.status, 2, result.stderr)
        XCTAssertTrue(result.stderr.contains("cannot write the state file"), result.stderr)
        XCTAssertEqual(result.stdoutLines, [])
        // Standard input has no position.
        result = try Pspctl.run(["watch", "--rules", rules, "--audit-log", "-", "--state-file", stateFile], stdin: "")
        XCTAssertEqual(result.status, 2, result.stderr)
        XCTAssertTrue(result.stderr.contains("--state-file needs a log file"), result.stderr)
    }

    // MARK: options

    func testFollowUsageErrors() throws {
        let log = try GrowingAuditLog()
        var result = try Pspctl.run(["watch", "--rules", rules, "--audit-log", log.path, "--from", "end"])
        XCTAssertEqual(result.status, 2, result.stderr)
        XCTAssertTrue(result.stderr.contains("--from needs --follow"), result.stderr)
        result = try Pspctl.run(["watch", "--rules", rules, "--audit-log", log.path, "--follow", "--from", "middle"])
        XCTAssertEqual(result.status, 2, result.stderr)
        result = try Pspctl.run(["watch", "--rules", rules, "--audit-log", "-", "--follow", "--from", "end"], stdin: "")
        XCTAssertEqual(result.status, 2, result.stderr)
        XCTAssertTrue(result.stderr.contains("--from end needs a log file"), result.stderr)
        result = try Pspctl.run(["watch", "--help"])
        for text in ["--follow", "--from", "--state-file", "--follow --state-file"] {
            XCTAssertTrue(result.stdout.contains(text), "help mentions \(text)")
        }
        XCTAssertFalse(result.stdout.contains("--poll-interval"), "a hidden test option")
    }

    func testFollowOnStandardInputReadsUntilItEnds() throws {
        let result = try Pspctl.run(["watch", "--rules", rules, "--audit-log", "-", "--output", "json", "--follow"] + poll,
                                    stdin: GrowingAuditLog.lines(1...3))
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(GrowingAuditLog.alertedEvents(result.stdoutLines), [1, 2, 3])
    }

    // MARK: gzip

    private func gzip(_ text: String, to path: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import gzip, sys; sys.stdout.buffer.write(gzip.compress(sys.stdin.buffer.read()))"]
        let input = Pipe()
        process.standardInput = input
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try process.run()
        try input.fileHandleForWriting.write(contentsOf: Data(text.utf8))
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "python3 gzip")
    }

    func testGzipFilesAreReadDecompressedAndCannotBeFollowed() throws {
        let log = try GrowingAuditLog()
        let compressed = log.sibling("audit.log.1.gz")
        // Two gzip members one after the other, as `gzip -c more >> file.gz` makes: both are read.
        try gzip(GrowingAuditLog.lines(1...300), to: compressed)
        let second = log.sibling("second.gz")
        try gzip(GrowingAuditLog.lines(301...302), to: second)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: compressed))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(contentsOf: URL(fileURLWithPath: second)))
        try handle.close()

        var result = try Pspctl.run(["watch", "--rules", rules, "--audit-log", compressed, "--output", "json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(GrowingAuditLog.alertedEvents(result.stdoutLines), Array(1...302))
        XCTAssertEqual(summaryLine(result), "pspctl watch: 302 lines, 302 events, 302 alerts", result.stderr)

        // The same bytes under a name without .gz: recognised by gzip's magic bytes.
        let unnamed = log.sibling("rotated-log")
        try FileManager.default.copyItem(atPath: compressed, toPath: unnamed)
        result = try Pspctl.run(["watch", "--rules", rules, "--audit-log", unnamed, "--output", "json"])
        XCTAssertEqual(GrowingAuditLog.alertedEvents(result.stdoutLines), Array(1...302), result.stderr)

        result = try Pspctl.run(["watch", "--rules", rules, "--audit-log", compressed, "--follow"])
        XCTAssertEqual(result.status, 2, result.stderr)
        XCTAssertTrue(result.stderr.contains("cannot follow \(compressed): it is gzip-compressed"), result.stderr)
        result = try Pspctl.run(["watch", "--rules", rules, "--audit-log", compressed, "--state-file", log.sibling("s.json")])
        XCTAssertEqual(result.status, 2, result.stderr)
        XCTAssertTrue(result.stderr.contains("--state-file cannot record a position in \(compressed)"), result.stderr)
    }

    func testATruncatedOrCorruptGzipFileIsAReadErrorAfterTheLinesBeforeIt() throws {
        let log = try GrowingAuditLog()
        let compressed = log.sibling("audit.log.gz")
        try gzip(GrowingAuditLog.lines(1...200), to: compressed)
        let whole = try Data(contentsOf: URL(fileURLWithPath: compressed))
        let truncated = log.sibling("truncated.gz")
        try whole.prefix(whole.count - 20).write(to: URL(fileURLWithPath: truncated))
        var result = try Pspctl.run(["watch", "--rules", rules, "--audit-log", truncated, "--output", "json"])
        XCTAssertEqual(result.status, 2, result.stderr)
        XCTAssertTrue(result.stderr.contains("ends in the middle of its gzip data"), result.stderr)
        let alerted = GrowingAuditLog.alertedEvents(result.stdoutLines)
        XCTAssertEqual(alerted, Array(1...alerted.count), "the lines before the damage, in order")

        var corrupt = whole
        corrupt[20] ^= 0xFF
        corrupt[21] ^= 0xFF
        let damaged = log.sibling("damaged.gz")
        try corrupt.write(to: URL(fileURLWithPath: damaged))
        // Damaged data may decode to lines that are not events before zlib notices: they are skipped.
        result = try Pspctl.run(["watch", "--rules", rules, "--audit-log", damaged, "--output", "json", "--keep-going"])
        XCTAssertEqual(result.status, 2, result.stderr)
        XCTAssertTrue(result.stderr.contains("is not valid gzip data"), result.stderr)
    }
}
