import Foundation
import TestSupport
import XCTest

/// The Kubernetes audit webhook (`POST /k8s-audit`) of a real EvaluatorService (`--webhook-rules`,
/// `--http-listen 127.0.0.1:0`, its stdout in a file) and of `pspctl watch --listen-webhook`, posted to
/// with curl and a Python client: alerts equal the offline `pspctl watch --output json` of the same
/// events; the answers to bad requests; a bounded flood's 503s, reconciled with `/metrics`.
final class AuditWebhookTests: XCTestCase {
    private var services: [EvaluatorProcess] = []

    override func tearDown() {
        for service in services { service.stop() }
        services = []
    }

    /// The CLI fixtures' events (one audit Event per line), in file order.
    private func fixtureEvents() throws -> [String] {
        try Inputs.auditLogs().flatMap { try String(contentsOfFile: $0, encoding: .utf8).split(separator: "\n") }
            .map(String.init).filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
    }

    /// `events` grouped into `audit.k8s.io/v1` EventList bodies of `size` events each, as files.
    private func eventLists(_ events: [String], size: Int) throws -> [String] {
        stride(from: 0, to: events.count, by: size).map { start in
            let items = events[start..<min(events.count, start + size)].joined(separator: ",")
            return #"{"kind":"EventList","apiVersion":"audit.k8s.io/v1","metadata":{},"items":["# + items + "]}"
        }.map { try! Pspctl.temporaryFile($0, suffix: ".json") }
    }

    /// What `pspctl watch --output json` prints for `events` read from a log.
    private func offlineAlerts(_ events: [String], rules: String) throws -> [String] {
        let log = try Pspctl.temporaryFile(events.joined(separator: "\n") + "\n", suffix: ".jsonl")
        let run = try Pspctl.run(["watch", "--rules", rules, "--audit-log", log, "--output", "json"])
        XCTAssertEqual(run.status, 0, run.stderr)
        return run.stdoutLines
    }

    private func start(_ arguments: [String], stdout: String? = nil) throws -> (EvaluatorProcess, Int) {
        let (service, port) = try EvaluatorProcess.withHTTP(arguments, stdout: stdout)
        services.append(service)
        return (service, port)
    }

    private func post(_ port: Int, file: String, headers: [String] = [], path: String = "/k8s-audit") throws -> MetricsScrape.Response {
        try MetricsScrape.curl(["-X", "POST", "-H", "Content-Type: application/json", "--data-binary", "@\(file)"]
            + headers.flatMap { ["-H", $0] } + ["http://127.0.0.1:\(port)\(path)"])
    }

    private func lines(ofFile path: String) throws -> [String] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    func testPostedEventListsGiveTheOfflineAlerts() throws {
        try Inputs.requireFalcoRules()
        guard let python = MetricsScrape.python() else { throw XCTSkip(MetricsScrape.parserMissing) }
        let events = try fixtureEvents()
        let expected = try offlineAlerts(events, rules: Inputs.k8sAuditRules)
        XCTAssertGreaterThan(expected.count, 20)
        let out = try ScratchDirectory.make().appendingPathComponent("alerts.jsonl").path
        let (service, port) = try start(["--webhook-rules", Inputs.k8sAuditRules], stdout: out)
        XCTAssertTrue(service.logText.contains("audit webhook on"), service.logText)

        let bodies = try eventLists(events, size: 10)
        for body in bodies {
            let answer = try post(port, file: body)
            XCTAssertEqual(answer.status, 200, answer.body)
        }
        // One Event alone, as Falco's webhook took it, too.
        let single = try Pspctl.temporaryFile(events[0], suffix: ".json")
        XCTAssertEqual(try post(port, file: single).status, 200)

        // Every accepted event is evaluated; the counts agree with what was posted.
        var samples: [MetricsScrape.Sample] = []
        let deadline = Date().addingTimeInterval(15)
        repeat {
            samples = try MetricsScrape.scrape(port: port, python: python)
            if samples.value("pspctl_webhook_events_evaluated_total") == Double(events.count + 1) { break }
            usleep(50_000)
        } while Date() < deadline
        XCTAssertEqual(samples.value("pspctl_webhook_events_accepted_total"), Double(events.count + 1))
        XCTAssertEqual(samples.value("pspctl_webhook_events_evaluated_total"), Double(events.count + 1))
        XCTAssertEqual(samples.value("pspctl_webhook_requests_total", ["code": "200"]), Double(bodies.count + 1))
        XCTAssertEqual(samples.value("pspctl_webhook_requests_total", ["code": "503"]), 0)
        XCTAssertEqual(samples.value("pspctl_webhook_queue_depth"), 0)

        XCTAssertNil(service.problemStoppingOnSIGTERM(within: 5))
        let alerts = try lines(ofFile: out)
        let singleAlerts = try offlineAlerts([events[0]], rules: Inputs.k8sAuditRules)
        XCTAssertEqual(alerts, expected + singleAlerts)
        XCTAssertEqual(samples.value("pspctl_webhook_alerts_total"), Double(alerts.count))
    }

