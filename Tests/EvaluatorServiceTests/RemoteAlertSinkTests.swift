import Foundation
import TestSupport
import XCTest

/// `watch --evaluator` with `--alerts-file` and `--alerts-http` (issue 16, item 4): a real
/// EvaluatorService renders the lines; the client writes them to stdout, the file and the receiver
/// exactly as the embedded run does.
final class RemoteAlertSinkTests: XCTestCase {
    func testRemoteAlertsReachTheFileAndTheReceiverAsTheEmbeddedRunsWrite() throws {
        try Inputs.requireFalcoRules()
        let evaluator = try EvaluatorProcess()
        defer { evaluator.stop() }
        let receiver = try AlertReceiver()
        defer { receiver.stop() }
        // Every fixture log in one file: about a hundred alerts of many rules.
        let log = try Pspctl.temporaryFile(try Inputs.auditLogs().map { try String(contentsOfFile: $0, encoding: .utf8) }.joined(),
                                           suffix: ".jsonl")
        let base = ["watch", "--rules", Inputs.k8sAuditRules, "--audit-log", log]
        let embeddedText = try Pspctl.run(base + ["--output", "text"])
        let embeddedJSON = try Pspctl.run(base + ["--output", "json"])
        XCTAssertEqual(embeddedJSON.status, 0, embeddedJSON.stderr)
        XCTAssertGreaterThan(embeddedJSON.stdoutLines.count, 50)

        let file = try ScratchDirectory.make().appendingPathComponent("alerts.log").path
        let remote = try Pspctl.run(base + ["--output", "text", "--evaluator", evaluator.address,
                                            "--alerts-file", file, "--alerts-http", receiver.url(path: "/falco")])
        XCTAssertEqual(remote.status, 0, remote.stderr)
        XCTAssertEqual(remote.stdout, embeddedText.stdout, "stdout as embedded")
        XCTAssertEqual(try String(contentsOfFile: file, encoding: .utf8), remote.stdout, "the file is stdout's copy")
        XCTAssertEqual(receiver.bodies, embeddedJSON.stdoutLines, "the receiver gets the --output json lines, in order")
        XCTAssertEqual(receiver.requests.count, embeddedJSON.stdoutLines.count, "one POST per alert")
    }
}
