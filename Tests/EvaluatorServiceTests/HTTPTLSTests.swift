import Foundation
import TestSupport
import XCTest

/// TLS on the services' HTTP listener (`--http-tls-cert`, `--http-tls-key`, `--http-tls-client-ca`) and on
/// `pspctl watch --listen-webhook` (`--webhook-tls-…`): a real EvaluatorService and pspctl, curl over
/// https, a PKI `openssl` makes at test time, and hostile TLS clients (Python).
final class HTTPTLSTests: XCTestCase {
    private var pki: TestPKI!
    private var services: [EvaluatorProcess] = []

    override func setUpWithError() throws {
        do { pki = try TestPKI() } catch let error as TestPKI.Unavailable { throw XCTSkip(error.description) }
    }

    override func tearDown() {
        services.forEach { $0.stop() }
        services = []
    }

    private var serverTLS: [String] { ["--http-tls-cert", pki.path("server.pem"), "--http-tls-key", pki.path("server.key")] }
    private var serverMTLS: [String] { serverTLS + ["--http-tls-client-ca", pki.path("ca.pem")] }
    private var trustCA: [String] { ["--cacert", pki.path("ca.pem")] }
    private var clientCertificate: [String] { ["--cert", pki.path("client.pem"), "--key", pki.path("client.key")] }

    private func start(_ arguments: [String], stdout: String? = nil) throws -> (EvaluatorProcess, Int) {
        let (service, port) = try EvaluatorProcess.withHTTP(arguments, stdout: stdout)
        services.append(service)
        return (service, port)
    }

    private func events() throws -> [String] {
        try Inputs.auditLogs().flatMap { try String(contentsOfFile: $0, encoding: .utf8).split(separator: "\n") }
            .map(String.init).filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
    }

    private func eventList(_ events: [String]) throws -> String {
        try Pspctl.temporaryFile(#"{"kind":"EventList","apiVersion":"audit.k8s.io/v1","metadata":{},"items":["#
            + events.joined(separator: ",") + "]}", suffix: ".json")
    }

    private func post(_ port: Int, _ body: String, _ extra: [String], host: String = "127.0.0.1") throws -> CurlTLS.Result {
        try CurlTLS.run(extra + ["-X", "POST", "-H", "Content-Type: application/json", "--data-binary", "@\(body)",
                                 "https://\(host):\(port)/k8s-audit"])
    }

