import Foundation
import TestSupport
import XCTest

/// `pspctl watch --evaluator` against the real EvaluatorService prints exactly what embedded `pspctl
/// watch` prints: stdout, stderr and exit status, byte for byte.
final class RemoteWatchEquivalenceTests: XCTestCase {
    private var evaluator: EvaluatorProcess!

    override func setUpWithError() throws {
        evaluator = try EvaluatorProcess()
    }

    override func tearDown() {
        evaluator?.stop()
        evaluator = nil
    }

    private func assertSameAsEmbedded(_ arguments: [String], expectStatus: Int32? = nil, stdin: String? = nil,
                                      file: StaticString = #filePath, line: UInt = #line) throws {
        let embedded = try Pspctl.run(["watch"] + arguments, stdin: stdin)
        let remote = try Pspctl.run(["watch"] + arguments + ["--evaluator", evaluator.address], stdin: stdin)
        XCTAssertEqual(remote.stdout, embedded.stdout, "stdout of \(arguments)", file: file, line: line)
        XCTAssertEqual(remote.stderr, embedded.stderr, "stderr of \(arguments)", file: file, line: line)
        XCTAssertEqual(remote.status, embedded.status, "status of \(arguments): \(remote.stderr)", file: file, line: line)
        if let expectStatus { XCTAssertEqual(embedded.status, expectStatus, embedded.stderr, file: file, line: line) }
    }

    private var falco: [String] { ["--rules", Inputs.k8sAuditRules, "--rules", Inputs.falcoRules] }

    private func concatenatedFixtures() throws -> String {
        let text = try Inputs.auditLogs().map { try String(contentsOfFile: $0, encoding: .utf8) }.joined()
        return try Pspctl.temporaryFile(text, suffix: ".jsonl")
    }

    func testEveryCLIFixtureWithFalcosRulesAsJSON() throws {
        try Inputs.requireFalcoRules()
        let logs = try Inputs.auditLogs()
        XCTAssertGreaterThan(logs.count, 30)
        for log in logs {
            try assertSameAsEmbedded(falco + ["--audit-log", log, "--output", "json"], expectStatus: 0)
        }
    }

    func testTextAllMatchesMinPriorityISOAndVerbose() throws {
        try Inputs.requireFalcoRules()
        let log = try concatenatedFixtures()
        try assertSameAsEmbedded(falco + ["--audit-log", log, "--output", "text"], expectStatus: 0)
        try assertSameAsEmbedded(falco + ["--audit-log", log, "--output", "json", "--all-matches"], expectStatus: 0)
        try assertSameAsEmbedded(falco + ["--audit-log", log, "--output", "text", "--min-priority", "warning", "--iso8601"])
        try assertSameAsEmbedded(falco + ["--audit-log", log, "-v"])
        try assertSameAsEmbedded(falco + ["--audit-log", log, "-q"])
        try assertSameAsEmbedded(falco + ["--audit-log", "-"], stdin: try String(contentsOfFile: log, encoding: .utf8))
    }

    /// A batch spread over several cores and one evaluated on one (`--workers 1`, as a 1-CPU replica)
    /// print the same: the log repeated so that each batch is long enough to be split.
    func testOneWorkerPrintsWhatSeveralPrint() throws {
        try Inputs.requireFalcoRules()
        let text = try String(contentsOfFile: try concatenatedFixtures(), encoding: .utf8)
        let log = try Pspctl.temporaryFile(String(repeating: text, count: 4), suffix: ".jsonl")
        let single = try EvaluatorProcess(arguments: ["--workers", "1"])
        defer { single.stop() }
        let several = try EvaluatorProcess(arguments: ["--workers", "4"])
        defer { several.stop() }
        for output in ["text", "json"] {
            let arguments = ["watch"] + falco + ["--audit-log", log, "--output", output, "-v"]
            let one = try Pspctl.run(arguments + ["--evaluator", single.address])
            let four = try Pspctl.run(arguments + ["--evaluator", several.address])
            let embedded = try Pspctl.run(arguments)
            XCTAssertEqual(embedded.status, 0, embedded.stderr)
            XCTAssertGreaterThan(embedded.stdout.split(separator: "\n").count, 100)
            for remote in [one, four] {
                XCTAssertEqual(remote.stdout, embedded.stdout)
                XCTAssertEqual(remote.stderr, embedded.stderr)
                XCTAssertEqual(remote.status, embedded.status)
            }
        }
    }

