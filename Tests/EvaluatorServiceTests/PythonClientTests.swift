import Foundation
import TestSupport
import XCTest

/// An independent client: Python grpcio, its stubs generated from protos/ at test time
/// (`grpc_tools.protoc` into a temporary directory), calling LoadRuleSet, Evaluate, Health and reflection.
final class PythonClientTests: XCTestCase {
    private var evaluator: EvaluatorProcess!

    override func setUpWithError() throws {
        evaluator = try EvaluatorProcess()
    }

    override func tearDown() {
        evaluator?.stop()
        evaluator = nil
    }

    func testPythonGrpcioClientLoadsAndEvaluates() throws {
        try Inputs.requireFalcoRules()
        guard let python = PythonGRPC.interpreter() else { throw XCTSkip(PythonGRPC.missing) }

        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("python/evaluator_client.py")
        let log = Inputs.cliFixtures.appendingPathComponent("k8s_audit_rules/create-privileged-pod.jsonl").path
        let client = Process()
        client.executableURL = python
        client.arguments = [script.path, Pspctl.packageRoot.appendingPathComponent("protos").path,
                            String(evaluator.port), Inputs.k8sAuditRules, log]
        let output = Pipe()
        client.standardOutput = output
        client.standardError = output
        try client.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        client.waitUntilExit()
        XCTAssertEqual(client.terminationStatus, 0, text)
        XCTAssertTrue(text.hasSuffix("ok\n"), text)
        // The same alerts as pspctl's embedded run prints for that log.
        let embedded = try Pspctl.run(["watch", "--rules", Inputs.k8sAuditRules, "--audit-log", log, "--output", "json"])
        let embeddedRules = try embedded.stdoutLines.map { line -> String in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            return object?["rule"] as? String ?? ""
        }
        XCTAssertEqual(Array(text.split(separator: "\n").dropLast().map(String.init)), embeddedRules)
    }
}
