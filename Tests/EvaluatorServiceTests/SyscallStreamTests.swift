import Foundation
import TestSupport
import XCTest

/// Sensor events through the Evaluate stream (`EventItem.sensor_event`): `pspctl watch --syscall-events
/// --evaluator` prints byte for byte what the embedded run prints, also over several backends, and an
/// independent grpcio client gets the same alerts.
final class SyscallStreamTests: XCTestCase {
    private var evaluators: [EvaluatorProcess] = []

    override func setUpWithError() throws {
        evaluators = [try EvaluatorProcess()]
    }

    override func tearDown() {
        evaluators.forEach { $0.stop() }
        evaluators = []
    }

    private static let events = Inputs.cliFixtures.appendingPathComponent("syscall/falco_rules_events.jsonl").path

    private func assertSameAsEmbedded(_ arguments: [String], evaluatorArguments: [String]? = nil, stdin: String? = nil,
                                      file: StaticString = #filePath, line: UInt = #line) throws {
        let embedded = try Pspctl.run(["watch"] + arguments, stdin: stdin)
        let remote = try Pspctl.run(["watch"] + arguments + (evaluatorArguments ?? ["--evaluator", evaluators[0].address]),
                                    stdin: stdin)
        XCTAssertEqual(remote.stdout, embedded.stdout, "stdout of \(arguments)", file: file, line: line)
        XCTAssertEqual(remote.stderr, embedded.stderr, "stderr of \(arguments)", file: file, line: line)
        XCTAssertEqual(remote.status, embedded.status, "status of \(arguments): \(remote.stderr)", file: file, line: line)
        XCTAssertFalse(embedded.stdout.isEmpty && embedded.stderr.isEmpty, file: file, line: line)
    }

