import Foundation
import GRPCKit
import PspctlProtocol
import TestSupport
import XCTest

/// The real ConverterService: health, ids, errors, shutdown, and an independent Python client.
final class ConverterServiceTests: XCTestCase {
    private var service: ConverterServiceProcess!

    override func setUpWithError() throws {
        service = try ConverterServiceProcess()
    }

    override func tearDown() {
        service?.stop()
        service = nil
    }

    private func convert(_ request: PspctlV1.ConvertRequest) async throws -> PspctlV1.CompiledRuleSet {
        let channel = try Channel(target: service.address)
        defer { channel.close() }
        return try PspctlV1.CompiledRuleSet(decoding: try await channel.unary(MethodPath.convert, request: request.encoded(),
                                                                            timeout: .seconds(30)))
    }

    private static func psp(_ name: String) -> PspctlV1.ConvertRequest {
        let text = "apiVersion: policy/v1beta1\nkind: PodSecurityPolicy\nmetadata:\n  name: \(name)\nspec:\n  privileged: false\n"
        return PspctlV1.ConvertRequest(policy: .psp(PspctlV1.PodSecurityPolicy(yaml: text, displayName: "\(name).yaml")))
    }

    func testHealthThroughPspctl() throws {
        let whole = try Pspctl.run(["health", service.address])
        XCTAssertEqual(whole.status, 0, whole.stderr)
        XCTAssertEqual(whole.stdout, "SERVING\n")
        let converter = try Pspctl.run(["health", service.address, "--service", "pspctl.v1.Converter"])
        XCTAssertEqual(converter.status, 0, converter.stderr)
        let unknown = try Pspctl.run(["health", service.address, "--service", "pspctl.v1.Nope"])
        XCTAssertEqual(unknown.status, 1)
        XCTAssertEqual(unknown.stderr, "pspctl health: \(service.address) does not know the service pspctl.v1.Nope\n")
        service.stop()
        let gone = try Pspctl.run(["health", service.address])
        XCTAssertEqual(gone.status, 2)
        XCTAssertTrue(gone.stderr.hasPrefix("pspctl health: cannot reach \(service.address): "), gone.stderr)
    }

    /// A request naming a file in its admission configuration does not make the converter read it: the
    /// client sends the file's text along, and a request without it is refused.
    func testTheConverterReadsNoFileARequestNames() async throws {
        let secret = try Pspctl.temporaryFile("apiVersion: pod-security.admission.config.k8s.io/v1\nkind: PodSecurityConfiguration\n")
        let admission = "apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins:\n- name: PodSecurity\n  path: \(secret)\n"
        do {
            _ = try await convert(PspctlV1.ConvertRequest(policy: .standard(PspctlV1.PodSecurityStandard(
                level: "baseline", admissionConfigYAML: admission, admissionConfigName: "admission.yaml"))))
            XCTFail("a path the request names was followed")
        } catch let error as RPCError {
            XCTAssertEqual(error.code, .invalidArgument)
            XCTAssertEqual(error.message, "--admission-config admission.yaml: plugins[0].path: \(secret) was not sent with the configuration (a converter reads no file a request names)")
        }
        let sent = try await convert(PspctlV1.ConvertRequest(policy: .standard(PspctlV1.PodSecurityStandard(
            level: "baseline", admissionConfigYAML: admission, admissionConfigName: "admission.yaml",
            referencedConfigPath: secret, referencedConfigYAML: "apiVersion: pod-security.admission.config.k8s.io/v1\nkind: PodSecurityConfiguration\nexemptions: {namespaces: [sent-along]}\n"))))
        XCTAssertTrue(sent.rulesYAML.contains("sent-along"), sent.rulesYAML)
    }

