import Foundation
import XCTest
import TestSupport

/// `pspctl watch --alerts-file` and `--alerts-http` (issue 16, item 4): real pspctl processes, a real
/// file, and a real HTTP receiver (Python, loopback) that records every request.
final class AlertSinkTests: XCTestCase {
    /// Every fixture log of `k8s_audit_rules/` in one file: about a hundred alerts of many rules.
    private var allEvents = ""

    override func setUpWithError() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Fixtures.k8sAuditRules.path)
            .filter { $0.hasSuffix(".jsonl") }.sorted()
        let text = try names.map {
            try String(contentsOf: Fixtures.k8sAuditRules.appendingPathComponent($0), encoding: .utf8)
        }.joined()
        allEvents = try Pspctl.temporaryFile(text, suffix: ".jsonl")
    }

    private func requireFalcoRules() throws {
        guard FileManager.default.fileExists(atPath: FalcoRulesFiles.k8sAudit) else {
            throw XCTSkip("Falco 0.31.1's k8s_audit_rules.yaml is not in ../shared/fixtures/falco-0.31.1/rules")
        }
    }

    // MARK: --alerts-file

    func testAlertsFileGetsStdoutByteForByteAppendedAcrossRunsAndIsCreated0600() throws {
        try requireFalcoRules()
        let file = try ScratchDirectory.make().appendingPathComponent("alerts.log").path
        let text = try Watch.run(rules: [FalcoRulesFiles.k8sAudit], auditLog: allEvents, output: "text",
                                 options: ["--alerts-file", file])
        XCTAssertEqual(text.status, 0, text.stderr)
        XCTAssertGreaterThan(text.stdoutLines.count, 50, "the fixtures should alert many times")
        XCTAssertEqual(try String(contentsOfFile: file, encoding: .utf8), text.stdout)
        let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
        XCTAssertEqual(mode, 0o600, "a new alerts file is readable by its owner only")

        let json = try Watch.run(rules: [FalcoRulesFiles.k8sAudit], auditLog: allEvents, output: "json",
                                 options: ["--alerts-file", file])
        XCTAssertEqual(json.status, 0, json.stderr)
        XCTAssertEqual(try String(contentsOfFile: file, encoding: .utf8), text.stdout + json.stdout,
                       "a second run appends")
    }

    func testAnAlertsFileThatCannotBeOpenedIsExitStatus2BeforeReading() throws {
        let directory = try ScratchDirectory.make().path
        let result = try Watch.run(rules: [try GrowingAuditLog.rulesFile()], lines: [GrowingAuditLog.event(1)],
                                   options: ["--alerts-file", directory])
        XCTAssertEqual(result.status, 2, result.stderr)
        XCTAssertEqual(result.stdout, "")
        XCTAssertTrue(result.stderr.contains("pspctl watch: cannot open the alerts file \(directory)"), result.stderr)
    }

    // MARK: --alerts-http

    func testEveryAlertIsPostedAsItsFalcoJSONLineInOrderWhateverTheOutputFormat() throws {
        try requireFalcoRules()
        let receiver = try AlertReceiver()
        defer { receiver.stop() }
        let expected = try Watch.run(rules: [FalcoRulesFiles.k8sAudit], auditLog: allEvents, output: "json")
        XCTAssertEqual(expected.status, 0, expected.stderr)
        let text = try Watch.run(rules: [FalcoRulesFiles.k8sAudit], auditLog: allEvents, output: "text",
                                 options: ["--alerts-http", receiver.url(path: "/falco?from=pspctl")])
        XCTAssertEqual(text.status, 0, text.stderr)
        XCTAssertFalse(text.stderr.contains("not delivered"), text.stderr)
        XCTAssertEqual(text.stdoutLines.count, expected.stdoutLines.count, "stdout keeps its text lines")
        XCTAssertEqual(receiver.bodies, expected.stdoutLines, "every alert, byte-identical to --output json, in order")
        for body in receiver.bodies {
            XCTAssertEqual(try JSONAlert(body).source, "k8s_audit", "every alert says its source")
        }
        let requests = receiver.requests
        XCTAssertEqual(requests.count, expected.stdoutLines.count, "one POST per alert")
        for request in requests {
            XCTAssertEqual(request["method"] as? String, "POST")
            XCTAssertEqual(request["path"] as? String, "/falco?from=pspctl")
            XCTAssertEqual(request["content_type"] as? String, "application/json")
            XCTAssertEqual(request["user_agent"] as? String, "falcosecurity/falco", "Falco's default http_output user agent")
            XCTAssertEqual(request["host"] as? String, "127.0.0.1:\(receiver.port)")
        }
    }

    func testAReceiverRestartedDuringAFollowedRunStillGetsEveryAlert() throws {
        let receiver = try AlertReceiver()
        defer { receiver.stop() }
        let log = try GrowingAuditLog()
        try log.append(events: 1...5)
        let watch = try RunningProcess(["watch", "--rules", try GrowingAuditLog.rulesFile(), "--audit-log", log.path,
                                       "--output", "json", "--follow", "--poll-interval", "50",
                                       "--alerts-http", receiver.url()])
        defer { _ = watch.stop(with: SIGKILL) }
        XCTAssertTrue(receiver.waitForBodies(5), "first alerts; stderr: \(watch.stderr)")

        receiver.stop()
        try log.append(events: 6...10)
        try watch.waitForLines(10)
        usleep(300_000)
        try receiver.restart()
        try log.append(events: 11...15)
        try watch.waitForLines(15)
        XCTAssertTrue(receiver.waitForBodies(15), "every alert after the restart; got \(receiver.bodies.count)")

        let result = watch.stop(with: SIGTERM)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertFalse(result.stderr.contains("not delivered"), result.stderr)
        XCTAssertEqual(GrowingAuditLog.alertedEvents(result.stdoutLines), Array(1...15))
        XCTAssertEqual(receiver.bodies, result.stdoutLines, "byte-identical to --output json, in order, none twice")
    }

    func testAReceiverAnswering500IsRetriedThenTheUndeliveredAlertsAreReportedWithExitStatus2() throws {
        let receiver = try AlertReceiver(status: 500)
        defer { receiver.stop() }
        let url = receiver.url(path: "/")
        let result = try Watch.run(rules: [try GrowingAuditLog.rulesFile()],
                                   lines: [GrowingAuditLog.event(1), GrowingAuditLog.event(2)],
                                   options: ["--alerts-http", url])
        XCTAssertEqual(result.status, 2, result.stderr)
        XCTAssertEqual(GrowingAuditLog.alertedEvents(result.stdoutLines), [1, 2], "stdout still gets every alert")
        XCTAssertTrue(result.stderr.contains(
            "pspctl watch: 2 alerts were not delivered to \(url): HTTP 500 Internal Server Error (after 6 tries)\n"),
                      result.stderr)
        XCTAssertEqual(receiver.requests.count, 12, "6 tries of each alert")
        XCTAssertTrue(result.stderr.hasSuffix("2 lines, 2 events, 2 alerts\n"), "the summary stays last: \(result.stderr)")
    }

    func testAReceiverAnswering400IsNotRetried() throws {
        let receiver = try AlertReceiver(status: 400)
        defer { receiver.stop() }
        let url = receiver.url()
        let result = try Watch.run(rules: [try GrowingAuditLog.rulesFile()],
                                   lines: [GrowingAuditLog.event(1), GrowingAuditLog.event(2)],
                                   options: ["--alerts-http", url, "-q"])
        XCTAssertEqual(result.status, 2, result.stderr)
        XCTAssertEqual(result.stderr, "pspctl watch: 2 alerts were not delivered to \(url): HTTP 400 Bad Request\n")
        XCTAssertEqual(receiver.requests.count, 2, "a 400 is final")
    }

    func testNoReceiverAtAllEndsWithinTheDrainTimeoutAndSaysSo() throws {
        // A port nothing listens on: every connection is refused, so alerts wait in their retries.
        let receiver = try AlertReceiver()
        let url = receiver.url()
        receiver.stop()
        let start = Date()
        let result = try Watch.run(rules: [try GrowingAuditLog.rulesFile()],
                                   lines: (1...3).map(GrowingAuditLog.event),
                                   options: ["--alerts-http", url, "--alerts-http-timeout", "1", "-q"])
        XCTAssertLessThan(Date().timeIntervalSince(start), 5 * MeasuredRun.timeScale)
        XCTAssertEqual(result.status, 2, result.stderr)
        XCTAssertTrue(result.stderr.hasPrefix("pspctl watch: 3 alerts were not delivered to \(url): "), result.stderr)
        XCTAssertTrue(result.stderr.contains("still queued when --alerts-http-timeout (1 s) ran out"), result.stderr)
    }

    func testAnIPv6LiteralURLIsReached() throws {
        let receiver: AlertReceiver
        do { receiver = try AlertReceiver(host: "::1") } catch { throw XCTSkip("no IPv6 loopback here: \(error)") }
        defer { receiver.stop() }
        let url = receiver.url(path: "/v6")
        XCTAssertTrue(url.hasPrefix("http://[::1]:"), url)
        let result = try Watch.run(rules: [try GrowingAuditLog.rulesFile()], lines: [GrowingAuditLog.event(1)],
                                   options: ["--alerts-http", url])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(receiver.bodies, result.stdoutLines)
        XCTAssertEqual(receiver.requests.first?["host"] as? String, "[::1]:\(receiver.port)")
    }

    func testSIGTERMStopsARunWithSinksCleanlyWithEveryAlertInTheFileAndDelivered() throws {
        let receiver = try AlertReceiver()
        defer { receiver.stop() }
        let log = try GrowingAuditLog()
        try log.append(events: 1...4)
        let file = log.sibling("alerts.log")
        let watch = try RunningProcess(["watch", "--rules", try GrowingAuditLog.rulesFile(), "--audit-log", log.path,
                                       "--output", "text", "--follow", "--poll-interval", "50",
                                       "--alerts-file", file, "--alerts-http", receiver.url()])
        defer { _ = watch.stop(with: SIGKILL) }
        try watch.waitForLines(4)
        let result = watch.stop(with: SIGTERM)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdoutLines.count, 4)
        XCTAssertEqual(try String(contentsOfFile: file, encoding: .utf8), result.stdout, "the file holds stdout's alerts")
        XCTAssertEqual(receiver.bodies.count, 4, "the queue drained before the exit")
    }

    func testAFullQueueMakesReadingWaitAndASignalStillStopsTheRunReportingEveryUndeliveredAlert() throws {
        // Nothing listens: every alert stays in its retries, so a queue of 2 is soon full and reading waits.
        let receiver = try AlertReceiver()
        let url = receiver.url()
        receiver.stop()
        let log = try GrowingAuditLog()
        try log.append(events: 1...10)
        let watch = try RunningProcess(["watch", "--rules", try GrowingAuditLog.rulesFile(), "--audit-log", log.path,
                                       "--output", "json", "--follow", "--poll-interval", "50",
                                       "--alerts-http", url, "--alerts-http-queue", "2", "--alerts-http-timeout", "1"])
        defer { _ = watch.stop(with: SIGKILL) }
        usleep(800_000)
        XCTAssertLessThan(watch.stdoutLineCount, 10, "reading waits for room in the queue (back-pressure), it does not drop")
        let start = Date()
        let result = watch.stop(with: SIGTERM)
        XCTAssertLessThan(Date().timeIntervalSince(start), 5 * MeasuredRun.timeScale, "a full queue does not hold the stop up")
        XCTAssertEqual(result.status, 2, result.stderr)
        let alerted = result.stdoutLines.count
        XCTAssertTrue(result.stderr.contains("pspctl watch: \(alerted) alert\(alerted == 1 ? " was" : "s were") not delivered to \(url): "),
                      "every alert printed is counted as not delivered: \(result.stderr)")
    }

    func testBadURLsAreExitStatus2BeforeAnythingIsReadOrCreated() throws {
        let rules = try GrowingAuditLog.rulesFile()
        let cases: [(url: String, says: String)] = [
            ("https://", "the host is missing"),
            ("ftp://127.0.0.1/", "the scheme must be http://"),
            ("127.0.0.1:2801", "expected http://HOST[:PORT]/PATH"),
            ("http://", "the host is missing"),
            ("http://:2801/", "the host is missing"),
            ("http://127.0.0.1:99999/", "the port must be a number from 1 to 65535"),
            ("http://127.0.0.1:/", "the port must be a number from 1 to 65535"),
            ("http://[::1/", "closing ]"),
            ("http://[nothex]:80/", "is not an IPv6 address"),
            ("http://::1:80/", "an IPv6 address goes in brackets"),
            ("http://user:secret@127.0.0.1/", "credentials in the URL are not supported"),
            ("http://127.0.0.1/a b", "spaces must be percent-encoded"),
        ]
        for (url, says) in cases {
            let file = try ScratchDirectory.make().appendingPathComponent("alerts.log").path
            let result = try Watch.run(rules: [rules], lines: [GrowingAuditLog.event(1)],
                                       options: ["--alerts-http", url, "--alerts-file", file])
            XCTAssertEqual(result.status, 2, "\(url): \(result.stderr)")
            XCTAssertEqual(result.stdout, "", url)
            XCTAssertTrue(result.stderr.hasPrefix("pspctl watch: bad --alerts-http URL \"\(url)\": "), result.stderr)
            XCTAssertTrue(result.stderr.contains(says), "\(url): \(result.stderr)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: file), "\(url): nothing is created")
        }
    }
}