    func testFalcoRulesOnSensorEventsAreByteIdenticalToEmbedded() throws {
        try Inputs.requireFalcoRules()
        let rules = ["--rules", Inputs.falcoRules, "--syscall-events", Self.events]
        try assertSameAsEmbedded(rules + ["--output", "json"])
        try assertSameAsEmbedded(rules + ["--output", "text", "-v"])
        try assertSameAsEmbedded(rules + ["--output", "json", "--all-matches", "--iso8601"])
        try assertSameAsEmbedded(rules + ["--min-priority", "warning"])
        // Bad events among good ones: the same line errors, with and without --keep-going.
        var lines = try String(contentsOfFile: Self.events, encoding: .utf8).split(separator: "\n").map(String.init)
        lines.insert(#"{"evt.type":"open","evt.dir":"<","evt.rawtime":5,"foo.bar":1}"#, at: 2)
        lines.insert(#"{"evt.type":"open","evt.dir":"<","evt.rawtime":5,"proc.name":{"nested":[1]}}"#, at: 5)
        lines.insert("not json", at: 7)
        lines.insert(String(repeating: "x", count: 5_000), at: 9)
        let bad = try Pspctl.temporaryFile(lines.joined(separator: "\n") + "\n", suffix: ".jsonl")
        let withBad = ["--rules", Inputs.falcoRules, "--syscall-events", bad, "--max-line-bytes", "4096"]
        try assertSameAsEmbedded(withBad + ["--keep-going"])
        try assertSameAsEmbedded(withBad)
        try assertSameAsEmbedded(["--rules", Inputs.falcoRules, "--syscall-events", "-", "--keep-going"],
                                 stdin: lines.joined(separator: "\n"))
    }

    /// The start-up warnings come from the service as the embedded run prints them.
    func testWarningsBeforeReadingAreTheEmbeddedOnes() throws {
        let skipped = try Pspctl.temporaryFile("""
            - rule: Reads
              desc: read events are skipped by default
              condition: evt.type = read and proc.name = cat
              output: read (proc=%proc.name)
              priority: NOTICE
            """)
        let events = try Pspctl.temporaryFile(#"{"evt.type":"read","evt.dir":"<","evt.rawtime":1,"proc.name":"cat"}"# + "\n",
                                              suffix: ".jsonl")
        try assertSameAsEmbedded(["--rules", skipped, "--syscall-events", events])
        try assertSameAsEmbedded(["--rules", skipped, "--syscall-events", events, "--all-events"])
        XCTAssertEqual(try Pspctl.run(["watch", "--rules", skipped, "--syscall-events", events, "--all-events"]).stdoutLines,
                       ["00:00:00.000000001: Notice read (proc=cat)"])
        let embedded = try Pspctl.run(["watch", "--rules", skipped, "--syscall-events", events])
        XCTAssertTrue(embedded.stderr.contains("loaded rules match the following events: read;"), embedded.stderr)
        let k8sOnly = try Pspctl.temporaryFile("""
            - rule: K8s
              desc: an audit rule
              condition: ka.verb = create
              output: k8s
              priority: NOTICE
              source: k8s_audit
            """)
        try assertSameAsEmbedded(["--rules", k8sOnly, "--syscall-events", events])
        let none = try Pspctl.run(["watch", "--rules", k8sOnly, "--syscall-events", events])
        XCTAssertTrue(none.stderr.contains("pspctl watch: warning: no loaded rule has source syscall (1 rules are loaded: "
            + "1 with source k8s_audit); the sensor events cannot produce alerts"), none.stderr)
    }

    /// `evt.num` and `evt.reltime` count over the whole run, also when its batches go to two backends.
    func testTwoBackendsNumberSensorEventsAsOneRun() throws {
        evaluators.append(try EvaluatorProcess())
        let rules = try Pspctl.temporaryFile("""
            - rule: Every execve
              desc: prints the run-level derived fields
              condition: evt.type = execve and evt.num > 0
              output: execve (num=%evt.num reltime=%evt.reltime.ns proc=%proc.name)
              priority: INFORMATIONAL
            """)
        var lines: [String] = []
        for i in 0..<2_600 {
            if i == 0 { lines.append(#"{"evt.type":"bad"}"#) }  // numbered, never valid: the run starts at the next
            if i % 500 == 7 { lines.append("") }                  // blank lines are not numbered
            var object: [String: Any] = ["evt.type": "execve", "evt.dir": "<", "evt.rawtime": String(1_650_000_000_000_000_000 + UInt64(i) * 1_000),
                                         "proc.name": "p\(i)"]
            if i % 1_000 == 999 { object["evt.num"] = 77 }      // a supplied evt.num is used as given
            lines.append(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self))
        }
        let file = try Pspctl.temporaryFile(lines.joined(separator: "\n") + "\n", suffix: ".jsonl")
        let arguments = ["--rules", rules, "--syscall-events", file, "--output", "text", "--keep-going"]
        try assertSameAsEmbedded(arguments, evaluatorArguments: evaluators.flatMap { ["--evaluator", $0.address] })
        let embedded = try Pspctl.run(["watch"] + arguments)
        XCTAssertEqual(embedded.stdoutLines.count, 2_600)
        XCTAssertEqual(embedded.stdoutLines.first, "05:20:00.000000000: Informational execve (num=2 reltime=000000000 proc=p0)")
        XCTAssertTrue(embedded.stdoutLines[999].hasSuffix("(num=77 reltime=000999000 proc=p999)"), embedded.stdoutLines[999])
        XCTAssertTrue(embedded.stdoutLines[2_599].hasSuffix("(num=2601 reltime=002599000 proc=p2599)"), embedded.stdoutLines[2_599])
    }

    func testPythonGrpcioClientSendsSensorEvents() throws {
        try Inputs.requireFalcoRules()
        guard let python = PythonGRPC.interpreter() else { throw XCTSkip(PythonGRPC.missing) }
        let client = try PythonGRPC.runClient(python, script: PythonAlertCheck.script("sensor_client.py"),
                                              [String(evaluators[0].port), Inputs.falcoRules, Self.events])
        XCTAssertEqual(client.status, 0, client.output)
        XCTAssertTrue(client.output.hasSuffix("ok\n"), client.output)
        let embedded = try Pspctl.run(["watch", "--rules", Inputs.falcoRules, "--syscall-events", Self.events, "--output", "json"])
        let received = client.output.split(separator: "\n").dropLast().map(String.init)
        XCTAssertEqual(received, embedded.stdoutLines, "the service's JSON lines are the embedded run's")
        XCTAssertEqual(received.count, 10)
    }
}