    func testSamePolicySameIdDifferentPolicyDifferentId() async throws {
        let first = try await convert(Self.psp("alpha"))
        let again = try await convert(Self.psp("alpha"))
        XCTAssertEqual(first.id, again.id)
        XCTAssertEqual(first, again)
        XCTAssertEqual(first.id.count, 64)
        // The display name only names the file in messages: the same policy under another path, same id.
        var renamed = Self.psp("alpha")
        if case .psp(var policy)? = renamed.policy { policy.displayName = "elsewhere/alpha.yaml"; renamed.policy = .psp(policy) }
        let elsewhere = try await convert(renamed)
        XCTAssertEqual(elsewhere.id, first.id)
        let other = try await convert(Self.psp("beta"))
        XCTAssertNotEqual(other.id, first.id)
        let baseline = try await convert(PspctlV1.ConvertRequest(policy: .standard(PspctlV1.PodSecurityStandard(level: "baseline"))))
        let restricted = try await convert(PspctlV1.ConvertRequest(policy: .standard(PspctlV1.PodSecurityStandard(level: "restricted"))))
        XCTAssertNotEqual(baseline.id, restricted.id)
        XCTAssertEqual(Set([first.id, other.id, baseline.id, restricted.id]).count, 4)
    }

    func testCompiledRulesCarryExpandedConditions() async throws {
        let set = try await convert(Self.psp("alpha"))
        XCTAssertFalse(set.rules.isEmpty)
        for rule in set.rules where rule.enabled {
            let condition = try XCTUnwrap(rule.condition, rule.name)
            XCTAssertNil(condition.structuralProblem, rule.name)
            XCTAssertNotEqual(rule.priority, .unspecified)
        }
        XCTAssertTrue(set.summary.contains { $0.contains("alpha") }, "\(set.summary)")
    }

    func testGarbageAndEmptyRequestsAreInvalidArgument() async throws {
        let channel = try Channel(target: service.address)
        defer { channel.close() }
        for bytes: [UInt8] in [[0xFF, 0xFF, 0xFF, 0xFF, 0x0F], Array("garbage".utf8), []] {
            do {
                _ = try await channel.unary(MethodPath.convert, request: bytes, timeout: .seconds(10))
                XCTFail("\(bytes) was accepted")
            } catch {
                XCTAssertEqual(error.code, .invalidArgument, "\(bytes): \(error)")
            }
        }
    }

    func testSIGTERMExitsZeroPromptly() {
        XCTAssertNil(service.problemStoppingOnSIGTERM())
    }

    func testAnAddressInUseIsExit2() throws {
        let process = Process()
        process.executableURL = ConverterServiceProcess.executable
        process.arguments = ["--listen", service.address]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let log = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 2, log)
        XCTAssertTrue(log.contains("level=error") && log.contains("cannot listen on \(service.address)"), log)
        let usage = Process()
        usage.executableURL = ConverterServiceProcess.executable
        usage.arguments = ["--listen", "nowhere"]
        usage.standardError = FileHandle.nullDevice
        try usage.run()
        usage.waitUntilExit()
        XCTAssertEqual(usage.terminationStatus, 2)
    }

    func testIndependentPythonClient() throws {
        let python = try Self.python()
        let directory = try ScratchDirectory.make()
        let psp = Pspctl.packageRoot.appendingPathComponent("examples/psp-no-privileged.yaml").path
        let rules = directory.appendingPathComponent("rules.yaml").path
        let embedded = try Pspctl.run(["convert", "--psp-path", psp, "--rules-path", rules, "--quiet"])
        XCTAssertEqual(embedded.status, 0, embedded.stderr)
        let script = Pspctl.packageRoot.appendingPathComponent("Tests/ServiceTests/python/converter_client.py").path
        let (status, text) = try PythonGRPC.runClient(python, script: script, [service.address, psp, rules])
        XCTAssertEqual(status, 0, text)
        XCTAssertTrue(text.contains(" passed, 0 failed"), text)
    }

    static func python() throws -> URL {
        guard let python = PythonGRPC.interpreter() else { throw XCTSkip(PythonGRPC.missing) }
        return python
    }
}
