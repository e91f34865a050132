import Foundation
import TestSupport
import XCTest

/// `--alerts-http https://…`: a real pspctl posting to a Python `ssl` receiver on loopback, with a PKI
/// `openssl` makes at test time. The server is verified (the CA, the name); a refused certificate is
/// counted as undelivered (exit status 2) with its reason; client certificates are presented when given.
final class AlertSinkTLSTests: XCTestCase {
    private var pki: TestPKI!
    private var receivers: [AlertReceiver] = []

    override func setUpWithError() throws {
        do { pki = try TestPKI() } catch let error as TestPKI.Unavailable { throw XCTSkip(error.description) }
    }

    override func tearDown() {
        receivers.forEach { $0.stop() }
        receivers = []
    }

    private func receiver(certificate: String = "server", clientCA: String? = nil) throws -> AlertReceiver {
        let receiver = try AlertReceiver(tls: (pki.path("\(certificate).pem"), pki.path("\(certificate).key"),
                                               clientCA.map { pki.path($0) }))
        receivers.append(receiver)
        return receiver
    }

    /// A small log: ten events, each alerted by the test rules.
    private func run(_ options: [String]) throws -> Pspctl.Result {
        try Watch.run(rules: [try GrowingAuditLog.rulesFile()], lines: (1...10).map { GrowingAuditLog.event($0) },
                      options: options)
    }

    func testEveryAlertReachesAnHTTPSReceiverByteIdenticalToJSONOutput() throws {
        let receiver = try receiver()
        let expected = try run([])
        XCTAssertEqual(expected.status, 0, expected.stderr)
        XCTAssertEqual(expected.stdoutLines.count, 10)
        for url in [receiver.url(path: "/falco"), receiver.url(path: "/falco", host: "localhost")] {
            let before = receiver.bodies.count
            let result = try run(["--alerts-http", url, "--alerts-http-ca", pki.path("ca.pem"), "--output", "text"])
            XCTAssertEqual(result.status, 0, "\(url): \(result.stderr)")
            XCTAssertFalse(result.stderr.contains("not delivered"), result.stderr)
            XCTAssertEqual(Array(receiver.bodies.dropFirst(before)), expected.stdoutLines, "\(url): every alert, as --output json")
        }
        // The Host header keeps the port (not https' 443); SNI carries a host name, never an IP address.
        let requests = receiver.requests
        XCTAssertEqual(requests.count, 20)
        XCTAssertEqual(requests.first?["host"] as? String, "127.0.0.1:\(receiver.port)")
        XCTAssertTrue(requests.first?["sni"] is NSNull, "\(requests.first ?? [:])")
        XCTAssertEqual(requests.last?["host"] as? String, "localhost:\(receiver.port)")
        XCTAssertEqual(requests.last?["sni"] as? String, "localhost")
    }

    func testAnUntrustedServerCertificateIsUndeliveredWithItsReasonAndExitStatus2() throws {
        let receiver = try receiver()
        let url = receiver.url()
        // The system's trust store does not know the test CA; another CA does not sign the server either.
        for extra in [[], ["--alerts-http-ca", pki.path("other-ca.pem")]] {
            let start = Date()
            let result = try run(["--alerts-http", url] + extra)
            XCTAssertEqual(result.status, 2, result.stderr)
            XCTAssertEqual(result.stdoutLines.count, 10, "stdout still gets every alert")
            XCTAssertTrue(result.stderr.contains("pspctl watch: 10 alerts were not delivered to \(url): TLS with 127.0.0.1:\(receiver.port) failed: the server's certificate could not be verified: "),
                          result.stderr)
            XCTAssertTrue(result.stderr.contains("--alerts-http-ca names the CA to trust"), result.stderr)
            XCTAssertLessThan(Date().timeIntervalSince(start), 8 * MeasuredRun.timeScale, "a refused certificate is not retried")
        }
        XCTAssertEqual(receiver.bodies, [], "nothing was sent to a server that was not verified")
    }

    func testTheURLsHostMustBeTheCertificatesName() throws {
        let receiver = try receiver(certificate: "elsewhere")
        let result = try run(["--alerts-http", receiver.url(), "--alerts-http-ca", pki.path("ca.pem")])
        XCTAssertEqual(result.status, 2, result.stderr)
        XCTAssertTrue(result.stderr.contains("the server's certificate could not be verified: IP address mismatch"), result.stderr)
        let byName = try run(["--alerts-http", receiver.url(host: "localhost"), "--alerts-http-ca", pki.path("ca.pem")])
        XCTAssertEqual(byName.status, 2, byName.stderr)
        XCTAssertTrue(byName.stderr.contains("the server's certificate could not be verified: hostname mismatch"),
                      byName.stderr)
        XCTAssertEqual(receiver.bodies, [])
    }

