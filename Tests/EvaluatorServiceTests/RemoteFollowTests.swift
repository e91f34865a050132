import Foundation
import TestSupport
import XCTest

/// `pspctl watch --evaluator … --follow`: the remote run reads the log with the same reader as the
/// embedded one, so a followed, rotated log is alerted exactly once, in order, a quiet log's alerts are
/// printed as they come (not when a batch fills up), and `--state-file` resumes a stopped run.
final class RemoteFollowTests: XCTestCase {
    private var evaluator: EvaluatorProcess!

    override func setUpWithError() throws {
        evaluator = try EvaluatorProcess()
    }

    override func tearDown() {
        evaluator?.stop()
        evaluator = nil
    }

    private func waitForAlerts(_ watch: RunningProcess, _ expected: [Int], _ label: String,
                               file: StaticString = #filePath, line: UInt = #line) throws {
        try watch.wait(for: "\(label): alerts \(expected)") {
            let seen = GrowingAuditLog.alertedEvents(watch.stdoutLines)
            return seen.count >= expected.count || !expected.starts(with: seen)
        }
        XCTAssertEqual(GrowingAuditLog.alertedEvents(watch.stdoutLines), expected, "\(label); stderr: \(watch.stderr)",
                       file: file, line: line)
    }

    func testAFollowedRotatedLogThroughTheEvaluatorIsAlertedOnceAndResumes() throws {
        let rules = try GrowingAuditLog.rulesFile()
        let log = try GrowingAuditLog()
        let stateFile = log.sibling("watch.state")
        let arguments = ["watch", "--rules", rules, "--audit-log", log.path, "--output", "json", "--follow",
                         "--poll-interval", "50", "--state-file", stateFile, "--evaluator", evaluator.address]
        try log.append(events: 1...3)
        var watch = try RunningProcess(arguments)
        defer { _ = watch.stop(with: SIGKILL) }
        try waitForAlerts(watch, [1, 2, 3], "the existing lines")
        try log.append(events: [4])
        try waitForAlerts(watch, [1, 2, 3, 4], "one appended line, alerted without waiting for a full batch")
        try log.rotate(to: "audit.log.1", createNew: false)
        try log.append(events: [5], to: log.sibling("audit.log.1"))
        _ = FileManager.default.createFile(atPath: log.path, contents: Data(GrowingAuditLog.lines(6...7).utf8))
        try waitForAlerts(watch, Array(1...7), "a rename rotation")
        try log.copyTruncate(to: "audit.log.2")
        usleep(200_000)
        try log.append(events: [8])
        try waitForAlerts(watch, Array(1...8), "copytruncate")
        var result = watch.stop(with: SIGTERM)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(GrowingAuditLog.alertedEvents(result.stdoutLines), Array(1...8))
        XCTAssertTrue(result.stderr.hasSuffix("pspctl watch: 8 lines, 8 events, 8 alerts\n"), result.stderr)

        try log.append(events: 9...10)
        watch = try RunningProcess(arguments)
        try waitForAlerts(watch, [9, 10], "the resumed run")
        result = watch.stop(with: SIGTERM)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(GrowingAuditLog.alertedEvents(result.stdoutLines), [9, 10])
    }

    /// SIGTERM in the middle of a backlog: the batches in flight are printed, the position recorded is
    /// the last printed line's, and a restart alerts exactly the rest.
    func testSIGTERMDuringABacklogThenARestartAlertEveryEventOnce() throws {
        let rules = try GrowingAuditLog.rulesFile()
        let log = try GrowingAuditLog()
        let count = 20_000
        try log.append(events: 1...count)
        let arguments = ["watch", "--rules", rules, "--audit-log", log.path, "--output", "json", "--follow",
                         "--poll-interval", "50", "--state-file", log.sibling("watch.state"), "--evaluator", evaluator.address]
        let first = try RunningProcess(arguments)
        defer { _ = first.stop(with: SIGKILL) }
        try first.waitForLines(500)
        let stopped = first.stop(with: SIGTERM)
        XCTAssertEqual(stopped.status, 0, stopped.stderr)
        let firstAlerts = GrowingAuditLog.alertedEvents(stopped.stdoutLines)
        XCTAssertEqual(firstAlerts, Array(1...firstAlerts.count))
        XCTAssertLessThan(firstAlerts.count, count, "the signal came in the middle of the backlog")
        let second = try RunningProcess(arguments)
        defer { _ = second.stop(with: SIGKILL) }
        try second.waitForLines(count - firstAlerts.count, seconds: 60)
        let rest = second.stop(with: SIGTERM)
        XCTAssertEqual(rest.status, 0, rest.stderr)
        XCTAssertEqual(firstAlerts + GrowingAuditLog.alertedEvents(rest.stdoutLines), Array(1...count))
    }

    /// A gzip file through the evaluator: the same reader decompresses it; the output is embedded's.
    func testAGzipLogThroughTheEvaluatorPrintsWhatEmbeddedPrints() throws {
        let rules = try GrowingAuditLog.rulesFile()
        let log = try GrowingAuditLog()
        try log.append(events: 1...1_500)
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        gzip.arguments = ["gzip", "-k", log.path]
        try gzip.run()
        gzip.waitUntilExit()
        XCTAssertEqual(gzip.terminationStatus, 0)
        let arguments = ["watch", "--rules", rules, "--audit-log", log.path + ".gz", "--output", "json"]
        let embedded = try Pspctl.run(arguments)
        let remote = try Pspctl.run(arguments + ["--evaluator", evaluator.address])
        XCTAssertEqual(embedded.status, 0, embedded.stderr)
        XCTAssertEqual(GrowingAuditLog.alertedEvents(embedded.stdoutLines), Array(1...1_500))
        XCTAssertEqual(remote.stdout, embedded.stdout)
        XCTAssertEqual(remote.stderr, embedded.stderr)
        XCTAssertEqual(remote.status, embedded.status)
    }

    /// A bad line stops a followed remote run as it stops the embedded one, even when the log is quiet
    /// after it.
    func testABadLineEndsAFollowedRemoteRun() throws {
        let rules = try GrowingAuditLog.rulesFile()
        let log = try GrowingAuditLog()
        try log.append(GrowingAuditLog.lines([1]) + "not an event\n" + GrowingAuditLog.lines([2]))
        let watch = try RunningProcess(["watch", "--rules", rules, "--audit-log", log.path, "--output", "json", "--follow",
                                       "--poll-interval", "50", "--evaluator", evaluator.address])
        defer { _ = watch.stop(with: SIGKILL) }
        let result = try watch.waitForExit()
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertEqual(GrowingAuditLog.alertedEvents(result.stdoutLines), [1])
        XCTAssertTrue(result.stderr.contains("Could not read k8s audit event line #2"), result.stderr)
    }
}
