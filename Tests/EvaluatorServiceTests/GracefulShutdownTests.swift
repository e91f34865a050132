import Foundation
import GRPCKit
import PspctlProtocol
import TestSupport
import XCTest

/// SIGTERM on a real EvaluatorService with real clients: `pspctl watch --evaluator` mid-stream, a
/// client stuck past the grace, health during the grace, and the `--shutdown-grace` flag.
final class GracefulShutdownTests: XCTestCase {
    private var evaluator: EvaluatorProcess?

    override func tearDown() {
        evaluator?.stop()
        evaluator = nil
    }

    /// 50,000 events of `../shared/bench/gen-audit-log.py` (made once per test run).
    private static let auditLog: Result<String, Error> = Result {
        let script = Pspctl.packageRoot.appendingPathComponent("../shared/bench/gen-audit-log.py").standardized.path
        guard FileManager.default.fileExists(atPath: script) else { throw XCTSkip("no \(script)") }
        let path = try ScratchDirectory.make().appendingPathComponent("audit-50k.jsonl").path
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script, "50000"]
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw XCTSkip("gen-audit-log.py failed") }
        return path
    }

    func testSIGTERMDuringA50kEventStreamEndsTheWatchAtABatchBoundary() throws {
        try Inputs.requireFalcoRules()
        let log = try Self.auditLog.get()
        let evaluator = try EvaluatorProcess(arguments: ["--shutdown-grace", "5"])
        self.evaluator = evaluator
        let health = HealthWatch(address: evaluator.address, service: ServiceName.evaluator)
        XCTAssertTrue(health.waitFor(.serving), "health never said SERVING: \(health.statuses)")

        let watch = try RunningProcess(["watch", "--rules", Inputs.k8sAuditRules, "--audit-log", log, "--evaluator", evaluator.address])
        defer { _ = watch.stop(with: SIGKILL) }
        try watch.wait(seconds: 120, for: "pspctl's first alert") { watch.stdoutLineCount > 0 }
        guard let stopped = evaluator.terminate(timeout: 30) else { return XCTFail("the service had to be killed: \(evaluator.logText)") }
        let result = try watch.waitForExit(seconds: 60)

        // The service: exit 0 within the grace, after draining the one stream.
        XCTAssertEqual(stopped.status, 0, evaluator.logText)
        XCTAssertLessThan(stopped.seconds, 5, evaluator.logText)
        // In flight: the watch's stream (and the health watch, if it had not ended yet); none cancelled.
        XCTAssertTrue(evaluator.logText.contains("msg=stopped calls_cancelled=0 calls_in_flight="), evaluator.logText)
        // Health turned NOT_SERVING at once (the watch stream saw it before its end).
        XCTAssertTrue(health.waitFor(.notServing), "health never said NOT_SERVING: \(health.statuses)")

        // The client: exit 2, names the lines left unevaluated.
        XCTAssertEqual(result.status, 2, result.stderr)
        let pattern = #"pspctl watch: lost the evaluator at 127\.0\.0\.1:[0-9]+: the server is shutting down; lines ([0-9]+) to ([0-9]+) \(([0-9]+) lines?\) were not evaluated(, nor the rest of the log)?\n"#
        guard let match = result.stderr.range(of: pattern, options: .regularExpression) else {
            return XCTFail("no loss report in: \(result.stderr)")
        }
        print("GracefulShutdownTests: pspctl said: \(result.stderr[match])", terminator: "")
        let numbers = result.stderr[match].split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        // [127, 0, 0, 1, port, first, last, count]
        let first = numbers[5], last = numbers[6], count = numbers[7]
        XCTAssertEqual(count, last - first + 1)
        let evaluated = first - 1
        XCTAssertGreaterThan(evaluated, 0, "nothing was answered before the signal")
        XCTAssertLessThan(evaluated, 50_000, "the whole log was answered: the signal came too late")

        // Every batch printed was whole: stdout is exactly the embedded run's on the lines evaluated.
        let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        let head = try Pspctl.temporaryFile(lines.prefix(evaluated).joined(separator: "\n") + "\n", suffix: ".jsonl")
        let embedded = try Pspctl.run(["watch", "--rules", Inputs.k8sAuditRules, "--audit-log", head])
        XCTAssertEqual(embedded.status, 0, embedded.stderr)
        XCTAssertFalse(embedded.stdout.isEmpty)
        XCTAssertTrue(result.stdout == embedded.stdout,
                      "stdout (\(result.stdout.utf8.count) bytes) is not the embedded run's on lines 1–\(evaluated) (\(embedded.stdout.utf8.count) bytes)")
    }

    func testAStreamStuckPastTheGraceIsCancelledWhileHealthSaysNotServing() async throws {
        guard let python = PythonGRPC.interpreter() else { throw XCTSkip(PythonGRPC.missing) }
        let evaluator = try EvaluatorProcess(arguments: ["--shutdown-grace", "2", "--stream-window", "1"])
        self.evaluator = evaluator
        let rules = try Pspctl.temporaryFile(StreamLoad.rulesYAML)
        // A Python client that sends and stops reading: the stream's handler blocks on its send window.
        let client = try StuckClient(python: python, port: evaluator.port, rules: rules)
        defer { client.stop() }

        let began = Date()
        evaluator.process.terminate()
        try await Task.sleep(for: .milliseconds(300))
        // During the grace: health answers NOT_SERVING; any other new call is refused.
        let whole = try Pspctl.run(["health", evaluator.address])
        XCTAssertEqual(whole.status, 1, whole.stderr)
        XCTAssertEqual(whole.stdout, "NOT_SERVING\n")
        let service = try Pspctl.run(["health", evaluator.address, "--service", ServiceName.evaluator])
        XCTAssertEqual(service.stdout, "NOT_SERVING\n")
        let channel = try Channel(target: evaluator.address)
        defer { channel.close() }
        do {
            _ = try await channel.unary(MethodPath.listRuleSets, request: PspctlV1.ListRuleSetsRequest().encoded(), timeout: .seconds(5))
            XCTFail("a new call was accepted during the grace")
        } catch {
            XCTAssertEqual(error.code, .unavailable)
            XCTAssertEqual(error.message, "the server is shutting down")
        }
        XCTAssertTrue(evaluator.process.isRunning, "the service did not wait for its grace: \(evaluator.logText)")

        // After the grace: the service exits 0, and the stuck stream, read at last, ends UNAVAILABLE.
        guard let stopped = evaluator.terminate(timeout: 10) else { return XCTFail("the service had to be killed") }
        let seconds = Date().timeIntervalSince(began)
        XCTAssertEqual(stopped.status, 0, evaluator.logText)
        XCTAssertGreaterThanOrEqual(seconds, 1.9, evaluator.logText)
        XCTAssertLessThan(seconds, 5, evaluator.logText)
        XCTAssertTrue(evaluator.logText.contains("msg=stopped calls_cancelled=1 calls_in_flight=1"), evaluator.logText)
        let rest = client.release()
        let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(rest.utf8)) as? [String: Any], rest)
        XCTAssertEqual(report["code"] as? String, "UNAVAILABLE", rest)
        XCTAssertEqual(report["details"] as? String, "the server is shutting down", rest)
        XCTAssertLessThan(report["responses"] as? Int ?? 40, 40, rest)
    }

    func testShutdownGraceFlagAndItsDeprecatedAlias() throws {
        let old = try EvaluatorProcess(arguments: ["--grace", "1"])
        XCTAssertTrue(old.logText.contains("level=warning") && old.logText.contains("--grace is deprecated: use --shutdown-grace"),
                      old.logText)
        XCTAssertTrue(old.logText.contains("listening on"), old.logText)
        XCTAssertNil(old.problemStoppingOnSIGTERM())

        let help = try ServiceProcess.runToExit("EvaluatorService", ["--help"])
        XCTAssertEqual(help.status, 0)
        XCTAssertTrue(help.stdout.contains("--shutdown-grace <seconds>"), help.stdout)
        XCTAssertFalse(help.stdout.contains("--grace "), "the deprecated alias is hidden")
        for flag in ["--max-message-bytes", "--max-concurrent-streams", "--stream-window", "--keepalive-interval",
                     "--keepalive-timeout", "--min-client-ping-interval"] {
            XCTAssertTrue(help.stdout.contains(flag), "\(flag) missing from --help")
        }
        let both = try ServiceProcess.runToExit("EvaluatorService", ["--grace", "1", "--shutdown-grace", "2"])
        XCTAssertEqual(both.status, 2)
        XCTAssertTrue(both.stderr.contains("--grace is the deprecated name of --shutdown-grace"), both.stderr)
        for bad in [["--shutdown-grace", "-1"], ["--max-concurrent-streams", "0"], ["--stream-window", "0"],
                    ["--keepalive-interval", "0"], ["--max-message-bytes", "0"]] {
            let run = try ServiceProcess.runToExit("EvaluatorService", bad)
            XCTAssertEqual(run.status, 2, "\(bad): \(run.stderr)")
            XCTAssertTrue(run.stderr.contains(bad[0]), "\(bad): \(run.stderr)")
        }
    }
}

