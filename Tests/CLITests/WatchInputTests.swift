import Foundation
import XCTest
import TestSupport

/// How `pspctl watch` reads an audit log: one Event (or EventList, or array) per line; exit 0 when the
/// log was read fully, 1 when a line was rejected (k8s-audit-fields.md 1.2–1.5, spec README "Input").
/// Falco 0.31.1 differs: it stops at the first bad or whitespace-only line and still exits 0.
final class WatchInputTests: XCTestCase {
    private let rules = [FalcoRulesFiles.k8sAudit]

    /// Three events that each raise Disallowed K8s User, each with its own time.
    private func alertingEvents() throws -> [String] {
        try (1...3).map { try Fixtures.line($0, of: "disallowed-k8s-user") }
    }

    private func alertTimes(_ result: Pspctl.Result) throws -> [String] {
        try JSONAlert.parseAll(result).map(\.time)
    }

    private func times(_ lines: [String]) throws -> [String] {
        try lines.map(AlertTime.expected(forEventLine:))
    }

    func testALineThatIsNotAnAuditEventStopsTheRunAfterEarlierAlerts() throws {
        let events = try alertingEvents()
        let result = try Watch.run(rules: rules, lines: [events[0], events[1], #"{"kind": 0}"#, events[2]])
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertEqual(try alertTimes(result), try times([events[0], events[1]]), "alerts of lines 1-2 only")
        XCTAssertTrue(result.stderr.contains("Could not read k8s audit event line #3"), result.stderr)
        XCTAssertTrue(result.stderr.contains("Data not recognized as a k8s audit event"), result.stderr)
    }

    func testRecognitionFailuresNameTheirLine() throws {
        let events = try alertingEvents()
        let rejected = [
            #"{"kind":"Event","verb":"get"}"#,                                      // no stageTimestamp
            #"{"kind":"event","stageTimestamp":"2024-05-14T10:00:00Z"}"#,          // kind is case-sensitive
            #"{"kind":"Pod","stageTimestamp":"2024-05-14T10:00:00Z"}"#,
            #"{"kind":"Event","stageTimestamp":"2024-05-14 10:00:00Z"}"#,          // space instead of T
            #"[[{"kind":"Event","stageTimestamp":"2024-05-14T10:00:00Z"}]]"#,      // nested array
            #""Event""#, "5", "null",
        ]
        for line in rejected {
            let result = try Watch.run(rules: rules, lines: [events[0], line])
            XCTAssertEqual(result.status, 1, "\(line): \(result.stderr)")
            XCTAssertEqual(try alertTimes(result), try times([events[0]]), line)
            XCTAssertTrue(result.stderr.contains("Could not read k8s audit event line #2"), "\(line): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains("Data not recognized as a k8s audit event"), "\(line): \(result.stderr)")
        }
    }

    func testALineThatIsNotJSONIsAnError() throws {
        let events = try alertingEvents()
        for line in ["this is not json", #"{"kind":"Event","#, "{'kind':'Event'}", #"{"a":1}}"#] {
            let result = try Watch.run(rules: rules, lines: [events[0], line, events[1]])
            XCTAssertEqual(result.status, 1, "\(line): \(result.stderr)")
            XCTAssertEqual(try alertTimes(result), try times([events[0]]), line)
            XCTAssertTrue(result.stderr.contains("Could not read k8s audit event line #2"), "\(line): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains("Could not parse data"), "\(line): \(result.stderr)")
        }
    }

    /// `--keep-going` skips rejected lines, keeps evaluating, reports how many it skipped, exits 1.
    func testKeepGoingSkipsAndCountsRejectedLines() throws {
        let events = try alertingEvents()
        let lines = [events[0], #"{"kind": 0}"#, events[1], #"{"kind":"Event"}"#, "not json", events[2]]
        let result = try Watch.run(rules: rules, lines: lines, options: ["--keep-going"])
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertEqual(try alertTimes(result), try times(events))
        for number in [2, 4, 5] {
            XCTAssertTrue(result.stderr.contains("line #\(number)"), "line \(number): \(result.stderr)")
        }
        XCTAssertFalse(result.stderr.contains("line #1") || result.stderr.contains("line #3") || result.stderr.contains("line #6"),
                       result.stderr)
        let summary = result.stderr.split(separator: "\n").last.map(String.init) ?? ""
        XCTAssertNotNil(summary.range(of: #"\b3\b[^,;]*(rejected|skipped)|(rejected|skipped)[^,;]*\b3\b"#, options: .regularExpression),
                        "the last stderr line counts 3 rejected lines: \(summary)")
    }

    func testKeepGoingWithNothingRejectedExitsZero() throws {
        let events = try alertingEvents()
        let result = try Watch.run(rules: rules, lines: events, options: ["--keep-going"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(try alertTimes(result), try times(events))
    }

    /// Empty and whitespace-only lines are neither events nor errors, anywhere in the file, but they
    /// still count for line numbers.
    func testEmptyAndWhitespaceOnlyLinesAreSkippedSilently() throws {
        let events = try alertingEvents()
        let result = try Watch.run(rules: rules, lines: ["", events[0], "   ", "\t", events[1], "\r", "", events[2], ""])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(try alertTimes(result), try times(events))
        XCTAssertFalse(result.stderr.contains("line #"), result.stderr)

        let numbered = try Watch.run(rules: rules, lines: [events[0], "", "  ", #"{"kind": 0}"#])
        XCTAssertEqual(numbered.status, 1)
        XCTAssertTrue(numbered.stderr.contains("Could not read k8s audit event line #4"), numbered.stderr)
    }

    func testCRLFLineEndings() throws {
        let events = try alertingEvents()
        let result = try Watch.run(rules: rules, lines: events.map { $0 + "\r" })
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(try alertTimes(result), try times(events))
    }

    func testLastLineWithoutNewlineIsRead() throws {
        let events = try alertingEvents()
        let result = try Watch.run(rules: rules, lines: events, terminator: "")
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(try alertTimes(result), try times(events))
    }

    /// A log cut off mid-event (e.g. while the API server was writing it).
    func testTruncatedLastLineIsAnErrorAfterEarlierAlerts() throws {
        let events = try alertingEvents()
        let result = try Watch.run(rules: rules, lines: [events[0], events[1], String(events[2].prefix(120))], terminator: "")
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertEqual(try alertTimes(result), try times([events[0], events[1]]))
        XCTAssertTrue(result.stderr.contains("Could not read k8s audit event line #3"), result.stderr)
    }

    /// An EventList (what the webhook backend sends) yields its items in order; an item's missing
    /// `kind` is supplied; one bad item rejects the whole line (k8s-audit-fields.md 1.2).
    func testEventListsAndArrays() throws {
        let events = try alertingEvents()
        let withoutKind = events[1].replacingOccurrences(of: #"{"kind":"Event","#, with: "{")
        XCTAssertNotEqual(withoutKind, events[1])
        let list = #"{"kind":"EventList","apiVersion":"audit.k8s.io/v1","metadata":{},"items":["# + events[0] + "," + withoutKind + "]}"
        let ok = try Watch.run(rules: rules, lines: [list, #"{"kind":"EventList","items":[]}"#, #"{"kind":"EventList"}"#,
                                                      "[" + events[2] + "]", "[]"])
        XCTAssertEqual(ok.status, 0, ok.stderr)
        XCTAssertEqual(try alertTimes(ok), try times(events))

        let badItem = #"{"kind":"EventList","items":["# + events[0] + #",{"kind":"Event","stageTimestamp":"bad"}]}"#
        let rejected = try Watch.run(rules: rules, lines: [events[2], badItem])
        XCTAssertEqual(rejected.status, 1, rejected.stderr)
        XCTAssertEqual(try alertTimes(rejected), try times([events[2]]), "no alert for any item of a rejected list")
        XCTAssertTrue(rejected.stderr.contains("Could not read k8s audit event line #2"), rejected.stderr)
        XCTAssertTrue(rejected.stderr.contains("Data not recognized as a k8s audit event"), rejected.stderr)
    }

    func testDashReadsStandardInput() throws {
        let events = try alertingEvents()
        let result = try Watch.run(rules: rules, auditLog: "-", stdin: events.joined(separator: "\n") + "\n")
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(try alertTimes(result), try times(events))
    }

    func testMissingAuditLogIsAClearError() throws {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("no-such-audit-\(UUID().uuidString).jsonl").path
        let result = try Watch.run(rules: rules, auditLog: missing)
        XCTAssertTrue([1, 2].contains(result.status), "status \(result.status): \(result.stderr)")
        XCTAssertTrue(result.stderr.contains(missing), result.stderr)
        XCTAssertEqual(result.stdout, "")
    }

    /// Alerts are emitted while reading: none is lost or rate-limited however many arrive (Falco's
    /// default drops alerts after a burst of 1000; corrected per the spec README).
    func testEveryAlertIsPrinted() throws {
        let template = try Fixtures.line(1, of: "disallowed-k8s-user")
        let lines = try (0..<1500).map { i in
            try Fixtures.restamped(template, stageTimestamp: String(format: "2024-05-14T11:%02d:%02d.%06dZ", i / 60, i % 60, i))
        }
        let result = try Watch.run(rules: rules, lines: lines)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdoutLines.count, 1500)
    }

    /// The alert time is the event's `stageTimestamp` to the nanosecond, with its UTC offset honoured
    /// (spec README "Correct"; Falco 0.31.1 rounds through a double to 256 ns and ignores offsets).
    func testAlertTimeKeepsNanosecondsAndHonoursOffsets() throws {
        let template = try Fixtures.line(1, of: "disallowed-k8s-user")
        let stamps = [("2024-05-14T10:09:01.123456789Z", "2024-05-14T10:09:01.123456789Z"),
                      ("2024-05-14T10:09:02.999999999Z", "2024-05-14T10:09:02.999999999Z"),
                      ("2024-05-14T12:09:03.176+02:00", "2024-05-14T10:09:03.176000000Z"),
                      ("2024-05-14T05:39:04.5-04:30", "2024-05-14T10:09:04.500000000Z"),
                      ("2024-05-14T10:09:05", "2024-05-14T10:09:05.000000000Z")]
        let lines = try stamps.map { try Fixtures.restamped(template, stageTimestamp: $0.0) }
        let result = try Watch.run(rules: rules, lines: lines)
        XCTAssertEqual(result.status, 0, result.stderr)
        let alerts = try JSONAlert.parseAll(result)
        XCTAssertEqual(alerts.map(\.time), stamps.map(\.1))
        XCTAssertEqual(alerts.map { String($0.output.prefix(18)) }, stamps.map { AlertTime.timeOfDay($0.1) })
    }
}
