import Foundation
import TestSupport
import XCTest

/// `pspctl watch --evaluator` over several real EvaluatorService processes on loopback: the same stdout,
/// stderr and exit status as embedded `pspctl watch`, byte for byte, with every backend taking a share;
/// a backend lost mid-run changes nothing; losing them all is exit status 2 with what was not evaluated.
final class ScaleOutTests: XCTestCase {
    private var evaluators: [EvaluatorProcess] = []
    private var helpers: [Process] = []

    override func tearDown() {
        evaluators.forEach { $0.stop() }
        evaluators = []
        for helper in helpers where helper.isRunning {
            helper.terminate()
            helper.waitUntilExit()
        }
        helpers = []
    }

    /// Backends logging at debug level, so that each says how many items its stream evaluated.
    private func startEvaluators(_ count: Int, arguments: [String] = []) throws {
        for _ in 0..<count { evaluators.append(try EvaluatorProcess(arguments: ["--log-level", "debug"] + arguments)) }
    }

    private var falcoK8sRules: [String] { ["--rules", Inputs.k8sAuditRules] }

    /// A generated audit log of `events` events (../shared/bench/gen-audit-log.py), made once per size.
    private static func generatedLog(_ events: Int) throws -> String {
        let script = Pspctl.packageRoot.appendingPathComponent("../shared/bench/gen-audit-log.py").standardized
        guard FileManager.default.fileExists(atPath: script.path) else {
            throw XCTSkip("../shared/bench/gen-audit-log.py is not there")
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pspctl-scaleout-\(events).jsonl")
        if FileManager.default.fileExists(atPath: path.path) { return path.path }
        let generator = Process()
        generator.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        generator.arguments = ["python3", script.path, String(events)]
        let partial = path.appendingPathExtension("partial")
        _ = FileManager.default.createFile(atPath: partial.path, contents: nil)
        let output = try FileHandle(forWritingTo: partial)
        generator.standardOutput = output
        try generator.run()
        generator.waitUntilExit()
        try output.close()
        guard generator.terminationStatus == 0 else { throw XCTSkip("gen-audit-log.py failed (\(generator.terminationStatus))") }
        try? FileManager.default.removeItem(at: path)
        try FileManager.default.moveItem(at: partial, to: path)
        return path.path
    }

    /// Items each backend's stream evaluated (its debug log's `stream ended items=N`, summed).
    private func itemsEvaluated(by evaluator: EvaluatorProcess) -> Int {
        evaluator.logText.split(separator: "\n").filter { $0.contains("msg=\"stream ended\"") }.reduce(0) { sum, line in
            let field = line.split(separator: " ").first { $0.hasPrefix("items=") }
            return sum + (field.flatMap { Int($0.dropFirst("items=".count)) } ?? 0)
        }
    }

    private func assertSame(_ result: Pspctl.Result, _ embedded: Pspctl.Result, _ what: String,
                            file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(result.stdout, embedded.stdout, "stdout \(what)", file: file, line: line)
        XCTAssertEqual(result.stderr, embedded.stderr, "stderr \(what)", file: file, line: line)
        XCTAssertEqual(result.status, embedded.status, "status \(what): \(result.stderr)", file: file, line: line)
    }

    func testThreeBackendsPrintWhatEmbeddedPrintsAndEachTakesAShare() throws {
        try Inputs.requireFalcoRules()
        try startEvaluators(3)
        let log = try Self.generatedLog(3_000)
        let separate = evaluators.flatMap { ["--evaluator", $0.address] }
        let oneTarget = ["--evaluator", "ipv4:" + evaluators.map(\.address).joined(separator: ",")]
        for output in ["text", "json"] {
            let arguments = ["watch"] + falcoK8sRules + ["--audit-log", log, "--output", output]
            let embedded = try Pspctl.run(arguments)
            XCTAssertEqual(embedded.status, 0, embedded.stderr)
            XCTAssertGreaterThan(embedded.stdoutLines.count, 500)
            assertSame(try Pspctl.run(arguments + separate), embedded, "\(output), three --evaluator")
            assertSame(try Pspctl.run(arguments + oneTarget), embedded, "\(output), one ipv4: target of three")
        }
        // -v: the per-rule counts of the summary come from the items' results, whichever backend gave them.
        let verbose = ["watch"] + falcoK8sRules + ["--audit-log", log, "-v", "--all-matches"]
        assertSame(try Pspctl.run(verbose + separate), try Pspctl.run(verbose), "-v --all-matches")
        // Every backend evaluated a share of every run: 5 runs of 3,000 items.
        let shares = evaluators.map(itemsEvaluated)
        XCTAssertEqual(shares.reduce(0, +), 5 * 3_000, "\(shares)")
        for share in shares { XCTAssertGreaterThan(share, 5 * 3_000 / 6, "\(shares)") }
    }

    func testBadLinesAndStopsAreTheSameAsEmbedded() throws {
        try Inputs.requireFalcoRules()
        try startEvaluators(3)
        var lines = try String(contentsOfFile: Self.generatedLog(3_000), encoding: .utf8).split(separator: "\n").map(String.init)
        lines.insert(#"{"kind": 0}"#, at: 2_500)
        lines.insert("not json", at: 1_200)
        lines.insert(String(repeating: "x", count: 5_000), at: 400)
        let log = try Pspctl.temporaryFile(lines.joined(separator: "\n") + "\n", suffix: ".jsonl")
        let targets = evaluators.flatMap { ["--evaluator", $0.address] }
        for flags in [["--keep-going"], ["--keep-going", "--max-line-bytes", "4000"], [], ["--max-line-bytes", "4000"]] {
            let arguments = ["watch"] + falcoK8sRules + ["--audit-log", log] + flags
            let embedded = try Pspctl.run(arguments)
            XCTAssertEqual(embedded.status, 1, embedded.stderr)
            assertSame(try Pspctl.run(arguments + targets), embedded, "\(flags)")
        }
    }

    /// Runs `pspctl arguments` and calls `stopping` (which ends some backends) once it has printed
    /// `afterLines` alert lines: batches go round robin and are printed in log order, so by then every
    /// backend has answered some. Returns the result and whether `stopping` ran before pspctl ended.
    private func run(_ arguments: [String], afterLines: Int = 1_500,
                     stopping: @escaping @Sendable () -> Void) throws -> (Pspctl.Result, Bool) {
        let process = Process()
        process.executableURL = Pspctl.executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(["TZ": "UTC"]) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let stoppedMidRun = Flag()
        let group = DispatchGroup()
        nonisolated(unsafe) var stdout = Data(), stderr = Data()
        group.enter()
        DispatchQueue.global().async {
            var lines = 0
            while true {
                let data = out.fileHandleForReading.availableData
                if data.isEmpty { break }
                stdout.append(data)
                lines += data.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
                if lines >= afterLines && !stoppedMidRun.isSet {
                    stoppedMidRun.set()
                    stopping()
                }
            }
            group.leave()
        }
        group.enter()
        DispatchQueue.global().async { stderr = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        process.waitUntilExit()
        group.wait()
        let result = Pspctl.Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                                   stderr: String(decoding: stderr, as: UTF8.self))
        return (result, stoppedMidRun.isSet)
    }

    func testABackendKilledMidRunChangesNothing() throws {
        try Inputs.requireFalcoRules()
        try startEvaluators(3)
        let log = try Self.generatedLog(20_000)
        let arguments = ["watch"] + falcoK8sRules + ["--audit-log", log, "--output", "json"]
        let embedded = try Pspctl.run(arguments)
        XCTAssertEqual(embedded.status, 0, embedded.stderr)
        let victim = evaluators[1]
        let (result, midRun) = try run(arguments + evaluators.flatMap { ["--evaluator", $0.address] }) { victim.kill() }
        XCTAssertTrue(midRun, "the backend was not killed: too few alerts")
        assertSame(result, embedded, "with a backend killed (SIGKILL) mid-run")
        XCTAssertEqual(Set(result.stdoutLines).count, Set(embedded.stdoutLines).count, "no alert twice")
        let survivors = [evaluators[0], evaluators[2]].map(itemsEvaluated)
        XCTAssertLessThan(survivors.reduce(0, +), 20_000, "the killed backend had answered some batches: \(survivors)")
    }

    func testABackendShuttingDownMidRunChangesNothing() throws {
        try Inputs.requireFalcoRules()
        // --grace 0: on SIGTERM its stream is cancelled at once (UNAVAILABLE to the client).
        try startEvaluators(2, arguments: ["--shutdown-grace", "0"])
        let log = try Self.generatedLog(20_000)
        let arguments = ["watch"] + falcoK8sRules + ["--audit-log", log, "--output", "text"]
        let embedded = try Pspctl.run(arguments)
        let victim = evaluators[0]
        let (result, midRun) = try run(arguments + evaluators.flatMap { ["--evaluator", $0.address] }) {
            victim.process.terminate()
        }
        XCTAssertTrue(midRun, "the backend was not stopped: too few alerts")
        assertSame(result, embedded, "with a backend shut down (SIGTERM) mid-run")
        victim.process.waitUntilExit()
        XCTAssertEqual(victim.process.terminationStatus, 0, victim.logText)
    }

    func testEveryBackendKilledIsExitStatus2SayingWhatWasNotEvaluated() throws {
        try Inputs.requireFalcoRules()
        try startEvaluators(3)
        let log = try Self.generatedLog(20_000)
        let arguments = ["watch"] + falcoK8sRules + ["--audit-log", log, "--output", "json"]
        let embedded = try Pspctl.run(arguments)
        let victims = evaluators
        let (result, midRun) = try run(arguments + evaluators.flatMap { ["--evaluator", $0.address] }) {
            for victim in victims {
                victim.kill()
                usleep(200_000)
            }
        }
        XCTAssertTrue(midRun, "the backends were not killed: too few alerts")
        XCTAssertEqual(result.status, 2, result.stderr)
        XCTAssertTrue(result.stderr.hasPrefix("pspctl watch: lost all 3 evaluators ("), result.stderr)
        for evaluator in evaluators { XCTAssertTrue(result.stderr.contains(evaluator.address + ": "), result.stderr) }
        // Either batches were in flight when the last backend died ("lines A to B … were not evaluated,
        // nor the rest"), or every batch sent had been answered and the reader had not sent the next
        // ("the log after line N was not evaluated"): which one depends on how far the reader was ahead.
        let message = String(try XCTUnwrap(result.stderr.split(separator: "\n").last))
        let inFlight = #"\); lines ([0-9]+) to [0-9]+ \([0-9]+ lines\) were not evaluated, nor the rest of the log$"#
        let between = #"\); the log after line ([0-9]+) was not evaluated$"#
        let first: Int
        if let number = try firstCapture(inFlight, in: message) {
            first = number
        } else if let number = try firstCapture(between, in: message) {
            first = number + 1
        } else {
            return XCTFail("no loss report in: \(message)")
        }
        // What was printed is exactly the embedded output of the lines before the first unanswered one.
        XCTAssertTrue(embedded.stdout.hasPrefix(result.stdout), "a prefix of the embedded alerts")
        XCTAssertLessThan(result.stdout.count, embedded.stdout.count)
        let embeddedBefore = try embeddedAlertCount(throughLine: first - 1, log: log, arguments: arguments)
        XCTAssertEqual(result.stdoutLines.count, embeddedBefore, "every alert of the lines before line \(first), and none after")
    }

    /// The number in the first capture group of `pattern` in `text`, if it matches.
    private func firstCapture(_ pattern: String, in text: String) throws -> Int? {
        let expression = try NSRegularExpression(pattern: pattern)
        guard let match = expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
              let range = Range(match.range(at: 1), in: text) else { return nil }
        return Int(text[range])
    }

    /// Alerts embedded `pspctl watch` prints for the first `lines` lines of `log`.
    private func embeddedAlertCount(throughLine lines: Int, log: String, arguments: [String]) throws -> Int {
        let text = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
            .prefix(lines).joined(separator: "\n") + "\n"
        let head = try Pspctl.temporaryFile(text, suffix: ".jsonl")
        var headArguments = arguments
        headArguments[headArguments.firstIndex(of: log)!] = head
        return try Pspctl.run(headArguments).stdoutLines.count
    }

    func testADNSNameResolvingToThreeAddresses() throws {
        try Inputs.requireFalcoRules()
        // Three backends on one port of 127.0.0.1, 127.0.0.2 and 127.0.0.3, and a DNS server on loopback
        // answering A records for evaluators.pspctl.test with those three addresses: the target
        // dns://DNS/evaluators.pspctl.test:PORT goes through the gRPC core's own resolver (c-ares, which
        // asks the DNS server of the target's authority), whatever the machine's resolver says.
        let first = try EvaluatorProcess(arguments: ["--log-level", "debug"])
        evaluators.append(first)
        for host in ["127.0.0.2", "127.0.0.3"] {
            evaluators.append(try EvaluatorProcess(arguments: ["--log-level", "debug"], listen: "\(host):\(first.port)"))
        }
        let dnsPort = try startDNSServer(name: "evaluators.pspctl.test", addresses: ["127.0.0.1", "127.0.0.2", "127.0.0.3"])
        let log = try Self.generatedLog(3_000)
        let arguments = ["watch"] + falcoK8sRules + ["--audit-log", log, "--output", "json"]
        let embedded = try Pspctl.run(arguments)
        assertSame(try Pspctl.run(arguments + ["--evaluator", "dns://127.0.0.1:\(dnsPort)/evaluators.pspctl.test:\(first.port)"]),
                   embedded, "dns: target resolving to three addresses")
        let shares = evaluators.map(itemsEvaluated)
        XCTAssertEqual(shares.reduce(0, +), 3_000, "\(shares)")
        for share in shares { XCTAssertGreaterThan(share, 0, "every address served a stream: \(shares)") }
        // dns:///localhost:PORT, the system's resolution of localhost (127.0.0.1 here): one backend.
        assertSame(try Pspctl.run(arguments + ["--evaluator", "dns:///localhost:\(first.port)"]), embedded, "dns:///localhost")
        XCTAssertEqual(itemsEvaluated(by: first), shares[0] + 3_000)
    }

    func testATargetThatCannotBeReachedIsLeftOutWithAWarning() throws {
        try Inputs.requireFalcoRules()
        try startEvaluators(2)
        let gone = evaluators.removeLast()
        gone.kill()
        let log = try Self.generatedLog(3_000)
        let arguments = ["watch"] + falcoK8sRules + ["--audit-log", log]
        let embedded = try Pspctl.run(arguments)
        let result = try Pspctl.run(arguments + ["--evaluator", gone.address, "--evaluator", evaluators[0].address])
        XCTAssertEqual(result.stdout, embedded.stdout)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.hasPrefix("pspctl watch: warning: cannot load the rules on the evaluator at \(gone.address) (UNAVAILABLE: "),
                      result.stderr)
        XCTAssertTrue(result.stderr.hasSuffix("); evaluating on the others\n" + embedded.stderr), result.stderr)
        // None reachable: exit 2, as with one target.
        let none = try Pspctl.run(arguments + ["--evaluator", gone.address, "--evaluator", gone.address])
        XCTAssertEqual(none.status, 2, none.stderr)
        XCTAssertTrue(none.stderr.hasPrefix("pspctl watch: cannot reach the evaluator at \(gone.address): "), none.stderr)
        XCTAssertEqual(none.stdout, "")
        // An empty target is a usage error.
        let empty = try Pspctl.run(arguments + ["--evaluator", evaluators[0].address, "--evaluator", ""])
        XCTAssertEqual(empty.status, 2, empty.stderr)
        XCTAssertTrue(empty.stderr.hasPrefix("Error: --evaluator needs a target: "), empty.stderr)
    }

    /// Starts Tests/EvaluatorServiceTests/python/dns_server.py; returns its UDP port.
    private func startDNSServer(name: String, addresses: [String]) throws -> Int {
        let script = Pspctl.packageRoot.appendingPathComponent("Tests/EvaluatorServiceTests/python/dns_server.py")
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        server.arguments = ["python3", script.path, name] + addresses
        let output = Pipe()
        server.standardOutput = output
        try server.run()
        helpers.append(server)
        var line = ""
        while !line.contains("\n") {
            let data = output.fileHandleForReading.availableData
            if data.isEmpty { break }
            line += String(decoding: data, as: UTF8.self)
        }
        guard line.hasPrefix("port "), let port = Int(line.dropFirst(5).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw XCTSkip("the test DNS server did not start: \(line)")
        }
        return port
    }
}

/// A flag set by one thread and read by another.
private final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}
