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

        let log = Inputs.cliFixtures.appendingPathComponent("k8s_audit_rules/create-privileged-pod.jsonl").path
        let client = try PythonGRPC.runClient(python, script: PythonAlertCheck.script("evaluator_client.py"),
                                              [String(evaluator.port), Inputs.k8sAuditRules, log])
        // The same alerts as pspctl's embedded run prints for that log.
        try PythonAlertCheck.assertSameRulesAsEmbedded(client, rules: Inputs.k8sAuditRules, log: log)
    }
}
