import Foundation
import GRPCKit
import PspctlProtocol
import TestSupport
import XCTest

/// ConverterService's `--convert-deadline` and `--max-message-bytes`, on the real binary.
final class ConvertLimitsTests: XCTestCase {
    private var service: ConverterServiceProcess?

    override func tearDown() {
        service?.stop()
        service = nil
    }

    /// A PodSecurityPolicy with `paths` allowed host paths: its conversion takes a while.
    private static func largePSP(paths: Int) -> PspctlV1.ConvertRequest {
        var text = "apiVersion: policy/v1beta1\nkind: PodSecurityPolicy\nmetadata:\n  name: large\nspec:\n  privileged: false\n  allowedHostPaths:\n"
        for i in 0..<paths { text += "  - pathPrefix: /data/volume-\(i)\n    readOnly: \(i % 2 == 0)\n" }
        return PspctlV1.ConvertRequest(policy: .psp(PspctlV1.PodSecurityPolicy(yaml: text, displayName: "large.yaml")))
    }

    private static func convert(_ request: PspctlV1.ConvertRequest, at address: String, timeout: Duration) async throws -> PspctlV1.CompiledRuleSet {
        let channel = try Channel(target: address)
        defer { channel.close() }
        return try PspctlV1.CompiledRuleSet(decoding: try await channel.unary(MethodPath.convert, request: request.encoded(), timeout: timeout))
    }

    func testAConvertOutlivingTheServersDeadlineIsDeadlineExceeded() async throws {
        let service = try ConverterServiceProcess(arguments: ["--convert-deadline", "0.005"])
        self.service = service
        let start = ContinuousClock.now
        do {
            _ = try await Self.convert(Self.largePSP(paths: 2000), at: service.address, timeout: .seconds(60))
            XCTFail("the conversion outlived its deadline")
        } catch let error as RPCError {
            XCTAssertEqual(error.code, .deadlineExceeded, error.message)
            XCTAssertEqual(error.message, "the conversion took longer than its deadline (the server's is 0.005 s, --convert-deadline)")
        }
        XCTAssertLessThan(ContinuousClock.now - start, .seconds(5), "the answer waited for the conversion")
        // pspctl convert --converter says so, exit 2.
        guard case .psp(let policy)? = Self.largePSP(paths: 2000).policy else { return XCTFail() }
        let psp = try Pspctl.temporaryFile(policy.yaml)
        let remote = try Pspctl.run(["convert", "--psp-path", psp, "--rules-path", "-", "--converter", service.address])
        XCTAssertEqual(remote.status, 2, remote.stderr)
        XCTAssertTrue(remote.stderr.contains("the converter at \(service.address) gave up: the conversion took longer than its deadline (the server's is 0.005 s, --convert-deadline)"),
                      remote.stderr)
        // The service goes on serving.
        let health = try Pspctl.run(["health", service.address])
        XCTAssertEqual(health.status, 0, health.stderr)
        XCTAssertNil(service.problemStoppingOnSIGTERM(within: 10))
    }

    func testTheClientsSoonerDeadlineAppliesAndTheDefaultServesLargePolicies() async throws {
        let service = try ConverterServiceProcess()
        self.service = service
        do {
            _ = try await Self.convert(Self.largePSP(paths: 2000), at: service.address, timeout: .milliseconds(5))
            XCTFail("the conversion outlived the client's deadline")
        } catch let error as RPCError {
            XCTAssertEqual(error.code, .deadlineExceeded, error.message)
        }
        // The default deadline (30 s) lets the same policy convert.
        let converted = try await Self.convert(Self.largePSP(paths: 2000), at: service.address, timeout: .seconds(60))
        XCTAssertEqual(converted.id.count, 64)
        XCTAssertTrue(converted.rulesYAML.contains("/data/volume-1999"))
    }

    func testMaxMessageBytesBoundsTheConvertersMessages() async throws {
        let service = try ConverterServiceProcess(arguments: ["--max-message-bytes", "4096"])
        self.service = service
        do {
            _ = try await Self.convert(Self.largePSP(paths: 200), at: service.address, timeout: .seconds(30))
            XCTFail("a request over --max-message-bytes was accepted")
        } catch let error as RPCError {
            XCTAssertEqual(error.code, .resourceExhausted, error.message)
        }
        // A small policy's request fits, but its answer (the compiled rule set) does not.
        let small = PspctlV1.ConvertRequest(policy: .psp(PspctlV1.PodSecurityPolicy(
            yaml: "apiVersion: policy/v1beta1\nkind: PodSecurityPolicy\nmetadata:\n  name: small\nspec:\n  privileged: false\n",
            displayName: "small.yaml")))
        do {
            _ = try await Self.convert(small, at: service.address, timeout: .seconds(30))
            XCTFail("an answer over --max-message-bytes was sent")
        } catch let error as RPCError {
            XCTAssertEqual(error.code, .resourceExhausted, error.message)
        }
        XCTAssertTrue(service.process.isRunning)
    }

    /// SIGTERM with a long Convert in flight: the Convert still answers (unary calls in flight finish
    /// within the grace), a new call is refused with UNAVAILABLE, and the service exits 0 after it.
    func testAConvertInFlightAtSIGTERMFinishesAndNewCallsAreRefused() async throws {
        let service = try ConverterServiceProcess(arguments: ["--shutdown-grace", "60"])
        self.service = service
        let address = service.address
        let large = Self.largePSP(paths: 20_000)
        async let inFlight = Self.convert(large, at: address, timeout: .seconds(120))
        try await Task.sleep(for: .milliseconds(300))
        let began = Date()
        service.process.terminate()
        try await Task.sleep(for: .milliseconds(200))
        do {
            _ = try await Self.convert(Self.largePSP(paths: 1), at: address, timeout: .seconds(10))
            XCTFail("a new Convert was accepted while the service drained")
        } catch let error as RPCError {
            XCTAssertEqual(error.code, .unavailable, error.message)
            XCTAssertEqual(error.message, "the server is shutting down")
        }
        XCTAssertTrue(service.process.isRunning, "the service did not wait for the Convert in flight")
        let converted = try await inFlight
        XCTAssertTrue(converted.rulesYAML.contains("/data/volume-19999"))
        guard let stopped = service.terminate(timeout: 30) else { return XCTFail("the service had to be killed") }
        XCTAssertEqual(stopped.status, 0, service.logText)
        XCTAssertLessThan(Date().timeIntervalSince(began), 60, service.logText)
        XCTAssertTrue(service.logText.contains("msg=stopped calls_cancelled=0 calls_in_flight=1"), service.logText)
    }

    func testConvertDeadlineMustBePositive() throws {
        for value in ["0", "-1", "nan"] {
            let run = try ServiceProcess.runToExit("ConverterService", ["--convert-deadline", value])
            let (status, text) = (run.status, run.stderr)
            XCTAssertEqual(status, 2, value)
            XCTAssertTrue(text.contains("--convert-deadline"), text)
        }
    }
}
