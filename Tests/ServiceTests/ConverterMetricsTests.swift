import Foundation
import TestSupport
import XCTest

/// ConverterService's `--http-listen`: Convert calls counted by status and timed, scraped with curl and
/// parsed by prometheus_client; the HTTP listener's answers to hostile clients (unknown paths, wrong
/// methods, header floods, oversized and slow requests), after which it still serves.
final class ConverterMetricsTests: XCTestCase {
    private var converter: ConverterServiceProcess!
    private var httpPort = 0

    override func setUpWithError() throws {
        converter = try ConverterServiceProcess(arguments: ["--http-listen", "127.0.0.1:0"])
        httpPort = try XCTUnwrap(MetricsScrape.httpPort(of: converter), converter.logText)
    }

    override func tearDown() {
        converter?.stop()
        converter = nil
    }

    func testTheLogNamesBothPorts() {
        XCTAssertTrue(converter.logText.contains("msg=\"http listening on 127.0.0.1:\(httpPort)\""), converter.logText)
        XCTAssertTrue(converter.logText.contains("http_address=127.0.0.1:\(httpPort)"), converter.logText)
        XCTAssertNotEqual(httpPort, converter.port)
    }

    func testConvertCallsAreCountedByStatusAndTimed() throws {
        guard let python = MetricsScrape.python() else { throw XCTSkip(MetricsScrape.parserMissing) }
        let scratch = try ScratchDirectory.make()
        let example = Pspctl.packageRoot.appendingPathComponent("examples/psp-no-privileged.yaml").path
        for i in 0..<3 {
            let out = scratch.appendingPathComponent("rules\(i).yaml").path
            let result = try Pspctl.run(["convert", "--psp-path", example, "--rules-path", out, "--converter", converter.address])
            XCTAssertEqual(result.status, 0, result.stderr)
        }
        let pss = try Pspctl.run(["convert", "--standard", "restricted", "--rules-path", scratch.appendingPathComponent("pss.yaml").path,
                                  "--converter", converter.address])
        XCTAssertEqual(pss.status, 0, pss.stderr)
        // A policy the converter refuses: INVALID_ARGUMENT.
        let bad = try Pspctl.temporaryFile("kind: PodSecurityPolicy\nspec: [\n")
        let refused = try Pspctl.run(["convert", "--psp-path", bad, "--rules-path", scratch.appendingPathComponent("bad.yaml").path,
                                      "--converter", converter.address])
        XCTAssertNotEqual(refused.status, 0)

        let samples = try MetricsScrape.scrape(port: httpPort, python: python)
        let convert = "/pspctl.v1.Converter/Convert"
        XCTAssertEqual(samples.value("pspctl_grpc_server_handled_total", ["method": convert, "code": "OK"]), 4)
        XCTAssertEqual(samples.value("pspctl_grpc_server_handled_total", ["method": convert, "code": "INVALID_ARGUMENT"]), 1)
        XCTAssertEqual(samples.value("pspctl_grpc_server_started_total", ["method": convert]), 5)
        XCTAssertEqual(samples.value("pspctl_grpc_server_handling_seconds_count", ["method": convert]), 5)
        XCTAssertEqual(samples.value("pspctl_grpc_server_active_calls"), 0)
        XCTAssertEqual(samples.value("pspctl_converter_convert_duration_seconds_count", ["input": "psp", "outcome": "ok"]), 3)
        XCTAssertEqual(samples.value("pspctl_converter_convert_duration_seconds_count", ["input": "pss", "outcome": "ok"]), 1)
        XCTAssertEqual(samples.value("pspctl_converter_convert_duration_seconds_count", ["input": "psp", "outcome": "error"]), 1)
        XCTAssertGreaterThan(samples.value("pspctl_converter_convert_duration_seconds_sum"), 0)
        // Histogram buckets are cumulative and end with +Inf = count.
        let buckets = samples.samples("pspctl_converter_convert_duration_seconds_bucket")
            .filter { $0.labels["input"] == "psp" && $0.labels["outcome"] == "ok" }
        XCTAssertEqual(buckets.last?.labels["le"], "+Inf")
        XCTAssertEqual(buckets.map(\.value), buckets.map(\.value).sorted())
        XCTAssertEqual(buckets.last?.value, 3)
    }

    func testProbes() throws {
        let healthz = try MetricsScrape.get(port: httpPort, "/healthz")
        XCTAssertEqual(healthz.status, 200)
        XCTAssertEqual(healthz.body, "ok\n")
        XCTAssertEqual(try MetricsScrape.get(port: httpPort, "/readyz").status, 200)
        XCTAssertEqual(try MetricsScrape.get(port: httpPort, "/readyz", extra: ["-I"]).status, 200, "HEAD")
        XCTAssertNil(converter.problemStoppingOnSIGTERM())
    }

    func testAnHTTPAddressThatCannotBeUsedIsExit2() throws {
        for (address, message) in [("127.0.0.1:\(httpPort)", "cannot listen on 127.0.0.1:\(httpPort) for HTTP"),
                                   ("nonsense", "--http-listen must be HOST:PORT, not nonsense")] {
            let run = try ServiceProcess.runToExit("ConverterService", ["--listen", "127.0.0.1:0", "--http-listen", address])
            let (status, text) = (run.status, run.stderr)
            XCTAssertEqual(status, 2, text)
            XCTAssertTrue(text.contains(message), text)
        }
    }

