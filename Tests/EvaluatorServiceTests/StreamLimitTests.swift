import Foundation
import GRPCKit
import PspctlProtocol
import TestSupport
import XCTest

/// `--max-concurrent-streams` against a flood of Python grpcio streams, and keepalive pings from a
/// client against the server's ping policy (`--min-client-ping-interval`).
final class StreamLimitTests: XCTestCase {
    private var evaluator: EvaluatorProcess?

    override func tearDown() {
        evaluator?.stop()
        evaluator = nil
    }

    /// The process's peak resident set (`VmHWM`), in bytes.
    private static func peakRSS(_ pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "") else { return nil }
        return kilobytes * 1024
    }

    /// 200 streams at once against a limit of 32: exactly 32 admitted and all answered right, 168
    /// refused at once with RESOURCE_EXHAUSTED, and the server's memory stays bounded.
    ///
    /// The bound: with `--stream-window 4 --max-message-bytes 1048576` an admitted stream holds at
    /// most (2 × 4 + 2) × 1 MiB of messages, so 32 hold at most 320 MiB in the worst case; these
    /// streams send 200-event batches (~30 KB, answers ~20 KB), so the messages held are a few MB and
    /// the peak must stay under 160 MB (the idle debug build is about 30 MB; a refused stream costs
    /// the server only its headers).
    func testAFloodOf200StreamsAgainstALimitOf32() throws {
        guard let python = PythonGRPC.interpreter() else { throw XCTSkip(PythonGRPC.missing) }
        let evaluator = try EvaluatorProcess(arguments: ["--max-concurrent-streams", "32", "--stream-window", "4",
                                                         "--max-message-bytes", "1048576"])
        self.evaluator = evaluator
        let rules = try Pspctl.temporaryFile(StreamLoad.rulesYAML)
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("python/flood_client.py")
        let client = Process()
        client.executableURL = python
        client.arguments = [script.path, Pspctl.packageRoot.appendingPathComponent("protos").path,
                            String(evaluator.port), rules, "200", "5", "200"]
        let output = Pipe(), errors = Pipe()
        client.standardOutput = output
        client.standardError = errors
        try client.run()
        nonisolated(unsafe) var errorText = Data()
        let drained = DispatchSemaphore(value: 0)
        DispatchQueue.global().async { errorText = errors.fileHandleForReading.readDataToEndOfFile(); drained.signal() }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        client.waitUntilExit()
        drained.wait()
        XCTAssertEqual(client.terminationStatus, 0, text + String(decoding: errorText, as: UTF8.self))
        let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], text)

        XCTAssertEqual(report["errors"] as? [String], [], "\(report["errors"] ?? "")")
        XCTAssertEqual(report["accepted"] as? Int, 32, text)
        XCTAssertEqual(report["refused"] as? Int, 168, text)
        XCTAssertEqual(report["codes"] as? [String: Int], ["RESOURCE_EXHAUSTED": 168], text)
        XCTAssertEqual(report["messages"] as? [String: Int],
                       ["the server is at its limit of 32 concurrent calls; try again later": 168], text)

        XCTAssertTrue(evaluator.process.isRunning, evaluator.logText)
        let peak = try XCTUnwrap(Self.peakRSS(evaluator.process.processIdentifier))
        XCTAssertLessThan(peak, 160 << 20, "peak RSS \(peak >> 20) MB")
        print("StreamLimitTests: EvaluatorService peak RSS after the flood: \(peak >> 20) MB")
        // Health checks are never refused, and the slots are free again.
        let health = try Pspctl.run(["health", evaluator.address, "--service", ServiceName.evaluator])
        XCTAssertEqual(health.status, 0, health.stderr)
        let log = try Pspctl.temporaryFile(String(decoding: StreamLoad.event(user: 3, second: 1), as: UTF8.self) + "\n", suffix: ".jsonl")
        let watch = try Pspctl.run(["watch", "--rules", rules, "--audit-log", log, "--evaluator", evaluator.address])
        XCTAssertEqual(watch.status, 0, watch.stderr)
        XCTAssertEqual(watch.stdout, "00:00:01.000000000: Warning user3 get pod-1\n")
        XCTAssertNil(evaluator.problemStoppingOnSIGTERM())
    }

    /// An Evaluate stream idle for 6 s whose client pings as often as it can (keepalive 300 ms; the
    /// 1.51 core spaces a client's pings to about one a second: 3 s of idling gave the control too few
    /// strikes): the server's ping policy
    /// (`--min-client-ping-interval 0.5`) accepts the pings, and the stream still answers. The control:
    /// a server whose policy wants pings at most every 60 s counts the second, third and fourth as
    /// strikes and closes the connection with GOAWAY `too_many_pings`, ending the stream with UNAVAILABLE.
    func testClientKeepalivePingsOnAnIdleStreamAreAccepted() async throws {
        let accepted = try await idleStreamOutcome(serverArguments: ["--min-client-ping-interval", "0.5"])
        XCTAssertNil(accepted.error, "\(String(describing: accepted.error))")
        XCTAssertEqual(accepted.rules, ["User 2"])

        let refused = try await idleStreamOutcome(serverArguments: ["--min-client-ping-interval", "60"])
        XCTAssertEqual(refused.error?.code, .unavailable, "the control was not refused: \(String(describing: refused.error))")
    }

    /// Loads the rules, opens a stream, sends its start, stays idle 6 s pinging, then
    /// sends one batch; the rules of its alerts, or the error that ended the stream.
    private func idleStreamOutcome(serverArguments: [String]) async throws -> (rules: [String], error: RPCError?) {
        let evaluator = try EvaluatorProcess(arguments: serverArguments)
        defer { evaluator.stop() }
        let channel = try Channel(target: evaluator.address, options: ChannelOptions(
            keepalive: Keepalive(interval: .milliseconds(300), timeout: .seconds(5))))
        defer { channel.close() }
        let id = try await StreamLoad.load(channel)
        let stream = try channel.makeBidirectionalStream(MethodPath.evaluate, timeout: .seconds(60))
        do {
            try await stream.send(StreamLoad.start(id))
            try await Task.sleep(for: .seconds(6))
            try await stream.send(StreamLoad.batch([StreamLoad.event(user: 2, second: 2)]))
            stream.closeSend()
            let bytes = try await stream.receive()
            let response = try PspctlV1.EvaluateResponse(decoding: try XCTUnwrap(bytes))
            let end = try await stream.receive()
            XCTAssertNil(end)
            return (response.results.flatMap { $0.alerts.map(\.rule) }, nil)
        } catch let error as RPCError {
            return ([], error)
        }
    }
}