    func testConvertedPolicies() throws {
        let scratch = try ScratchDirectory.make()
        let psp = scratch.appendingPathComponent("psp.yaml").path
        let pss = scratch.appendingPathComponent("pss.yaml").path
        let example = Pspctl.packageRoot.appendingPathComponent("examples/psp-no-privileged.yaml").path
        XCTAssertEqual(try Pspctl.run(["convert", "--psp-path", example, "--rules-path", psp]).status, 0)
        XCTAssertEqual(try Pspctl.run(["convert", "--standard", "restricted", "--standard-version", "latest",
                                       "--rules-path", pss]).status, 0)
        let log = try concatenatedFixtures()
        let exampleLog = Pspctl.packageRoot.appendingPathComponent("examples/audit.jsonl").path
        for rules in [[psp], [pss], [psp, pss]] {
            let flags = rules.flatMap { ["--rules", $0] }
            try assertSameAsEmbedded(flags + ["--audit-log", log, "--output", "json", "-v"])
            try assertSameAsEmbedded(flags + ["--audit-log", exampleLog, "--output", "text", "--all-matches"])
        }
    }

    func testBadLinesKeepGoingAndStopping() throws {
        try Inputs.requireFalcoRules()
        let good = try String(contentsOfFile: Inputs.auditLogs()[0], encoding: .utf8)
            .split(separator: "\n").map(String.init)
        var lines: [String] = []
        for (i, line) in good.prefix(40).enumerated() {
            lines.append(line)
            if i % 7 == 3 { lines.append(#"{"kind": 0}"#) }
            if i % 11 == 5 { lines.append("not json \u{1B}[31m") }
            if i % 13 == 2 { lines.append("   ") }
            if i % 17 == 8 { lines.append(String(repeating: "x", count: 5000)) }
        }
        let log = try Pspctl.temporaryFile(lines.joined(separator: "\n") + "\n\n", suffix: ".jsonl")
        try assertSameAsEmbedded(falco + ["--audit-log", log, "--keep-going"], expectStatus: 1)
        try assertSameAsEmbedded(falco + ["--audit-log", log, "--keep-going", "--max-line-bytes", "4000", "-v"], expectStatus: 1)
        try assertSameAsEmbedded(falco + ["--audit-log", log], expectStatus: 1)
        try assertSameAsEmbedded(falco + ["--audit-log", log, "--max-line-bytes", "1000"], expectStatus: 1)
    }

    func testAnEvaluationErrorKeepsTheAlertsBeforeIt() throws {
        let rules = try Pspctl.temporaryFile("""
            - rule: Parameter
              desc: d
              condition: ka.uri.param[x] exists
              output: "%ka.verb"
              priority: WARNING
              source: k8s_audit
            """)
        let item = { (second: Int, uri: String) in
            #"{"stageTimestamp":"2018-10-25T13:58:\#(second)Z","verb":"get","requestURI":"\#(uri)"}"#
        }
        let list = #"{"kind":"EventList","items":[\#(item(11, "/a?x=1")),\#(item(12, "/a?b%zz=2&x=2")),\#(item(13, "/a?x=3"))]}"#
        let log = try Pspctl.temporaryFile(list + "\n" + item(14, "/a?x=4") + "\n", suffix: ".jsonl")
        try assertSameAsEmbedded(["--rules", rules, "--audit-log", log, "--output", "text"], expectStatus: 1)
        try assertSameAsEmbedded(["--rules", rules, "--audit-log", log, "--output", "text", "--keep-going"], expectStatus: 1)
    }

    func testRulesErrorsAndWarningsAndReadErrors() throws {
        try Inputs.requireFalcoRules()
        let log = try Inputs.auditLogs()[0]
        let broken = try Pspctl.temporaryFile("- rule: r\n  desc: d\n  condition: ka.verb == get\n  output: o\n  priority: WARNING\n  source: k8s_audit\n")
        let empty = try Pspctl.temporaryFile("# nothing\n")
        let unknownKey = try Pspctl.temporaryFile("- rule: r\n  desc: d\n  condition: ka.verb = get\n  output: o\n  priority: WARNING\n  source: k8s_audit\n  override: x\n")
        try assertSameAsEmbedded(["--rules", empty, "--rules", unknownKey, "--rules", broken, "--audit-log", log], expectStatus: 2)
        try assertSameAsEmbedded(["--rules", empty, "--rules", unknownKey, "--audit-log", log, "-v"], expectStatus: 0)
        try assertSameAsEmbedded(["--rules", Inputs.falcoRules, "--audit-log", log])
        try assertSameAsEmbedded(["--rules", unknownKey, "--rules", "/nonexistent/rules.yaml", "--audit-log", log], expectStatus: 2)
        try assertSameAsEmbedded(falco + ["--audit-log", "/nonexistent/audit.jsonl"], expectStatus: 2)
        try assertSameAsEmbedded(falco + ["--audit-log", NSTemporaryDirectory()], expectStatus: 2)
    }
}