    /// EvaluatorService's `--alerts-file` and `--alerts-http` take the webhook's alerts: the file gets
    /// exactly the service's stdout, the receiver every alert's JSON line, both complete once SIGTERM's
    /// drain is over.
    func testTheServiceSendsTheWebhooksAlertsToTheSinks() throws {
        try Inputs.requireFalcoRules()
        let events = try fixtureEvents()
        let expected = try offlineAlerts(events, rules: Inputs.k8sAuditRules)
        let receiver = try AlertReceiver()
        defer { receiver.stop() }
        let out = try ScratchDirectory.make().appendingPathComponent("stdout.jsonl").path
        let file = try ScratchDirectory.make().appendingPathComponent("alerts.log").path
        let (service, port) = try start(["--webhook-rules", Inputs.k8sAuditRules, "--alerts-file", file,
                                         "--alerts-http", receiver.url(path: "/")], stdout: out)
        for body in try eventLists(events, size: 30) {
            let answer = try post(port, file: body)
            XCTAssertEqual(answer.status, 200, answer.body)
        }
        XCTAssertNil(service.problemStoppingOnSIGTERM(within: 10))
        XCTAssertEqual(try lines(ofFile: out), expected)
        XCTAssertEqual(try String(contentsOfFile: file, encoding: .utf8), try String(contentsOfFile: out, encoding: .utf8))
        XCTAssertEqual(receiver.bodies, expected, "every alert, in order")
        XCTAssertFalse(service.logText.contains("not delivered"), service.logText)

        // The sinks are the webhook's: without --webhook-rules they are a usage error.
        let run = try ServiceProcess.runToExit("EvaluatorService", ["--alerts-file", file])
        XCTAssertEqual(run.status, 2, run.stderr)
        XCTAssertTrue(run.stderr.contains("need --webhook-rules"), run.stderr)
    }

