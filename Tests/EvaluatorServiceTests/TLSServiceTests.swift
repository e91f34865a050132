import Foundation
import TestSupport
import XCTest

/// TLS and mutual TLS through the real binaries: ConverterService and EvaluatorService started with
/// `--tls-cert`/`--tls-key`/`--tls-client-ca`, reached by `pspctl` (`health`, `convert --converter`,
/// `watch --evaluator`) and by Python grpcio, with a throwaway PKI that `openssl` makes at test time: a CA,
/// a server certificate for `localhost` and 127.0.0.1, a client certificate, and a second CA with a client
/// certificate of its own.
final class TLSServiceTests: XCTestCase {
    private var services: [ServiceProcess] = []
    private var pki: URL!

    override func setUpWithError() throws {
        pki = try Self.makePKI()
    }

    override func tearDown() {
        services.forEach { $0.stop() }
        services = []
    }

    // MARK: - The PKI

    private static func openssl(_ arguments: [String], in directory: URL) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        process.currentDirectoryURL = directory
        let errors = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        do { try process.run() } catch { throw XCTSkip("cannot run openssl: \(error)") }
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        if process.terminationStatus == 127 { throw XCTSkip("openssl is not installed") }
        guard process.terminationStatus == 0 else {
            throw NSError(domain: "openssl", code: Int(process.terminationStatus),
                          userInfo: [NSLocalizedDescriptionKey: "openssl \(arguments.joined(separator: " ")): \(text)"])
        }
    }

    /// ca.pem/ca.key, other-ca.pem, server.pem/server.key (DNS:localhost, IP:127.0.0.1), client.pem/client.key
    /// (signed by ca), stranger.pem/stranger.key (signed by other-ca).
    static func makePKI() throws -> URL {
        let directory = try ScratchDirectory.make()
        func ca(_ name: String) throws {
            try openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                         "-keyout", "\(name).key", "-out", "\(name).pem", "-days", "2", "-subj", "/CN=\(name)"], in: directory)
        }
        func certificate(_ name: String, commonName: String, signedBy issuer: String, extensions: String) throws {
            try openssl(["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                         "-keyout", "\(name).key", "-out", "\(name).csr", "-subj", "/CN=\(commonName)"], in: directory)
            try (extensions + "\n").write(to: directory.appendingPathComponent("\(name).ext"), atomically: true, encoding: .utf8)
            try openssl(["x509", "-req", "-in", "\(name).csr", "-CA", "\(issuer).pem", "-CAkey", "\(issuer).key",
                         "-CAcreateserial", "-out", "\(name).pem", "-days", "2", "-extfile", "\(name).ext"], in: directory)
        }
        try ca("ca")
        try ca("other-ca")
        try certificate("server", commonName: "pspctl-service", signedBy: "ca",
                        extensions: "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth")
        try certificate("client", commonName: "pspctl-client", signedBy: "ca", extensions: "extendedKeyUsage=clientAuth")
        try certificate("stranger", commonName: "stranger", signedBy: "other-ca", extensions: "extendedKeyUsage=clientAuth")
        return directory
    }

    private func path(_ file: String) -> String { pki.appendingPathComponent(file).path }

    private var serverTLS: [String] { ["--tls-cert", path("server.pem"), "--tls-key", path("server.key")] }
    private var serverMTLS: [String] { serverTLS + ["--tls-client-ca", path("ca.pem")] }
    private var clientTLS: [String] { ["--tls-ca", path("ca.pem")] }
    private var clientMTLS: [String] { clientTLS + ["--tls-cert", path("client.pem"), "--tls-key", path("client.key")] }

    private func start(_ name: String, _ arguments: [String]) throws -> ServiceProcess {
        let service = try ServiceProcess(name, arguments: arguments)
        services.append(service)
        return service
    }

    private var falco: [String] { ["--rules", Inputs.k8sAuditRules, "--rules", Inputs.falcoRules] }

    private func concatenatedFixtures() throws -> String {
        let text = try Inputs.auditLogs().map { try String(contentsOfFile: $0, encoding: .utf8) }.joined()
        return try Pspctl.temporaryFile(text, suffix: ".jsonl")
    }

    /// `pspctl watch arguments` embedded, then through `evaluator` with `tls`: the same stdout, stderr and status.
    private func assertWatchSameAsEmbedded(_ arguments: [String], evaluator: ServiceProcess, tls: [String],
                                           file: StaticString = #filePath, line: UInt = #line) throws {
        let embedded = try Pspctl.run(["watch"] + arguments)
        let remote = try Pspctl.run(["watch"] + arguments + ["--evaluator", evaluator.address] + tls)
        XCTAssertEqual(remote.status, embedded.status, "status: \(remote.stderr)", file: file, line: line)
        XCTAssertEqual(remote.stdout, embedded.stdout, "stdout", file: file, line: line)
        XCTAssertEqual(remote.stderr, embedded.stderr, "stderr", file: file, line: line)
        XCTAssertFalse(embedded.stdout.isEmpty, "the run printed alerts", file: file, line: line)
    }

    /// `pspctl convert` of the example PSP embedded, then through `converter` with `tls`: the same output
    /// and rules file.
    private func assertConvertSameAsEmbedded(converter: ServiceProcess, tls: [String],
                                             file: StaticString = #filePath, line: UInt = #line) throws {
        let psp = Pspctl.packageRoot.appendingPathComponent("examples/psp-no-privileged.yaml").path
        let embedded = try Pspctl.run(["convert", "--psp-path", psp, "--rules-path", "-"])
        let remote = try Pspctl.run(["convert", "--psp-path", psp, "--rules-path", "-", "--converter", converter.address] + tls)
        XCTAssertEqual(remote.status, 0, remote.stderr, file: file, line: line)
        XCTAssertEqual(remote.stdout, embedded.stdout, "rules file", file: file, line: line)
        XCTAssertEqual(remote.stderr, embedded.stderr, "summary", file: file, line: line)
        XCTAssertTrue(embedded.stdout.contains("- rule: "), file: file, line: line)
    }

    /// Waits up to 5 s for `text` in the service's log.
    private func waitForLog(_ service: ServiceProcess, _ text: String) -> Bool {
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline {
            if service.logText.contains(text) { return true }
            usleep(50_000)
        }
        return false
    }

    // MARK: - TLS and mutual TLS accepted

    func testTLSHealthConvertAndWatchAsEmbedded() throws {
        try Inputs.requireFalcoRules()
        let converter = try start("ConverterService", serverTLS)
        let evaluator = try start("EvaluatorService", serverTLS)
        XCTAssertTrue(converter.logText.contains("tls=tls"), converter.logText)
        for service in [converter, evaluator] {
            let health = try Pspctl.run(["health", service.address] + clientTLS)
            XCTAssertEqual(health.status, 0, health.stderr)
            XCTAssertEqual(health.stdout, "SERVING\n")
        }
        try assertConvertSameAsEmbedded(converter: converter, tls: clientTLS)
        try assertWatchSameAsEmbedded(falco + ["--audit-log", try concatenatedFixtures(), "--output", "json"],
                                      evaluator: evaluator, tls: clientTLS)
        // The CA's file may hold more than one CA (a bundle): the other one is simply not used.
        let bundle = pki.appendingPathComponent("bundle.pem")
        try (try String(contentsOfFile: path("other-ca.pem"), encoding: .utf8) + String(contentsOfFile: path("ca.pem"), encoding: .utf8))
            .write(to: bundle, atomically: true, encoding: .utf8)
        XCTAssertEqual(try Pspctl.run(["health", evaluator.address, "--tls-ca", bundle.path]).status, 0)
    }

    func testMutualTLSAccepted() throws {
        try Inputs.requireFalcoRules()
        let converter = try start("ConverterService", serverMTLS)
        let evaluator = try start("EvaluatorService", serverMTLS)
        XCTAssertTrue(evaluator.logText.contains("tls=mtls"), evaluator.logText)
        let health = try Pspctl.run(["health", evaluator.address, "--service", "pspctl.v1.Evaluator"] + clientMTLS)
        XCTAssertEqual(health.status, 0, health.stderr)
        XCTAssertEqual(health.stdout, "SERVING\n")
        try assertConvertSameAsEmbedded(converter: converter, tls: clientMTLS)
        let log = try concatenatedFixtures()
        try assertWatchSameAsEmbedded(falco + ["--audit-log", log, "--output", "text"], evaluator: evaluator, tls: clientMTLS)
        try assertWatchSameAsEmbedded(falco + ["--audit-log", log, "--output", "json", "--all-matches"], evaluator: evaluator, tls: clientMTLS)
        XCTAssertFalse(evaluator.logText.contains("handshake"), evaluator.logText)
    }

    // MARK: - Refused handshakes

    /// `result` of `pspctl health ADDRESS …` is a refused handshake, said as one: exit 2 and
    /// `pspctl health: the TLS handshake with ADDRESS failed: REASON` (one line).
    private func assertRefusedHandshake(_ result: Pspctl.Result, _ address: String, reason: String,
                                        file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(result.status, 2, result.stderr, file: file, line: line)
        XCTAssertEqual(result.stderr, "pspctl health: the TLS handshake with \(address) failed: \(reason)\n", file: file, line: line)
    }

    func testMutualTLSWithoutAClientCertificateIsRefused() throws {
        let converter = try start("ConverterService", serverMTLS)
        let evaluator = try start("EvaluatorService", serverMTLS)
        let rules = try Pspctl.temporaryFile("- rule: r\n  desc: d\n  condition: ka.verb=get\n  output: o\n  priority: INFO\n  source: k8s_audit\n")
        let runs = [
            ("health", try Pspctl.run(["health", evaluator.address] + clientTLS)),
            ("convert", try Pspctl.run(["convert", "--standard", "baseline", "--rules-path", "-", "--converter", converter.address] + clientTLS)),
            ("watch", try Pspctl.run(["watch", "--rules", rules, "--audit-log", "-", "--evaluator", evaluator.address] + clientTLS, stdin: "")),
        ]
        for (command, result) in runs {
            XCTAssertEqual(result.status, 2, "\(command): \(result.stderr)")
            XCTAssertEqual(result.stdout, "", command)
            XCTAssertTrue(result.stderr.hasPrefix("pspctl \(command): the TLS handshake with "), result.stderr)
            XCTAssertTrue(result.stderr.contains("requires a client certificate (mutual TLS); give --tls-cert and --tls-key"), result.stderr)
            XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, "one message, no gRPC core log lines: \(result.stderr)")
        }
        // The service logs it as a client's problem, as a key=value warning.
        XCTAssertTrue(waitForLog(evaluator, #"level=warning service=EvaluatorService msg="TLS handshake with a client failed""#), evaluator.logText)
        XCTAssertTrue(evaluator.logText.contains(#"reason="peer did not return a certificate""#), evaluator.logText)
        for line in evaluator.logText.split(separator: "\n") {
            XCTAssertTrue(line.hasPrefix("time="), "only key=value records, no raw gRPC core lines: \(line)")
        }
        XCTAssertTrue(evaluator.process.isRunning)
    }

    func testAClientCertificateFromAnotherCAIsRefused() throws {
        let evaluator = try start("EvaluatorService", serverMTLS)
        let result = try Pspctl.run(["health", evaluator.address, "--tls-ca", path("ca.pem"),
                                     "--tls-cert", path("stranger.pem"), "--tls-key", path("stranger.key")])
        XCTAssertEqual(result.status, 2, result.stderr)
        XCTAssertTrue(result.stderr.hasPrefix("pspctl health: the TLS handshake with \(evaluator.address) failed: "), result.stderr)
        XCTAssertTrue(result.stderr.contains("does not accept the client certificate (--tls-cert)"), result.stderr)
        XCTAssertTrue(waitForLog(evaluator, #"reason="certificate verify failed""#), evaluator.logText)
    }

    func testAServerCertificateFromAnotherCAIsRefused() throws {
        let evaluator = try start("EvaluatorService", serverTLS)
        let result = try Pspctl.run(["health", evaluator.address, "--tls-ca", path("other-ca.pem")])
        assertRefusedHandshake(result, evaluator.address, reason: "the service's certificate could not be verified: "
                               + "not signed by a CA in --tls-ca, or expired (certificate verify failed)")
        // --tls alone trusts the system's CAs, which did not sign it either.
        let systemRoots = try Pspctl.run(["health", evaluator.address, "--tls"])
        XCTAssertEqual(systemRoots.status, 2, systemRoots.stderr)
        XCTAssertTrue(systemRoots.stderr.contains("not signed by a CA this system trusts (give --tls-ca)"), systemRoots.stderr)
    }

    func testAnExpiredServerCertificateIsAWarningAtStartAndRefusedByClients() throws {
        // -days -1: valid from now until a day ago.
        try Self.openssl(["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                          "-out", "expired.pem", "-days", "-1", "-extfile", "server.ext"], in: pki)
        let evaluator = try start("EvaluatorService", ["--tls-cert", path("expired.pem"), "--tls-key", path("server.key")])
        XCTAssertTrue(evaluator.logText.contains(#"level=warning service=EvaluatorService msg="--tls-cert \#(path("expired.pem")): the certificate expired on "#),
                      evaluator.logText)
        let result = try Pspctl.run(["health", evaluator.address] + clientTLS)
        XCTAssertEqual(result.status, 2, result.stderr)
        XCTAssertTrue(result.stderr.contains("the service's certificate could not be verified: not signed by a CA in --tls-ca, or expired"), result.stderr)
    }

    func testServerNameOverride() throws {
        let evaluator = try start("EvaluatorService", serverTLS)
        // The certificate holds DNS:localhost and IP:127.0.0.1.
        let named = try Pspctl.run(["health", evaluator.address, "--tls-server-name", "localhost"] + clientTLS)
        XCTAssertEqual(named.status, 0, named.stderr)
        let byHost = try Pspctl.run(["health", "localhost:\(evaluator.port)"] + clientTLS)
        XCTAssertEqual(byHost.status, 0, byHost.stderr)
        let wrong = try Pspctl.run(["health", evaluator.address, "--tls-server-name", "evaluator.example"] + clientTLS)
        assertRefusedHandshake(wrong, evaluator.address, reason: "the service's certificate is not for evaluator.example "
                               + "(check --tls-server-name, or the address's host)")
    }

    func testPlaintextAndTLSMismatchesSaySo() throws {
        let tls = try start("EvaluatorService", serverTLS)
        let plain = try start("EvaluatorService", [])
        let plaintextClient = try Pspctl.run(["health", tls.address])
        XCTAssertEqual(plaintextClient.status, 2)
        XCTAssertTrue(plaintextClient.stderr.hasPrefix("pspctl health: cannot reach \(tls.address): "), plaintextClient.stderr)
        XCTAssertTrue(plaintextClient.stderr.hasSuffix("(if the service serves TLS, connect with --tls-ca)\n"), plaintextClient.stderr)
        let tlsClient = try Pspctl.run(["health", plain.address] + clientTLS)
        assertRefusedHandshake(tlsClient, plain.address, reason: "the service does not speak TLS (is it started with --tls-cert and --tls-key?)")
    }

    /// The key formats openssl writes are all read and checked: PKCS#1 RSA, SEC 1 EC with its parameters
    /// block first, PKCS#8 (the other tests); an encrypted key is refused with a way out.
    func testKeyFormatsOpenSSLWrites() throws {
        try Self.openssl(["genrsa", "-traditional", "-out", "rsa.key", "2048"], in: pki)
        try Self.openssl(["ecparam", "-name", "prime256v1", "-genkey", "-out", "ec.key"], in: pki)
        XCTAssertTrue(try String(contentsOfFile: path("rsa.key"), encoding: .utf8).hasPrefix("-----BEGIN RSA PRIVATE KEY-----"))
        XCTAssertTrue(try String(contentsOfFile: path("ec.key"), encoding: .utf8).hasPrefix("-----BEGIN EC PARAMETERS-----"))
        for name in ["rsa", "ec"] {
            try Self.openssl(["req", "-new", "-key", "\(name).key", "-out", "\(name).csr", "-subj", "/CN=localhost"], in: pki)
            try Self.openssl(["x509", "-req", "-in", "\(name).csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                              "-out", "\(name).pem", "-days", "2", "-extfile", "server.ext"], in: pki)
            let service = try start("ConverterService", ["--tls-cert", path("\(name).pem"), "--tls-key", path("\(name).key")])
            let health = try Pspctl.run(["health", service.address] + clientTLS)
            XCTAssertEqual(health.status, 0, "\(name): \(health.stderr)")
        }
        let mismatch = try ServiceProcess.runToExit("ConverterService", ["--listen", "127.0.0.1:0", "--tls-cert", path("rsa.pem"), "--tls-key", path("ec.key")])
        XCTAssertEqual(mismatch.status, 2, mismatch.stderr)
        XCTAssertTrue(mismatch.stderr.contains("does not match the certificate"), mismatch.stderr)

        try Self.openssl(["pkey", "-in", "server.key", "-aes256", "-passout", "pass:secret", "-out", "encrypted.key"], in: pki)
        let encrypted = try ServiceProcess.runToExit("EvaluatorService", ["--listen", "127.0.0.1:0", "--tls-cert", path("server.pem"), "--tls-key", path("encrypted.key")])
        XCTAssertEqual(encrypted.status, 2, encrypted.stderr)
        XCTAssertTrue(encrypted.stderr.contains("--tls-key \(path("encrypted.key")): the private key is encrypted; gRPC needs it unencrypted"),
                      encrypted.stderr)
    }

    // MARK: - Start-up and usage errors

    func testAKeyThatDoesNotMatchItsCertificateStopsTheServiceAtStart() throws {
        for name in ["ConverterService", "EvaluatorService"] {
            let result = try ServiceProcess.runToExit(name, ["--listen", "127.0.0.1:0", "--tls-cert", path("server.pem"), "--tls-key", path("client.key")])
            XCTAssertEqual(result.status, 2, result.stderr)
            XCTAssertTrue(result.stderr.contains(#"level=error service=\#(name) msg="cannot use the TLS files" error="--tls-key \#(path("client.key")) does not match the certificate in --tls-cert \#(path("server.pem"))"#),
                          result.stderr)
            XCTAssertFalse(result.stderr.contains("listening on"), result.stderr)
        }
        // The client checks its own pair the same way, before connecting.
        let client = try Pspctl.run(["health", "127.0.0.1:1", "--tls-ca", path("ca.pem"), "--tls-cert", path("client.pem"),
                                     "--tls-key", path("stranger.key")])
        XCTAssertEqual(client.status, 2)
        XCTAssertEqual(client.stderr, "pspctl health: --tls-key \(path("stranger.key")) does not match the certificate in "
                       + "--tls-cert \(path("client.pem")) (the certificate's public key is not this key's)\n")
    }

    func testMissingAndWrongFilesExit2NamingTheFlagAndPath() throws {
        let missing = pki.appendingPathComponent("missing.pem").path
        let service = try ServiceProcess.runToExit("EvaluatorService", ["--listen", "127.0.0.1:0", "--tls-cert", missing, "--tls-key", path("server.key")])
        XCTAssertEqual(service.status, 2, service.stderr)
        XCTAssertTrue(service.stderr.contains(#"error="--tls-cert \#(missing): cannot read it: no such file""#), service.stderr)
        let notPEM = try Pspctl.temporaryFile("just text\n", suffix: ".pem")
        let caNotPEM = try ServiceProcess.runToExit("ConverterService", ["--listen", "127.0.0.1:0"] + serverTLS + ["--tls-client-ca", notPEM])
        XCTAssertEqual(caNotPEM.status, 2, caNotPEM.stderr)
        XCTAssertTrue(caNotPEM.stderr.contains("--tls-client-ca \(notPEM): not a PEM file (no -----BEGIN CERTIFICATE----- block)"), caNotPEM.stderr)
        let swapped = try ServiceProcess.runToExit("ConverterService", ["--listen", "127.0.0.1:0", "--tls-cert", path("server.key"), "--tls-key", path("server.pem")])
        XCTAssertEqual(swapped.status, 2, swapped.stderr)
        XCTAssertTrue(swapped.stderr.contains("--tls-cert \(path("server.key")): holds no certificate (it holds PRIVATE KEY)"), swapped.stderr)

        let client = try Pspctl.run(["health", "127.0.0.1:1", "--tls-ca", missing])
        XCTAssertEqual(client.status, 2)
        XCTAssertEqual(client.stderr, "pspctl health: --tls-ca \(missing): cannot read it: no such file\n")
        let watch = try Pspctl.run(["watch", "--rules", Inputs.k8sAuditRules, "--audit-log", "-", "--evaluator", "127.0.0.1:1",
                                    "--tls-ca", path("ca.pem"), "--tls-cert", missing, "--tls-key", path("client.key")], stdin: "")
        XCTAssertEqual(watch.status, 2)
        XCTAssertEqual(watch.stderr, "pspctl watch: --tls-cert \(missing): cannot read it: no such file\n")
    }

    /// Broken PEM is named before any connection (the target, port 1, is never reached).
    func testBrokenPEMFilesAreNamed() throws {
        let certificate = try String(contentsOfFile: path("client.pem"), encoding: .utf8)
        let key = try String(contentsOfFile: path("client.key"), encoding: .utf8)
        func health(certificate: String, key: String) throws -> Pspctl.Result {
            let directory = try ScratchDirectory.make()
            let certificatePath = directory.appendingPathComponent("cert.pem").path
            let keyPath = directory.appendingPathComponent("key.pem").path
            try certificate.write(toFile: certificatePath, atomically: true, encoding: .utf8)
            try key.write(toFile: keyPath, atomically: true, encoding: .utf8)
            let result = try Pspctl.run(["health", "127.0.0.1:1", "--tls-ca", path("ca.pem"), "--tls-cert", certificatePath, "--tls-key", keyPath])
            XCTAssertEqual(result.status, 2, result.stderr)
            XCTAssertEqual(result.stdout, "")
            return result
        }
        let truncated = try health(certificate: String(certificate.prefix(200)), key: key)
        XCTAssertTrue(truncated.stderr.contains("the PEM block CERTIFICATE at line 1 has no -----END CERTIFICATE----- line"), truncated.stderr)
        var lines = certificate.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines[1] = "!!" + lines[1]
        let garbled = try health(certificate: lines.joined(separator: "\n"), key: key)
        XCTAssertTrue(garbled.stderr.contains("the PEM block CERTIFICATE at line 1 is not valid base64"), garbled.stderr)
        let keyFirst = try health(certificate: key + certificate, key: key)
        XCTAssertTrue(keyFirst.stderr.contains("the certificate must come first (the file holds PRIVATE KEY, CERTIFICATE)"), keyFirst.stderr)
        let twoKeys = try health(certificate: certificate, key: key + key)
        XCTAssertTrue(twoKeys.stderr.contains("holds 2 private keys; give one"), twoKeys.stderr)
        // Text around the blocks (`openssl x509 -text` output) is ignored, as OpenSSL ignores it.
        // The files are then fine: what fails is the connection to port 1.
        let annotated = try health(certificate: "Certificate:\n    Subject: CN = pspctl-client\n" + certificate,
                                   key: "Bag Attributes: none\n" + key)
        XCTAssertTrue(annotated.stderr.hasPrefix("pspctl health: cannot reach 127.0.0.1:1: "), annotated.stderr)
    }

    func testFlagMisuseIsAUsageError() throws {
        let certificateOnly = try ServiceProcess.runToExit("EvaluatorService", ["--listen", "127.0.0.1:0", "--tls-cert", path("server.pem")])
        XCTAssertEqual(certificateOnly.status, 2)
        XCTAssertTrue(certificateOnly.stderr.contains("--tls-cert needs --tls-key"), certificateOnly.stderr)
        let caOnly = try ServiceProcess.runToExit("ConverterService", ["--listen", "127.0.0.1:0", "--tls-client-ca", path("ca.pem")])
        XCTAssertEqual(caOnly.status, 2)
        XCTAssertTrue(caOnly.stderr.contains("--tls-client-ca needs --tls-cert and --tls-key"), caOnly.stderr)

        let embeddedConvert = try Pspctl.run(["convert", "--standard", "baseline", "--rules-path", "-", "--tls-ca", path("ca.pem")])
        XCTAssertEqual(embeddedConvert.status, 2)
        XCTAssertTrue(embeddedConvert.stderr.contains("--tls-ca applies only with --converter"), embeddedConvert.stderr)
        XCTAssertEqual(embeddedConvert.stdout, "")
        let embeddedWatch = try Pspctl.run(["watch", "--rules", Inputs.k8sAuditRules, "--audit-log", "-", "--tls-server-name", "x"], stdin: "")
        XCTAssertEqual(embeddedWatch.status, 2)
        XCTAssertTrue(embeddedWatch.stderr.contains("--tls-server-name applies only with --evaluator"), embeddedWatch.stderr)
        let keyOnly = try Pspctl.run(["health", "127.0.0.1:1", "--tls-key", path("client.key")])
        XCTAssertEqual(keyOnly.status, 2)
        XCTAssertTrue(keyOnly.stderr.contains("--tls-key needs --tls-cert"), keyOnly.stderr)
    }

    // MARK: - The plaintext warning

    /// Starts `name` with `arguments`, waits for its `listening on` line, stops it with SIGTERM and returns
    /// its log.

    func testANonLoopbackAddressWithoutTLSLogsAWarning() throws {
        let warning = "level=warning service=ConverterService msg=\"serving without TLS on a non-loopback address: traffic is unencrypted (use --tls-cert and --tls-key)\""
        let open = try ServiceProcess.logOfAShortRun("ConverterService", ["--listen", "0.0.0.0:0"])
        XCTAssertTrue(open.contains(warning), open)
        XCTAssertTrue(open.contains("tls=off"), open)
        let secured = try ServiceProcess.logOfAShortRun("ConverterService", ["--listen", "0.0.0.0:0"] + serverTLS)
        XCTAssertFalse(secured.contains("unencrypted"), secured)
        let loopback = try ServiceProcess.logOfAShortRun("ConverterService", ["--listen", "127.0.0.1:0"])
        XCTAssertFalse(loopback.contains("unencrypted"), loopback)
    }

    // MARK: - An independent client

    func testPythonGrpcioClientOverMutualTLS() throws {
        try Inputs.requireFalcoRules()
        guard let python = PythonGRPC.interpreter() else { throw XCTSkip(PythonGRPC.missing) }
        let evaluator = try start("EvaluatorService", serverMTLS)
        let log = Inputs.cliFixtures.appendingPathComponent("k8s_audit_rules/create-privileged-pod.jsonl").path
        let client = try PythonGRPC.runClient(python, script: PythonAlertCheck.script("mtls_client.py"), [
            String(evaluator.port), path("ca.pem"), path("client.pem"), path("client.key"), Inputs.k8sAuditRules, log,
        ])
        try PythonAlertCheck.assertSameRulesAsEmbedded(client, rules: Inputs.k8sAuditRules, log: log)
        // grpcio's refused anonymous channel shows in the service's log too.
        XCTAssertTrue(waitForLog(evaluator, "TLS handshake with a client failed"), evaluator.logText)
    }
}
