import Foundation
import TestSupport
import XCTest

/// EvaluatorService's `--http-listen`: `/metrics` scraped with curl and parsed by Python's
/// prometheus_client, its counts checked against what real streams sent (pspctl watch --evaluator, an
/// independent grpcio client); `/healthz` and `/readyz`, including `/readyz` during the shutdown grace.
final class EvaluatorMetricsTests: XCTestCase {
    private var evaluator: EvaluatorProcess!
    private var httpPort = 0
    private var python: URL!

    override func setUpWithError() throws {
        guard let python = MetricsScrape.python() else { throw XCTSkip(MetricsScrape.parserMissing) }
        self.python = python
        evaluator = try EvaluatorProcess(arguments: ["--http-listen", "127.0.0.1:0", "--shutdown-grace", "5"])
        httpPort = try XCTUnwrap(MetricsScrape.httpPort(of: evaluator), evaluator.logText)
    }

    override func tearDown() {
        evaluator?.stop()
        evaluator = nil
    }

    private func scrape() throws -> [MetricsScrape.Sample] { try MetricsScrape.scrape(port: httpPort, python: python) }

    /// The fixtures' audit logs in one file, with `badLines` lines that are not audit events among them.
    private func logWithBadLines(_ badLines: Int) throws -> (path: String, items: Int) {
        var lines = try Inputs.auditLogs().flatMap { try String(contentsOfFile: $0, encoding: .utf8).split(separator: "\n") }
            .map(String.init).filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        for i in 0..<badLines { lines.insert(i % 2 == 0 ? "{not json" : #"{"kind": 0}"#, at: min(lines.count, 5 + i * 17)) }
        return (try Pspctl.temporaryFile(lines.joined(separator: "\n") + "\n", suffix: ".jsonl"), lines.count)
    }

    /// "… N lines, E events, A alerts[, R rejected lines]" of pspctl watch's summary.
    private func summaryNumbers(_ stderr: String) throws -> (events: Double, alerts: Double, rejected: Double) {
        let line = try XCTUnwrap(stderr.split(separator: "\n").last { $0.contains(" events, ") }, stderr)
        func number(before word: String) -> Double {
            guard let range = line.range(of: #"[0-9]+ "# + word, options: .regularExpression) else { return 0 }
            return Double(line[range].split(separator: " ")[0]) ?? -1
        }
        return (number(before: "events"), number(before: "alerts"), number(before: "rejected"))
    }

    func testCountsEqualWhatTheStreamsSent() throws {
        try Inputs.requireFalcoRules()
        let (log, items) = try logWithBadLines(5)
        let arguments = ["watch", "--rules", Inputs.k8sAuditRules, "--audit-log", log, "--output", "json", "--keep-going"]
        let remote = try Pspctl.run(arguments + ["--evaluator", evaluator.address])
        let embedded = try Pspctl.run(arguments)
        XCTAssertEqual(remote.status, embedded.status, remote.stderr)
        XCTAssertEqual(remote.stdout, embedded.stdout)
        let expected = try summaryNumbers(embedded.stderr)
        XCTAssertEqual(expected.rejected, 5)
        XCTAssertGreaterThan(expected.alerts, 10)

        // Alerts by rule and priority, from the JSON lines pspctl printed.
        var alerts: [[String]: Double] = [:]
        for line in remote.stdoutLines {
            let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            alerts[[try XCTUnwrap(object["rule"] as? String), try XCTUnwrap(object["priority"] as? String)], default: 0] += 1
        }
        XCTAssertGreaterThan(alerts.count, 3)

        let samples = try scrape()
        XCTAssertEqual(samples.value("pspctl_evaluator_items_received_total"), Double(items))
        XCTAssertEqual(samples.value("pspctl_evaluator_events_evaluated_total"), expected.events)
        XCTAssertEqual(samples.value("pspctl_evaluator_items_rejected_total"), expected.rejected)
        XCTAssertEqual(samples.value("pspctl_evaluator_alerts_total"), expected.alerts)
        let scraped = samples.samples("pspctl_evaluator_alerts_total")
        XCTAssertEqual(scraped.count, alerts.count, "one series per rule and priority")
        for sample in scraped {
            let key = [sample.labels["rule"] ?? "", sample.labels["priority"] ?? ""]
            XCTAssertEqual(sample.value, alerts[key], "alerts of \(key)")
        }
        XCTAssertEqual(samples.value("pspctl_evaluator_rule_sets_cached"), 1)
        XCTAssertEqual(samples.value("pspctl_evaluator_rule_set_loads_total", ["source": "files", "outcome": "loaded"]), 1)
        XCTAssertEqual(samples.value("pspctl_evaluator_streams_active"), 0)
        // One batch-latency observation per batch pspctl sent; every batch answered.
        let batches = samples.value("pspctl_evaluator_batch_duration_seconds_count")
        XCTAssertGreaterThanOrEqual(batches, 1)
        XCTAssertEqual(samples.value("pspctl_evaluator_batch_duration_seconds_bucket", ["le": "+Inf"]), batches)

        // Calls by method and status.
        XCTAssertEqual(samples.value("pspctl_grpc_server_handled_total",
                                     ["method": "/pspctl.v1.Evaluator/Evaluate", "code": "OK"]), 1)
        // pspctl calls LoadRuleSet until a turn of the channel's round robin finds no new backend: the first
        // call loads the set, the others find it cached.
        let loads = samples.value("pspctl_grpc_server_handled_total", ["method": "/pspctl.v1.Evaluator/LoadRuleSet", "code": "OK"])
        XCTAssertGreaterThanOrEqual(loads, 1)
        XCTAssertEqual(samples.value("pspctl_evaluator_rule_set_loads_total", ["source": "files", "outcome": "loaded"]), 1)
        XCTAssertEqual(samples.value("pspctl_evaluator_rule_set_loads_total", ["source": "files", "outcome": "cached"]), loads - 1)
        XCTAssertEqual(samples.value("pspctl_grpc_server_started_total"), samples.value("pspctl_grpc_server_handled_total"))
        XCTAssertEqual(samples.value("pspctl_grpc_server_active_calls"), 0)

        // A second stream over the same rule set: its items add up.
        let again = try Pspctl.run(arguments + ["--evaluator", evaluator.address])
        XCTAssertEqual(again.stdout, remote.stdout)
        let after = try scrape()
        XCTAssertEqual(after.value("pspctl_evaluator_items_received_total"), Double(2 * items))
        XCTAssertEqual(after.value("pspctl_evaluator_alerts_total"), 2 * expected.alerts)
        let loadsAfter = after.value("pspctl_grpc_server_handled_total", ["method": "/pspctl.v1.Evaluator/LoadRuleSet", "code": "OK"])
        XCTAssertGreaterThan(loadsAfter, loads)
        XCTAssertEqual(after.value("pspctl_evaluator_rule_set_loads_total", ["source": "files", "outcome": "loaded"]), 1)
        XCTAssertEqual(after.value("pspctl_evaluator_rule_set_loads_total", ["source": "files", "outcome": "cached"]), loadsAfter - 1)
        XCTAssertEqual(after.value("pspctl_grpc_server_handled_total",
                                   ["method": "/pspctl.v1.Evaluator/Evaluate", "code": "OK"]), 2)
    }

    func testBadRequestsAndUnknownMethodsAreCountedUnderBoundedLabels() throws {
        guard let grpcPython = PythonGRPC.interpreter() else { throw XCTSkip(PythonGRPC.missing) }
        // A rules file that does not load: LoadRuleSet answers INVALID_ARGUMENT.
        let bad = try Pspctl.temporaryFile("- rule: broken\n  condition: (\n")
        let log = try Pspctl.temporaryFile("", suffix: ".jsonl")
        let refused = try Pspctl.run(["watch", "--rules", bad, "--audit-log", log, "--evaluator", evaluator.address])
        XCTAssertNotEqual(refused.status, 0)

        // Made-up paths, each different: one label value for all of them.
        let script = Pspctl.packageRoot.appendingPathComponent("Tests/ServiceTests/python/call_unknown_method.py").path
        for path in ["/pspctl.v1.Evaluator/NoSuchMethod", "/evil.Service/\(UUID().uuidString)", "/x/y"] {
            let client = Process()
            client.executableURL = grpcPython
            client.arguments = [script, String(evaluator.port), path]
            let output = Pipe()
            client.standardOutput = output
            try client.run()
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            client.waitUntilExit()
            XCTAssertEqual(text, "UNIMPLEMENTED\n")
        }

        let samples = try scrape()
        XCTAssertEqual(samples.value("pspctl_grpc_server_handled_total",
                                     ["method": "/pspctl.v1.Evaluator/LoadRuleSet", "code": "INVALID_ARGUMENT"]), 1)
        XCTAssertEqual(samples.value("pspctl_evaluator_rule_set_loads_total", ["outcome": "rejected"]), 1)
        XCTAssertEqual(samples.value("pspctl_grpc_server_handled_total", ["method": "unknown", "code": "UNIMPLEMENTED"]), 3)
        XCTAssertEqual(samples.value("pspctl_grpc_server_started_total", ["method": "unknown"]), 3)
        let methods = Set(samples.samples("pspctl_grpc_server_started_total").compactMap { $0.labels["method"] })
        XCTAssertFalse(methods.contains { $0.contains("evil") || $0.contains("NoSuchMethod") || $0 == "/x/y" }, "\(methods)")
        XCTAssertEqual(samples.value("pspctl_evaluator_items_received_total"), 0)
    }

    func testRuleLabelsAreBounded() throws {
        // 300 rules that all match a create, one more with a 250-character name; --all-matches fires each.
        var rules = ""
        let names = (0..<300).map { String(format: "rule %03d", $0) } + [String(repeating: "long ", count: 50)]
        for name in names {
            rules += "- rule: \(name)\n  desc: d\n  condition: ka.verb=create\n  output: \"created %ka.target.name\"\n"
            rules += "  priority: NOTICE\n  source: k8s_audit\n"
        }
        let rulesFile = try Pspctl.temporaryFile(rules)
        let log = Inputs.cliFixtures.appendingPathComponent("k8s_audit_rules/create-privileged-pod.jsonl").path
        let creates = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
            .filter { $0.contains(#""verb":"create""#) }.count
        XCTAssertGreaterThan(creates, 0)
        let watch = try Pspctl.run(["watch", "--rules", rulesFile, "--audit-log", log, "--all-matches", "--output", "json",
                                    "--evaluator", evaluator.address])
        XCTAssertEqual(watch.status, 0, watch.stderr)
        XCTAssertEqual(watch.stdoutLines.count, names.count * creates)

        let samples = try scrape().samples("pspctl_evaluator_alerts_total")
        let named = samples.filter { $0.labels["rule"] != "_other" }
        XCTAssertEqual(named.count, 256, "the first 256 names get their own series")
        XCTAssertTrue(named.allSatisfy { $0.value == Double(creates) && $0.labels["priority"] == "Notice" })
        XCTAssertEqual(samples.value("pspctl_evaluator_alerts_total", ["rule": "_other"]), Double((names.count - 256) * creates))
        XCTAssertEqual(samples.value("pspctl_evaluator_alerts_total"), Double(names.count * creates))
    }

    func testProbesAndReadyzDuringTheShutdownGrace() throws {
        XCTAssertEqual(try MetricsScrape.get(port: httpPort, "/healthz").status, 200)
        let ready = try MetricsScrape.get(port: httpPort, "/readyz")
        XCTAssertEqual(ready.status, 200)
        XCTAssertEqual(ready.body, "ready\n")

        // A service of its own whose grace lasts: a Python client sends and stops reading, so its stream's
        // handler blocks on the send window and the drain waits out --shutdown-grace.
        evaluator.stop()
        evaluator = try EvaluatorProcess(arguments: ["--http-listen", "127.0.0.1:0", "--shutdown-grace", "3", "--stream-window", "1"])
        httpPort = try XCTUnwrap(MetricsScrape.httpPort(of: evaluator), evaluator.logText)
        let rules = try Pspctl.temporaryFile(StreamLoad.rulesYAML)
        let client = try StuckClient(python: python, port: evaluator.port, rules: rules)
        defer { client.stop() }
        XCTAssertEqual(try scrape().value("pspctl_grpc_server_active_calls", ["method": "/pspctl.v1.Evaluator/Evaluate"]), 1)

        evaluator.process.terminate()  // SIGTERM; the stuck stream holds the drain for the 3 s grace
        let turned = Date().addingTimeInterval(3)
        var status = 0
        repeat {
            status = try MetricsScrape.get(port: httpPort, "/readyz").status
            if status == 503 { break }
            usleep(20_000)
        } while Date() < turned
        XCTAssertEqual(status, 503, "readyz during the grace")
        XCTAssertTrue(evaluator.process.isRunning, "the grace period is not over")
        XCTAssertEqual(try MetricsScrape.get(port: httpPort, "/healthz").status, 200, "alive during the grace")
        XCTAssertEqual(try MetricsScrape.get(port: httpPort, "/metrics").status, 200)

        // After the grace the stuck stream is cancelled and the service exits 0.
        let stopped = Date().addingTimeInterval(10)
        while evaluator.process.isRunning, Date() < stopped { usleep(20_000) }
        XCTAssertFalse(evaluator.process.isRunning)
        XCTAssertEqual(evaluator.process.terminationStatus, 0, evaluator.logText)
    }
}