    func testKeepAliveAndPipelinedRequests() throws {
        guard let python = MetricsScrape.python() else { throw XCTSkip(MetricsScrape.parserMissing) }
        let script = Pspctl.packageRoot.appendingPathComponent("Tests/ServiceTests/python/http_pipeline.py").path
        func run(_ paths: [String], wait: Int = 10) throws -> [String] {
            let process = Process()
            process.executableURL = python
            process.arguments = [script, String(httpPort), String(wait)] + paths
            let output = Pipe()
            process.standardOutput = output
            try process.run()
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            return text.split(separator: "\n").map(String.init)
        }
        // Answered in order on one connection; an error answer closes it, so what follows gets nothing.
        XCTAssertEqual(try run(["/healthz", "/readyz", "/metrics", "/nope", "/healthz"]), ["200", "200", "200", "404", "closed"])
        // Kept open after good answers (until the request deadline, 10 s).
        XCTAssertEqual(try run(["/healthz", "/healthz?probe=1"], wait: 2), ["200", "200"])
    }

    func testASlowRequestIsClosedAtTheDeadline() throws {
        guard let python = MetricsScrape.python() else { throw XCTSkip(MetricsScrape.parserMissing) }
        // Half a request head, one more byte each second: closed 10 s after the connection opened.
        let script = """
        import socket, sys, time
        s = socket.create_connection(("127.0.0.1", \(httpPort)))
        start = time.time()
        s.sendall(b"GET /healthz HTTP/1.1\\r\\nX-Slow: ")
        s.settimeout(1)
        while time.time() - start < 20:
            try:
                if s.recv(100) == b"":
                    break
            except socket.timeout:
                try: s.sendall(b"a")
                except OSError: break
            except OSError:
                break
        print(round(time.time() - start, 1))
        """
        let process = Process()
        process.executableURL = python
        process.arguments = ["-c", script]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let seconds = try XCTUnwrap(Double(text.trimmingCharacters(in: .whitespacesAndNewlines)), text)
        XCTAssertGreaterThan(seconds, 9)
        XCTAssertLessThan(seconds, 15)
        XCTAssertEqual(try MetricsScrape.get(port: httpPort, "/healthz").status, 200)
    }

    func testHostileHTTPClients() throws {
        let notFound = try MetricsScrape.get(port: httpPort, "/nothing-here")
        XCTAssertEqual(notFound.status, 404)
        XCTAssertEqual(try MetricsScrape.get(port: httpPort, "/metrics/../../etc/passwd", extra: ["--path-as-is"]).status, 404)
        XCTAssertEqual(try MetricsScrape.get(port: httpPort, "/metrics", extra: ["-X", "POST", "-d", "x"]).status, 405)
        XCTAssertEqual(try MetricsScrape.get(port: httpPort, "/healthz", extra: ["-X", "DELETE"]).status, 405)
        // A body where none is taken, and a body announced larger than any limit.
        XCTAssertEqual(try MetricsScrape.get(port: httpPort, "/healthz", extra: ["--data-binary", "hello", "-X", "GET"]).status, 413)
        XCTAssertEqual(try MetricsScrape.get(port: httpPort, "/healthz", extra: ["-H", "Content-Length: 99999999999"]).status, 413)
        // A header flood: 300 headers, then one 64 KiB header.
        let flood = (0..<300).flatMap { ["-H", "X-Flood-\($0): \(String(repeating: "a", count: 50))"] }
        XCTAssertEqual(try MetricsScrape.get(port: httpPort, "/healthz", extra: flood).status, 400)
        XCTAssertEqual(try MetricsScrape.get(port: httpPort, "/healthz",
                                             extra: ["-H", "X-Big: \(String(repeating: "b", count: 64 << 10))"]).status, 400)
        // Garbage that is not HTTP at all.
        try rawExchange("\u{1}\u{2} not http\r\n\r\n")
        // Clients that send half a request and hold their connections open.
        let holders = try (0..<20).map { _ in try holdConnection("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ") }
        defer { for holder in holders where holder.isRunning { holder.terminate(); holder.waitUntilExit() } }
        // Many flooding requests do not grow the process without bound.
        let before = try residentKiB()
        for _ in 0..<100 {
            _ = try MetricsScrape.get(port: httpPort, "/healthz", extra: ["-H", "X-Big: \(String(repeating: "c", count: 60 << 10))"])
        }
        XCTAssertLessThan(try residentKiB() - before, 32 << 10, "RSS growth in KiB after 100 oversized requests")

        // Still serving, and the gRPC side too.
        XCTAssertEqual(try MetricsScrape.get(port: httpPort, "/healthz").status, 200)
        XCTAssertEqual(try MetricsScrape.get(port: httpPort, "/metrics").status, 200)
        XCTAssertEqual(try Pspctl.run(["health", converter.address]).status, 0)
        XCTAssertNil(converter.problemStoppingOnSIGTERM())
    }

    /// Sends `bytes` over a fresh TCP connection (bash's /dev/tcp) and reads until the server closes it.
    private func rawExchange(_ bytes: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", "exec 3<>/dev/tcp/127.0.0.1/\(httpPort); printf '%s' \"$1\" >&3; timeout 10 cat <&3 >/dev/null",
                             "bash", bytes]
        try process.run()
        process.waitUntilExit()
        XCTAssertNotEqual(process.terminationStatus, 124, "the server did not close the connection")
    }

    /// A connection that sends `bytes` and then stays open (until the process is terminated).
    private func holdConnection(_ bytes: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", "exec 3<>/dev/tcp/127.0.0.1/\(httpPort); printf '%s' \"$1\" >&3; exec sleep 60", "bash", bytes]
        try process.run()
        return process
    }

    /// The service's resident set size.
    private func residentKiB() throws -> Int {
        let status = try String(contentsOfFile: "/proc/\(converter.process.processIdentifier)/status", encoding: .utf8)
        let line = try XCTUnwrap(status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") })
        return try XCTUnwrap(Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]))
    }
}