    func testBadRequestsAreRefusedWithTheirStatus() throws {
        try Inputs.requireFalcoRules()
        let token = try Pspctl.temporaryFile("s3cret-token\n", suffix: ".token")
        let (service, port) = try start(["--webhook-rules", Inputs.k8sAuditRules, "--webhook-token-file", token,
                                         "--webhook-max-body-bytes", "20000"])
        let events = try fixtureEvents()
        let good = try eventLists(Array(events.prefix(3)), size: 3)[0]
        let auth = "Authorization: Bearer s3cret-token"

        // 401: no token, a wrong one, another scheme.
        for headers in [[], ["Authorization: Bearer wrong"], ["Authorization: Basic czNjcmV0LXRva2Vu"]] {
            let answer = try post(port, file: good, headers: headers)
            XCTAssertEqual(answer.status, 401, "\(headers): \(answer.body)")
        }
        XCTAssertEqual(try post(port, file: good, headers: [auth]).status, 200)

        // 400 with a short reason.
        let notJSON = try post(port, file: try Pspctl.temporaryFile("{not json", suffix: ".json"), headers: [auth])
        XCTAssertEqual(notJSON.status, 400)
        XCTAssertTrue(notJSON.body.contains("not JSON"), notJSON.body)
        let pod = try post(port, file: try Pspctl.temporaryFile(#"{"kind":"Pod","apiVersion":"v1"}"#, suffix: ".json"), headers: [auth])
        XCTAssertEqual(pod.status, 400)
        XCTAssertTrue(pod.body.contains("not an audit.k8s.io EventList or Event"), pod.body)
        let noTime = try post(port, file: try Pspctl.temporaryFile(#"{"kind":"EventList","items":[{"kind":"Event"}]}"#, suffix: ".json"),
                              headers: [auth])
        XCTAssertEqual(noTime.status, 400)
        XCTAssertTrue(noTime.body.contains("stageTimestamp"), noTime.body)

        // 405 for another method, 413 over the body limit.
        let get = try MetricsScrape.get(port: port, "/k8s-audit", extra: ["-H", auth])
        XCTAssertEqual(get.status, 405)
        let big = try eventLists(events, size: events.count)[0]
        XCTAssertGreaterThan(try FileManager.default.attributesOfItem(atPath: big)[.size] as? Int ?? 0, 20000)
        XCTAssertEqual(try post(port, file: big, headers: [auth]).status, 413)

        // The service is unharmed: health and one more good request.
        XCTAssertEqual(try MetricsScrape.get(port: port, "/healthz").status, 200)
        XCTAssertEqual(try post(port, file: good, headers: [auth]).status, 200)
        let metrics = try MetricsScrape.get(port: port, "/metrics").body
        XCTAssertTrue(metrics.contains(#"pspctl_webhook_requests_total{code="401"} 3"#), metrics)
        XCTAssertTrue(metrics.contains(#"pspctl_webhook_requests_total{code="400"} 3"#), metrics)
        XCTAssertTrue(metrics.contains(#"pspctl_webhook_requests_total{code="200"} 2"#), metrics)
        XCTAssertNil(service.problemStoppingOnSIGTERM(within: 5))
    }

    func testWithoutWebhookRulesTheWebhookIsOffAndSaysSo() throws {
        let (service, port) = try start([])
        let body = try eventLists(Array(try fixtureEvents().prefix(2)), size: 2)[0]
        let answer = try post(port, file: body)
        XCTAssertEqual(answer.status, 404)
        XCTAssertTrue(answer.body.contains("--webhook-rules"), answer.body)
        XCTAssertTrue(service.logText.contains("audit webhook off"), service.logText)
        XCTAssertNil(service.problemStoppingOnSIGTERM(within: 5))

        // The webhook flags without what they need are usage errors, exit 2.
        for arguments in [["--webhook-rules", "x.yaml"], ["--http-listen", "127.0.0.1:0", "--webhook-token-file", "t"]] {
            let run = try ServiceProcess.runToExit("EvaluatorService", arguments)
            let (status, text) = (run.status, run.stderr)
            XCTAssertEqual(status, 2, text)
            XCTAssertTrue(text.contains("--webhook-rules"), text)
        }
    }

    /// A small queue flooded from 16 Python threads: some requests are refused with 503, every accepted
    /// event is evaluated (accepted == evaluated), and the counts reconcile with what the client saw and
    /// with the alerts written.
    func testFloodGets503sAndLosesNoAcceptedEvent() throws {
        try Inputs.requireFalcoRules()
        guard let python = MetricsScrape.python() else { throw XCTSkip(MetricsScrape.parserMissing) }
        let events = try fixtureEvents()
        let alertsPerBody = try offlineAlerts(events, rules: Inputs.k8sAuditRules).count
        let body = try eventLists(events, size: events.count)[0]
        let out = try ScratchDirectory.make().appendingPathComponent("alerts.jsonl").path
        let (service, port) = try start(["--webhook-rules", Inputs.k8sAuditRules, "--webhook-queue-requests", "2"], stdout: out)

        let script = Pspctl.packageRoot.appendingPathComponent("Tests/EvaluatorServiceTests/python/webhook_flood.py").path
        let process = Process()
        process.executableURL = python
        process.arguments = [script, "http://127.0.0.1:\(port)/k8s-audit", body, "160", "16"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        let statuses = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Int], String(decoding: data, as: UTF8.self))
        let ok = statuses["200"] ?? 0, refused = statuses["503"] ?? 0
        XCTAssertEqual(ok + refused, 160, "\(statuses)")
        XCTAssertGreaterThan(refused, 0, "a queue of 2 under 16 parallel clients must refuse some: \(statuses)")
        XCTAssertGreaterThan(ok, 0, "\(statuses)")

        var samples: [MetricsScrape.Sample] = []
        let deadline = Date().addingTimeInterval(15)
        repeat {
            samples = try MetricsScrape.scrape(port: port, python: python)
            if samples.value("pspctl_webhook_events_evaluated_total") == Double(ok * events.count) { break }
            usleep(50_000)
        } while Date() < deadline
        XCTAssertEqual(samples.value("pspctl_webhook_requests_total", ["code": "200"]), Double(ok))
        XCTAssertEqual(samples.value("pspctl_webhook_requests_total", ["code": "503"]), Double(refused))
        XCTAssertEqual(samples.value("pspctl_webhook_events_accepted_total"), Double(ok * events.count))
        XCTAssertEqual(samples.value("pspctl_webhook_events_evaluated_total"), Double(ok * events.count))
        XCTAssertEqual(samples.value("pspctl_webhook_queue_depth"), 0)
        XCTAssertEqual(samples.value("pspctl_webhook_queue_bytes"), 0)

        XCTAssertNil(service.problemStoppingOnSIGTERM(within: 5))
        let alerts = try lines(ofFile: out)
        XCTAssertEqual(alerts.count, ok * alertsPerBody)
        XCTAssertEqual(samples.value("pspctl_webhook_alerts_total"), Double(alerts.count))
    }

    func testEmbeddedWatchListensAndPrintsTheOfflineAlerts() throws {
        try Inputs.requireFalcoRules()
        let events = try fixtureEvents()
        let expected = try offlineAlerts(events, rules: Inputs.k8sAuditRules)
        let watch = try RunningProcess(["watch", "--rules", Inputs.k8sAuditRules, "--listen-webhook", "127.0.0.1:0", "--output", "json"])
        defer { _ = watch.stop(with: SIGKILL) }
        let port = try listeningPort(of: watch)
        for body in try eventLists(events, size: 25) {
            let answer = try post(port, file: body)
            XCTAssertEqual(answer.status, 200, answer.body)
        }
        let bad = try post(port, file: try Pspctl.temporaryFile("[1]", suffix: ".json"))
        XCTAssertEqual(bad.status, 400, bad.body)
        let result = watch.stop(with: SIGTERM)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdoutLines, expected)
        XCTAssertTrue(result.stderr.contains("\(events.count) events, \(expected.count) alerts"), result.stderr)
        XCTAssertTrue(result.stderr.contains("webhook requests"), result.stderr)
    }

    /// `--alerts-file` and `--alerts-http` take the webhook's alerts as they take a log's: the file gets
    /// stdout byte for byte, the receiver every alert's Falco JSON line, in order.
    func testEmbeddedWatchSendsTheWebhooksAlertsToTheSinks() throws {
        try Inputs.requireFalcoRules()
        let events = try fixtureEvents()
        let expected = try offlineAlerts(events, rules: Inputs.k8sAuditRules)
        XCTAssertGreaterThan(expected.count, 20, "the fixtures should alert many times")
        let receiver = try AlertReceiver()
        defer { receiver.stop() }
        let file = try ScratchDirectory.make().appendingPathComponent("alerts.log").path
        let watch = try RunningProcess(["watch", "--rules", Inputs.k8sAuditRules, "--listen-webhook", "127.0.0.1:0",
                                        "--output", "text", "--alerts-file", file, "--alerts-http", receiver.url(path: "/")])
        defer { _ = watch.stop(with: SIGKILL) }
        let port = try listeningPort(of: watch)
        for body in try eventLists(events, size: 40) {
            let answer = try post(port, file: body)
            XCTAssertEqual(answer.status, 200, answer.body)
        }
        let result = watch.stop(with: SIGTERM)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertFalse(result.stderr.contains("not delivered"), result.stderr)
        XCTAssertEqual(result.stdoutLines.count, expected.count, "stdout keeps its text lines")
        XCTAssertEqual(try String(contentsOfFile: file, encoding: .utf8), result.stdout, "the file gets stdout")
        XCTAssertEqual(receiver.bodies, expected, "every alert, byte-identical to --output json, in order")
    }

    /// The port `pspctl watch --listen-webhook 127.0.0.1:0` says it listens on.
    private func listeningPort(of watch: RunningProcess) throws -> Int {
        var port = 0
        try watch.wait(for: "the listening line") {
            guard let range = watch.stderr.range(of: #"http://127\.0\.0\.1:[0-9]+/k8s-audit"#, options: .regularExpression) else { return false }
            port = Int(watch.stderr[range].dropFirst("http://127.0.0.1:".count).dropLast("/k8s-audit".count)) ?? 0
            return true
        }
        return port
    }

    func testEmbeddedWatchUsageErrors() throws {
        let log = try Pspctl.temporaryFile("", suffix: ".jsonl")
        let both = try Pspctl.run(["watch", "--rules", "r.yaml", "--audit-log", log, "--listen-webhook", "127.0.0.1:0"])
        XCTAssertEqual(both.status, 2, both.stderr)
        XCTAssertTrue(both.stderr.contains("not both"), both.stderr)
        let neither = try Pspctl.run(["watch", "--rules", "r.yaml"])
        XCTAssertEqual(neither.status, 2)
        XCTAssertTrue(neither.stderr.contains("--listen-webhook"), neither.stderr)
        let follow = try Pspctl.run(["watch", "--rules", "r.yaml", "--listen-webhook", "127.0.0.1:0", "--follow"])
        XCTAssertEqual(follow.status, 2)
        XCTAssertTrue(follow.stderr.contains("--follow"), follow.stderr)
    }

    /// An address already taken: said at once, exit 2 (nothing left running).
    func testEmbeddedWatchOnATakenAddressExits2() throws {
        try Inputs.requireFalcoRules()
        let (_, port) = try start([])
        let taken = try Pspctl.run(["watch", "--rules", Inputs.k8sAuditRules, "--listen-webhook", "127.0.0.1:\(port)"])
        XCTAssertEqual(taken.status, 2, taken.stderr)
        XCTAssertTrue(taken.stderr.contains("cannot listen on 127.0.0.1:\(port)"), taken.stderr)
    }
}