/// A rule set and events for Evaluate streams driven directly: rule "User N" alerts on user N.
enum StreamLoad {
    static let rulesYAML = (0..<16).map { i in
        "- rule: User \(i)\n  desc: d\n  condition: ka.user.name = user\(i)\n  output: \"%ka.user.name %ka.verb %ka.target.name\"\n  priority: WARNING\n  source: k8s_audit\n"
    }.joined()

    static func event(user: Int, second: Int) -> [UInt8] {
        Array(#"{"kind":"Event","stageTimestamp":"2024-01-01T00:00:\#(String(format: "%02d", second % 60))Z","verb":"get","user":{"username":"user\#(user)"},"objectRef":{"resource":"pods","name":"pod-\#(second)"}}"#.utf8)
    }

    static func load(_ channel: Channel) async throws -> String {
        let request = PspctlV1.LoadRuleSetRequest(source: .files(.init(files: [.init(name: "users.yaml", yaml: rulesYAML)])))
        return try PspctlV1.LoadRuleSetResponse(decoding: try await channel.unary(MethodPath.loadRuleSet, request: request.encoded(),
                                                                                 timeout: .seconds(30))).id
    }

    static func start(_ id: String) -> [UInt8] {
        PspctlV1.EvaluateRequest(request: .start(.init(ruleSetID: id, renderText: true, renderJSON: true))).encoded()
    }

    static func batch(_ items: [[UInt8]]) -> [UInt8] {
        PspctlV1.EvaluateRequest(request: .batch(.init(items: items.map { .init(event: .k8sAuditJSON($0)) }))).encoded()
    }
}

/// A `grpc.health.v1.Health/Watch` stream kept open in the background, recording every status.
final class HealthWatch: @unchecked Sendable {
    typealias Status = GRPCHealthV1.HealthCheckResponse.ServingStatus
    private let lock = NSLock()
    private var seen: [Status] = []
    private var task: Task<Void, Never>?
    private let channel: Channel?

    init(address: String, service: String) {
        channel = try? Channel(target: address)
        let channel = self.channel
        task = Task { [self] in
            guard let channel, let stream = try? channel.makeBidirectionalStream(MethodPath.healthWatch, timeout: .seconds(600)) else { return }
            try? await stream.send(GRPCHealthV1.HealthCheckRequest(service: service).encoded())
            stream.closeSend()
            while let bytes = try? await stream.receive(), let response = try? GRPCHealthV1.HealthCheckResponse(decoding: bytes) {
                lock.withLock { seen.append(response.status) }
            }
        }
    }

    deinit {
        task?.cancel()
        channel?.close()
    }

    var statuses: [Status] { lock.withLock { seen } }

    /// Waits up to 10 s for `status` to have been seen.
    func waitFor(_ status: Status) -> Bool {
        for _ in 0..<1000 {
            if statuses.contains(status) { return true }
            usleep(10_000)
        }
        return false
    }
}
