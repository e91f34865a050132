import Foundation
import TestSupport
import XCTest

/// `EvaluatorService --webhook-rule-set ID`: the audit webhook evaluates against a rule set a client loads
/// with LoadRuleSet (Python grpcio here), answering 503 until it is loaded; the set then stays loaded.
final class WebhookRuleSetTests: XCTestCase {
    private var services: [EvaluatorProcess] = []

    override func tearDown() {
        for service in services { service.stop() }
        services = []
    }

    private func ruleSets(_ python: URL, _ port: Int, _ arguments: [String]) throws -> String {
        let client = try PythonGRPC.runClient(python, script: PythonAlertCheck.script("ruleset_client.py"), [String(port)] + arguments)
        XCTAssertEqual(client.status, 0, client.output)
        return client.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private func post(_ port: Int, _ body: String) throws -> MetricsScrape.Response {
        try MetricsScrape.curl(["-X", "POST", "-H", "Content-Type: application/json", "--data-binary", "@\(body)",
                                "http://127.0.0.1:\(port)/k8s-audit"])
    }

    func testTheWebhookWaitsForItsRuleSetThenKeepsIt() throws {
        try Inputs.requireFalcoRules()
        guard let python = PythonGRPC.interpreter() else { throw XCTSkip(PythonGRPC.missing) }
        // The id is a content address: learnt from a first service, it names the same set on another.
        let first = try EvaluatorProcess()
        services.append(first)
        let id = try ruleSets(python, first.port, ["load", Inputs.k8sAuditRules])
        XCTAssertEqual(id.count, 64, id)
        first.stop()

        let log = Inputs.cliFixtures.appendingPathComponent("k8s_audit_rules/create-privileged-pod.jsonl").path
        let events = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").filter { !$0.isEmpty }
        let body = try Pspctl.temporaryFile(#"{"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":["#
                                            + events.joined(separator: ",") + "]}", suffix: ".json")
        let expected = try Pspctl.run(["watch", "--rules", Inputs.k8sAuditRules, "--audit-log", log, "--output", "json"])
        XCTAssertGreaterThan(expected.stdoutLines.count, 0, expected.stderr)

        let out = try Pspctl.temporaryFile("", suffix: ".out")
        let (service, http) = try EvaluatorProcess.withHTTP(["--webhook-rule-set", id, "--max-rule-sets", "1"], stdout: out)
        services.append(service)
        XCTAssertTrue(service.logText.contains("state=\"503 until LoadRuleSet loads it\""), service.logText)

        let waiting = try post(http, body)
        XCTAssertEqual(waiting.status, 503, waiting.body)
        XCTAssertTrue(waiting.body.contains("the webhook's rule set \(id) is not loaded yet (LoadRuleSet it)"), waiting.body)

        XCTAssertEqual(try ruleSets(python, service.port, ["load", Inputs.k8sAuditRules]), id)
        XCTAssertTrue(service.logText.contains("audit webhook rule set loaded"), service.logText)
        let accepted = try post(http, body)
        XCTAssertEqual(accepted.status, 200, accepted.body)

        // It stays: not deleted, not dropped for another set beyond --max-rule-sets 1.
        XCTAssertTrue(try ruleSets(python, service.port, ["delete", id]).hasPrefix("FAILED_PRECONDITION rule set \(id) serves the audit webhook"))
        let other = try ruleSets(python, service.port, ["load", Inputs.falcoRules])
        XCTAssertNotEqual(other, id)
        XCTAssertEqual(Set(try ruleSets(python, service.port, ["list"]).split(separator: "\n").map(String.init)), [id, other])
        let another = try ruleSets(python, service.port, ["load", Inputs.k8sAuditRules, Inputs.falcoRules])
        XCTAssertEqual(Set(try ruleSets(python, service.port, ["list"]).split(separator: "\n").map(String.init)), [id, another],
                       "the unpinned set made room")
        XCTAssertEqual(try post(http, body).status, 200)

        service.stop()
        let alerts = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertEqual(alerts, expected.stdoutLines + expected.stdoutLines, "each accepted body, as the offline run")
    }

    func testRuleSetFlagMistakesAreExit2() throws {
        let cases: [(arguments: [String], says: String)] = [
            (["--http-listen", "127.0.0.1:0", "--webhook-rule-set", "abc", "--webhook-rules", Inputs.k8sAuditRules],
             "--webhook-rules and --webhook-rule-set both name the webhook's rules: give one"),
            (["--webhook-rule-set", "abc"], "--webhook-rule-set needs --http-listen"),
            (["--http-listen", "127.0.0.1:0", "--webhook-rule-set", ""], "--webhook-rule-set needs a rule set id"),
        ]
        for (arguments, says) in cases {
            let run = try ServiceProcess.runToExit("EvaluatorService", arguments)
            XCTAssertEqual(run.status, 2, "\(arguments): \(run.stderr)")
            XCTAssertTrue(run.stderr.contains(says), "\(arguments): \(run.stderr)")
        }
    }
}