    func testAClientCertificateIsPresentedWhenGiven() throws {
        let receiver = try receiver(clientCA: "ca.pem")
        let url = receiver.url()
        let with = try run(["--alerts-http", url, "--alerts-http-ca", pki.path("ca.pem"),
                            "--alerts-http-cert", pki.path("client.pem"), "--alerts-http-key", pki.path("client.key")])
        XCTAssertEqual(with.status, 0, with.stderr)
        XCTAssertEqual(receiver.bodies.count, 10)
        let start = Date()
        let without = try run(["--alerts-http", url, "--alerts-http-ca", pki.path("ca.pem")])
        XCTAssertEqual(without.status, 2, without.stderr)
        XCTAssertTrue(without.stderr.contains("10 alerts were not delivered to \(url): "), without.stderr)
        XCTAssertTrue(without.stderr.contains("certificate required"), "the receiver's TLS alert: \(without.stderr)")
        XCTAssertLessThan(Date().timeIntervalSince(start), 8 * MeasuredRun.timeScale, "a refused certificate is not retried")
        XCTAssertEqual(receiver.bodies.count, 10, "nothing more arrived without a client certificate")
    }

    /// A server that accepts the connection and never answers the ClientHello: each try gives up after
    /// the connect timeout (2 s), and the end of the run says why.
    func testAServerThatNeverHandshakesIsReportedWhenTheTimeRunsOut() throws {
        let silent = Process()
        silent.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        silent.arguments = ["python3", "-c", """
            import socket, sys, time
            server = socket.socket(); server.bind(("127.0.0.1", 0)); server.listen(16)
            print(server.getsockname()[1], flush=True)
            held = []
            while True:
                held.append(server.accept()[0])
            """]
        let output = Pipe()
        silent.standardOutput = output
        try silent.run()
        defer { silent.terminate(); silent.waitUntilExit() }
        let line = String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
        let port = try XCTUnwrap(Int(line.trimmingCharacters(in: .whitespacesAndNewlines)), line)
        let url = "https://127.0.0.1:\(port)/"
        let result = try run(["--alerts-http", url, "--alerts-http-ca", pki.path("ca.pem"), "--alerts-http-timeout", "3"])
        XCTAssertEqual(result.status, 2, result.stderr)
        XCTAssertTrue(result.stderr.contains("10 alerts were not delivered to \(url): "), result.stderr)
        XCTAssertTrue(result.stderr.contains("still queued when --alerts-http-timeout (3 s) ran out (last try: TLS with 127.0.0.1:\(port) failed: no TLS handshake within 2000 ms)"),
                      result.stderr)
    }

    func testTLSFlagMistakesAreExitStatus2BeforeReading() throws {
        let ca = pki.path("ca.pem")
        let cases: [(options: [String], says: String)] = [
            (["--alerts-http", "http://127.0.0.1:2801/", "--alerts-http-ca", ca],
             "--alerts-http-ca, --alerts-http-cert and --alerts-http-key need an https:// --alerts-http URL"),
            (["--alerts-http-ca", ca], "need --alerts-http"),
            (["--alerts-http", "https://127.0.0.1:2801/", "--alerts-http-cert", pki.path("client.pem")],
             "--alerts-http-cert needs --alerts-http-key"),
            (["--alerts-http", "https://127.0.0.1:2801/", "--alerts-http-ca", pki.path("missing.pem")],
             "--alerts-http-ca \(pki.path("missing.pem")): cannot read it: no such file"),
            (["--alerts-http", "https://127.0.0.1:2801/", "--alerts-http-ca", pki.path("client.key")],
             "--alerts-http-ca \(pki.path("client.key")): holds no CA certificate"),
            (["--alerts-http", "https://127.0.0.1:2801/", "--alerts-http-cert", pki.path("client.pem"),
              "--alerts-http-key", pki.path("server.key")],
             "--alerts-http-key \(pki.path("server.key")) does not match the certificate in --alerts-http-cert"),
        ]
        for (options, says) in cases {
            let result = try run(options)
            XCTAssertEqual(result.status, 2, "\(options): \(result.stderr)")
            XCTAssertEqual(result.stdout, "", "\(options)")
            XCTAssertTrue(result.stderr.contains(says), "\(options): \(result.stderr)")
        }
    }
}
