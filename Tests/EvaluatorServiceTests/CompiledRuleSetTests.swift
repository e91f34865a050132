import Foundation
import GRPCKit
import PspctlProtocol
import TestSupport
import XCTest

/// LoadRuleSet of a compiled rule set: Convert on the real ConverterService, LoadRuleSet(compiled) on the
/// real EvaluatorService, Evaluate — the alerts of embedded `pspctl watch` on the converted rules file;
/// a tree that does not type-check, or an id that is not its rules_yaml's, is INVALID_ARGUMENT.
final class CompiledRuleSetTests: XCTestCase {
    private var converter: ServiceProcess!
    private var evaluator: ServiceProcess!
    private var channel: Channel!

    override func setUpWithError() throws {
        converter = try ServiceProcess("ConverterService")
        evaluator = try EvaluatorProcess()
        channel = try Channel(target: evaluator.address)
    }

    override func tearDown() {
        channel?.close()
        converter?.stop()
        evaluator?.stop()
        channel = nil
        converter = nil
        evaluator = nil
    }

    private static let examples = Pspctl.packageRoot.appendingPathComponent("examples")

    private func convert(_ request: PspctlV1.ConvertRequest) async throws -> PspctlV1.CompiledRuleSet {
        let channel = try Channel(target: converter.address)
        defer { channel.close() }
        return try PspctlV1.CompiledRuleSet(decoding: try await channel.unary(MethodPath.convert, request: request.encoded()))
    }

    private func load(_ compiled: PspctlV1.CompiledRuleSet) async throws -> PspctlV1.LoadRuleSetResponse {
        let request = PspctlV1.LoadRuleSetRequest(source: .compiled(compiled))
        return try PspctlV1.LoadRuleSetResponse(decoding: try await channel.unary(MethodPath.loadRuleSet, request: request.encoded()))
    }

    /// Every line of `log` through Evaluate; the rendered lines of the alerts, in order.
    private func evaluate(_ id: String, log: String, json: Bool) async throws -> [String] {
        let stream = try channel.makeBidirectionalStream(MethodPath.evaluate)
        try await stream.send(PspctlV1.EvaluateRequest(request: .start(.init(
            ruleSetID: id, renderText: !json, renderJSON: json, renderedLinesOnly: true))).encoded())
        let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").map { Array($0.utf8) }
        try await stream.send(PspctlV1.EvaluateRequest(request: .batch(.init(items: lines.map { .init(event: .k8sAuditJSON($0)) }))).encoded())
        stream.closeSend()
        var rendered: [String] = []
        while let message = try await stream.receive() {
            for result in try PspctlV1.EvaluateResponse(decoding: message).results {
                rendered += result.alerts.map { json ? $0.jsonLine : $0.textLine }
            }
        }
        return rendered
    }

    private func assertSameAlertsAsEmbedded(_ request: PspctlV1.ConvertRequest, convertArguments: [String], log: String,
                                            file: StaticString = #filePath, line: UInt = #line) async throws {
        let scratch = try ScratchDirectory.make()
        let rulesPath = scratch.appendingPathComponent("rules.yaml").path
        let converted = try Pspctl.run(["convert"] + convertArguments + ["--rules-path", rulesPath])
        XCTAssertEqual(converted.status, 0, converted.stderr, file: file, line: line)

        let compiled = try await convert(request)
        XCTAssertEqual(compiled.rulesYAML, try String(contentsOfFile: rulesPath, encoding: .utf8), file: file, line: line)
        let loaded = try await load(compiled)
        XCTAssertEqual(loaded.id, compiled.id, "cached under the set's id", file: file, line: line)
        XCTAssertFalse(loaded.alreadyCached, file: file, line: line)
        let again = try await load(compiled)
        XCTAssertTrue(again.alreadyCached, "loading it twice is free", file: file, line: line)

        for json in [true, false] {
            var arguments = ["watch", "--rules", rulesPath, "--audit-log", log, "--keep-going"]
            if json { arguments += ["--output", "json"] }
            let embedded = try Pspctl.run(arguments)
            let remote = try await evaluate(compiled.id, log: log, json: json)
            XCTAssertFalse(remote.isEmpty, "the log raises alerts", file: file, line: line)
            XCTAssertEqual(remote, embedded.stdoutLines, "json=\(json)", file: file, line: line)
        }
    }

    func testAConvertedPSPEvaluatesAsEmbeddedWatch() async throws {
        let psp = Self.examples.appendingPathComponent("psp-no-privileged.yaml").path
        let request = PspctlV1.ConvertRequest(policy: .psp(.init(yaml: try String(contentsOfFile: psp, encoding: .utf8), displayName: psp)))
        try await assertSameAlertsAsEmbedded(request, convertArguments: ["--psp-path", psp],
                                             log: Self.examples.appendingPathComponent("audit.jsonl").path)
    }

    func testAConvertedStandardEvaluatesAsEmbeddedWatch() async throws {
        let log = Inputs.cliFixtures.appendingPathComponent("k8s_audit_rules/create-privileged-pod.jsonl").path
        try await assertSameAlertsAsEmbedded(PspctlV1.ConvertRequest(policy: .standard(.init(level: "baseline"))),
                                             convertArguments: ["--standard", "baseline"], log: log)
    }

    func testATamperedTreeOrIdIsInvalidArgument() async throws {
        let psp = Self.examples.appendingPathComponent("psp-no-privileged.yaml").path
        let compiled = try await convert(PspctlV1.ConvertRequest(policy: .psp(.init(yaml: try String(contentsOfFile: psp, encoding: .utf8)))))
        let index = try XCTUnwrap(compiled.rules.firstIndex { $0.condition != nil })
        let name = compiled.rules[index].name

        var unknownField = compiled
        unknownField.rules[index].condition = .compare("ka.nope", .equal, ["x"])
        var wrongType = compiled
        wrongType.rules[index].condition = .compare("proc.name", .equal, ["x"])
        var badID = compiled
        badID.id = String(repeating: "0", count: 64)
        for (tampered, expected) in [(unknownField, "Rule \(name): error filter_check called with nonexistent field ka.nope"),
                                     (wrongType, "Rule \(name): error "),
                                     (badID, "the compiled rule set's id \"\(badID.id)\" is not the id of its rules_yaml")] {
            do {
                _ = try await load(tampered)
                XCTFail("a tampered set was loaded")
            } catch let error as RPCError {
                XCTAssertEqual(error.code, .invalidArgument, error.message)
                XCTAssertTrue(error.message.hasPrefix(expected), error.message)
            }
        }

        // A tampered tree under a cached id is still checked (and refused), never served from the cache.
        _ = try await load(compiled)
        do {
            _ = try await load(unknownField)
            XCTFail("a tampered tree was taken for the cached set")
        } catch let error as RPCError {
            XCTAssertEqual(error.code, .invalidArgument, error.message)
        }
        // A valid tree that is not the cached one under that id is refused, not swapped in.
        var other = compiled
        other.rules[index].enabled = false
        do {
            _ = try await load(other)
            XCTFail("another tree replaced the cached set")
        } catch let error as RPCError {
            XCTAssertEqual(error.code, .alreadyExists, error.message)
        }
    }
}