    func testWebhookOverMutualTLSIs200WithAClientCertificateAnd403WithoutProbesStayOpen() throws {
        try Inputs.requireFalcoRules()
        let events = try events()
        let offline = try Pspctl.run(["watch", "--rules", Inputs.k8sAuditRules, "--audit-log",
                                      try Pspctl.temporaryFile(events.joined(separator: "\n") + "\n", suffix: ".jsonl"),
                                      "--output", "json"])
        XCTAssertEqual(offline.status, 0, offline.stderr)
        let out = try ScratchDirectory.make().appendingPathComponent("alerts.jsonl").path
        let (service, port) = try start(serverMTLS + ["--webhook-rules", Inputs.k8sAuditRules], stdout: out)
        XCTAssertTrue(service.logText.contains("http_tls=mtls"), service.logText)
        let body = try eventList(events)

        let accepted = try post(port, body, trustCA + clientCertificate)
        XCTAssertEqual(accepted.status, 200, "\(accepted.stderr) \(accepted.body)")
        let byName = try post(port, body, trustCA + clientCertificate, host: "localhost")
        XCTAssertEqual(byName.status, 200, byName.stderr)

        let anonymous = try post(port, body, trustCA)
        XCTAssertEqual(anonymous.status, 403, anonymous.stderr)
        XCTAssertTrue(anonymous.body.contains("client certificate"), anonymous.body)
        // Probes and metrics need no client certificate (kubelet's HTTPS probes present none).
        for path in ["/healthz", "/readyz", "/metrics"] {
            let answer = try CurlTLS.run(trustCA + ["https://127.0.0.1:\(port)\(path)"])
            XCTAssertEqual(answer.status, 200, "\(path): \(answer.stderr)")
        }
        let metrics = try CurlTLS.run(trustCA + ["https://127.0.0.1:\(port)/metrics"]).body
        XCTAssertTrue(metrics.contains(#"pspctl_webhook_requests_total{code="403"} 1"#), metrics)

        // A client certificate another CA signed fails the handshake: no answer at all.
        let stranger = try post(port, body, trustCA + ["--cert", pki.path("stranger.pem"), "--key", pki.path("stranger.key")])
        XCTAssertNotEqual(stranger.exit, 0, stranger.stderr)
        XCTAssertEqual(stranger.status, 0, stranger.body)
        XCTAssertTrue(stranger.stderr.contains("unknown ca"), stranger.stderr)
        // A client that does not trust the service's CA refuses it.
        let wrongCA = try post(port, body, ["--cacert", pki.path("other-ca.pem")] + clientCertificate)
        XCTAssertEqual(wrongCA.exit, 60, wrongCA.stderr)
        // Plain HTTP to the TLS port: a plain 400 that says so.
        let plain = try MetricsScrape.curl(["http://127.0.0.1:\(port)/healthz"])
        XCTAssertEqual(plain.status, 400)
        XCTAssertTrue(plain.body.contains("https"), plain.body)

        XCTAssertNil(service.problemStoppingOnSIGTERM(within: 5))
        let alerts = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertEqual(alerts, offline.stdoutLines + offline.stdoutLines, "the two accepted bodies, as the offline run")
    }

    func testTLSWithABearerTokenIs401WithoutItAndMetricsAreServedOverHTTPS() throws {
        try Inputs.requireFalcoRules()
        let token = try Pspctl.temporaryFile("s3cret-token\n", suffix: ".token")
        let (service, port) = try start(serverTLS + ["--webhook-rules", Inputs.k8sAuditRules, "--webhook-token-file", token])
        XCTAssertTrue(service.logText.contains("http_tls=tls"), service.logText)
        let body = try eventList(Array(try events().prefix(3)))
        let missing = try post(port, body, trustCA)
        XCTAssertEqual(missing.status, 401, missing.stderr)
        // A client certificate is not asked for without --http-tls-client-ca; presenting one changes nothing.
        XCTAssertEqual(try post(port, body, trustCA + clientCertificate).status, 401)
        XCTAssertEqual(try post(port, body, trustCA + ["-H", "Authorization: Bearer s3cret-token"]).status, 200)
        let metrics = try CurlTLS.run(trustCA + ["https://localhost:\(port)/metrics"])
        XCTAssertEqual(metrics.status, 200, metrics.stderr)
        XCTAssertTrue(metrics.body.contains(#"pspctl_webhook_requests_total{code="401"} 2"#), metrics.body)
        XCTAssertNil(service.problemStoppingOnSIGTERM(within: 5))
    }

    func testHostileTLSClientsDoNotStopTheService() throws {
        let (service, port) = try start(serverMTLS)
        let script = Pspctl.packageRoot.appendingPathComponent("Tests/EvaluatorServiceTests/python/tls_hostile.py").path
        func hostile(_ arguments: [String]) throws -> Process {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", script] + arguments
            let output = Pipe()
            process.standardOutput = output
            try process.run()
            return process
        }
        func finish(_ process: Process) -> String {
            let text = String(decoding: (process.standardOutput as! Pipe).fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            return text
        }
        let slowloris = try hostile(["slowloris", String(port), "20"])
        let garbage = try hostile(["garbage", String(port)])
        XCTAssertEqual(finish(garbage), "closed\n", "garbage instead of a ClientHello is disconnected")
        XCTAssertEqual(garbage.terminationStatus, 0)
        for _ in 0..<10 {
            let half = try hostile(["half", String(port)])
            XCTAssertEqual(finish(half), "sent\n")
        }
        // While 20 slow handshakes are held open, others are served.
        for path in ["/healthz", "/metrics"] {
            let answer = try CurlTLS.run(trustCA + ["https://127.0.0.1:\(port)\(path)"])
            XCTAssertEqual(answer.status, 200, "\(path): \(answer.stderr)")
        }
        let slow = finish(slowloris)
        XCTAssertEqual(slowloris.terminationStatus, 0, slow)
        XCTAssertTrue(slow.hasPrefix("closed 20 after "), "the request deadline closes slow handshakes: \(slow)")
        XCTAssertEqual(try CurlTLS.run(trustCA + ["https://127.0.0.1:\(port)/healthz"]).status, 200)
        XCTAssertNil(service.problemStoppingOnSIGTERM(within: 5))
    }

    /// The certificate file's intermediates are sent after the server's certificate, so a client that
    /// trusts only the root verifies the chain.
    func testACertificateChainWithAnIntermediateIsSent() throws {
        let (_, port) = try start(["--http-tls-cert", pki.path("chained-chain.pem"), "--http-tls-key", pki.path("chained.key")])
        let answer = try CurlTLS.run(trustCA + ["https://localhost:\(port)/healthz"])
        XCTAssertEqual(answer.status, 200, answer.stderr)
        let (_, alone) = try start(["--http-tls-cert", pki.path("chained.pem"), "--http-tls-key", pki.path("chained.key")])
        let unverified = try CurlTLS.run(trustCA + ["https://localhost:\(alone)/healthz"])
        XCTAssertEqual(unverified.exit, 60, "without the intermediate the chain does not verify: \(unverified.stderr)")
    }

    func testHTTPTLSFlagMistakesAreExitStatus2() throws {
        let cases: [(arguments: [String], says: String)] = [
            (["--http-listen", "127.0.0.1:0", "--http-tls-cert", pki.path("server.pem")], "--http-tls-cert needs --http-tls-key"),
            (["--http-listen", "127.0.0.1:0", "--http-tls-client-ca", pki.path("ca.pem")], "--http-tls-client-ca needs --http-tls-cert"),
            (serverTLS, "need --http-listen"),
            (["--http-listen", "127.0.0.1:0", "--http-tls-cert", pki.path("server.pem"), "--http-tls-key", pki.path("nope.key")],
             "--http-tls-key \(pki.path("nope.key")): cannot read it: no such file"),
            (["--http-listen", "127.0.0.1:0", "--http-tls-cert", pki.path("server.pem"), "--http-tls-key", pki.path("client.key")],
             "--http-tls-key \(pki.path("client.key")) does not match the certificate in --http-tls-cert"),
            (["--http-listen", "127.0.0.1:0", "--http-tls-cert", pki.path("server.key"), "--http-tls-key", pki.path("server.key")],
             "--http-tls-cert \(pki.path("server.key")): holds no certificate"),
            (["--http-listen", "127.0.0.1:0"] + serverTLS + ["--http-tls-client-ca", pki.path("server.key")],
             "--http-tls-client-ca \(pki.path("server.key")): holds no CA certificate"),
        ]
        for (arguments, says) in cases {
            let result = try ServiceProcess.runToExit("EvaluatorService", ["--listen", "127.0.0.1:0"] + arguments)
            XCTAssertEqual(result.status, 2, "\(arguments): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains(says), "\(arguments): \(result.stderr)")
        }
    }

    func testEmbeddedWatchWebhookOverMutualTLS() throws {
        try Inputs.requireFalcoRules()
        let events = try events()
        let watch = try RunningProcess(["watch", "--rules", Inputs.k8sAuditRules, "--listen-webhook", "127.0.0.1:0",
                                       "--output", "json", "--webhook-tls-cert", pki.path("server.pem"),
                                       "--webhook-tls-key", pki.path("server.key"), "--webhook-tls-client-ca", pki.path("ca.pem")])
        defer { _ = watch.stop(with: SIGKILL) }
        var port = 0
        try watch.wait(for: "the listening line") {
            guard let range = watch.stderr.range(of: #"https://127\.0\.0\.1:[0-9]+/k8s-audit"#, options: .regularExpression) else { return false }
            port = Int(watch.stderr[range].dropFirst("https://127.0.0.1:".count).dropLast("/k8s-audit".count)) ?? 0
            return true
        }
        let body = try eventList(events)
        XCTAssertEqual(try post(port, body, trustCA).status, 403)
        let accepted = try post(port, body, trustCA + clientCertificate)
        XCTAssertEqual(accepted.status, 200, accepted.stderr)
        let result = watch.stop(with: SIGTERM)
        XCTAssertEqual(result.status, 0, result.stderr)
        let offline = try Pspctl.run(["watch", "--rules", Inputs.k8sAuditRules, "--audit-log",
                                      try Pspctl.temporaryFile(events.joined(separator: "\n") + "\n", suffix: ".jsonl"),
                                      "--output", "json"])
        XCTAssertEqual(result.stdoutLines, offline.stdoutLines)

        let usage = try Pspctl.run(["watch", "--rules", Inputs.k8sAuditRules, "--listen-webhook", "127.0.0.1:0",
                                    "--webhook-tls-key", pki.path("server.key")])
        XCTAssertEqual(usage.status, 2)
        XCTAssertTrue(usage.stderr.contains("--webhook-tls-key needs --webhook-tls-cert"), usage.stderr)
        let noListener = try Pspctl.run(["watch", "--rules", Inputs.k8sAuditRules, "--audit-log", "-",
                                         "--webhook-tls-cert", pki.path("server.pem"), "--webhook-tls-key", pki.path("server.key")])
        XCTAssertEqual(noListener.status, 2)
        XCTAssertTrue(noListener.stderr.contains("need --listen-webhook"), noListener.stderr)
    }
}
