import ConditionLanguage
import Foundation
import K8sAuditFields
import PSPConverter
import PSSConverter
import TestSupport
import XCTest
@testable import RulesEngine

/// The compiled form: an engine described, then rebuilt from the description, gives the same alerts;
/// a tampered description is refused with a message naming the rule and the problem.
final class RuleSetDescriptionTests: EngineTestCase {
    override func setUp() {
        super.setUp()
        setenv("TZ", "UTC", 1)
        tzset()
    }

    /// Every audit event of the CLI fixtures and the example log.
    private var events: [String] {
        get throws {
            let root = Pspctl.packageRoot
            let fixtures = root.appendingPathComponent("Tests/CLITests/Fixtures/k8s_audit_rules")
            var files = try FileManager.default.contentsOfDirectory(atPath: fixtures.path)
                .filter { $0.hasSuffix(".jsonl") }.sorted().map { fixtures.appendingPathComponent($0).path }
            files.append(root.appendingPathComponent("examples/audit.jsonl").path)
            return try files.flatMap { path in
                try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
            }
        }
    }

    /// Text and JSON alerts of every matching rule for every event, in order.
    private func alerts(_ engine: RulesEngine, _ lines: [String]) throws -> [String] {
        var out: [String] = []
        for line in lines where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            for event in try K8sAuditDocument.events(from: Array(line.utf8)) {
                let context = K8sEventContext(event: event)
                for rule in try engine.matches(for: context, allMatches: true) {
                    out.append(AlertFormatter(style: .text).format(rule, context))
                    out.append(AlertFormatter(style: .json).format(rule, context))
                }
            }
        }
        return out
    }

    private func assertRoundTrip(_ rulesYAML: String, name: String, expectAlerts: Bool = true,
                                 file: StaticString = #filePath, line: UInt = #line) throws {
        let original = RulesEngine()
        try original.load(text: rulesYAML, name: name)
        let description = original.ruleSetDescription
        XCTAssertFalse(description.rules.isEmpty, file: file, line: line)
        let rebuilt = try RulesEngine(description: description)
        XCTAssertEqual(rebuilt.ruleSetDescription, description, file: file, line: line)
        let lines = try events
        let expected = try alerts(original, lines)
        if expectAlerts { XCTAssertFalse(expected.isEmpty, "the fixtures raise no alert for \(name)", file: file, line: line) }
        XCTAssertEqual(try alerts(rebuilt, lines), expected, file: file, line: line)
    }

    func testConvertedPSPRoundTrips() throws {
        let psp = try String(contentsOfFile: Pspctl.packageRoot.appendingPathComponent("examples/psp-no-privileged.yaml").path,
                             encoding: .utf8)
        let unrestricted = psp.replacingOccurrences(of: "falco-rules-psp-images", with: "x-unused")
        try assertRoundTrip(try PSPConverter.convert(yaml: unrestricted).rulesYAML, name: "psp")
    }

    func testPodSecurityStandardsLevelRoundTrips() throws {
        for level in ["baseline", "restricted"] {
            let request = PSSConversionRequest(level: level, version: "latest", exemptUsers: ["admin"],
                                               exemptNamespaces: ["kube-system"], exemptRuntimeClasses: [],
                                               admissionConfigYAML: nil)
            try assertRoundTrip(try PSSConverter.convert(request).rulesYAML, name: level)
        }
    }

    func testFalcoK8sAuditRulesRoundTrip() throws {
        let path = Pspctl.falcoRulesFile("k8s_audit_rules.yaml")
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw XCTSkip("Falco's rules are not at \(path)")
        }
        try assertRoundTrip(text, name: path)
    }

    func testFalcoSyscallRulesDescriptionRoundTrips() throws {
        let path = Pspctl.falcoRulesFile("falco_rules.yaml")
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw XCTSkip("Falco's rules are not at \(path)")
        }
        try assertRoundTrip(text, name: path, expectAlerts: false)
    }

    func testDescriptionHoldsTheExpandedCondition() throws {
        let engine = try self.engine("""
        - list: users
          items: [alice, bob]
        - macro: create
          condition: ka.verb = create
        - rule: R
          desc: d
          condition: create and ka.user.name in (users) and not ka.target.namespace exists
          output: "u=%ka.user.name"
          priority: WARNING
          source: k8s_audit
        """)
        let rule = try XCTUnwrap(engine.ruleSetDescription.rules.first)
        XCTAssertEqual(rule.condition, .and([
            .comparison(Comparison(field: "ka.verb", op: .equal, values: ["create"])),
            .comparison(Comparison(field: "ka.user.name", op: .in, values: ["alice", "bob"])),
            .not(.comparison(Comparison(field: "ka.target.namespace", op: .exists, values: []))),
        ]))
        XCTAssertEqual(rule.prioritySpelling, "WARNING")
        XCTAssertEqual(rule.source, "k8s_audit")
    }

    // MARK: tampered descriptions

    private func tampered(_ change: (inout RuleDescription) -> Void) throws -> String {
        var description = try engine("""
        - rule: R
          desc: d
          condition: ka.verb = create
          output: "u=%ka.user.name"
          priority: WARNING
          source: k8s_audit
        """).ruleSetDescription
        change(&description.rules[0])
        do {
            _ = try RulesEngine(description: description)
            XCTFail("a tampered description loaded")
            return ""
        } catch {
            return error.message
        }
    }

    func testUnknownFieldIsRefused() throws {
        let message = try tampered { $0.condition = .comparison(Comparison(field: "ka.nope", op: .equal, values: ["x"])) }
        XCTAssertEqual(message, "Rule R: error filter_check called with nonexistent field ka.nope")
    }

    func testContainsOnNumericSyscallFieldIsRefused() throws {
        let message = try tampered {
            $0.source = "syscall"
            $0.output = "pid=%proc.pid"
            $0.condition = .comparison(Comparison(field: "proc.pid", op: .contains, values: ["1"]))
        }
        XCTAssertTrue(message.hasPrefix("Rule R: error "), message)
        XCTAssertTrue(message.contains("contains") && message.contains("proc.pid"), message)
    }

    func testWrongSourceIsRefused() throws {
        XCTAssertEqual(try tampered { $0.source = "k8s_audits" }, "Rule R: unknown source k8s_audits")
        // A k8s_audit condition under the syscall source names a field syscall events do not have.
        let message = try tampered { $0.source = "syscall"; $0.output = "x" }
        XCTAssertTrue(message.hasPrefix("Rule R: error ") && message.contains("ka.verb"), message)
    }

    func testOtherTamperingIsRefused() throws {
        XCTAssertEqual(try tampered { $0.condition = .macro("m") },
                       "Rule R: the condition refers to macro m; a described condition has its macros expanded")
        XCTAssertEqual(try tampered { $0.condition = .and([]) }, "Rule R: the condition has an and/or without operands")
        XCTAssertEqual(try tampered { $0.condition = .comparison(Comparison(field: "ka.verb", op: .equal, values: [])) },
                       "Rule R: ka.verb = takes one value, has 0")
        XCTAssertEqual(try tampered { $0.output = "u=%ka.nope" },
                       "Rule R: Invalid output format 'u=%ka.nope': 'Could not parse format string \"u=%ka.nope\": unknown filtercheck field ka.nope'")
        XCTAssertEqual(try tampered { $0.prioritySpelling = "LOUD" }, "Rule R: priority spelling LOUD is not Warning")
        XCTAssertEqual(try tampered { $0.condition = nil }, "Rule R: an enabled rule needs a condition")
        var deep: ConditionNode = .comparison(Comparison(field: "ka.verb", op: .equal, values: ["create"]))
        for _ in 0..<600 { deep = .not(deep) }
        let nested = deep
        XCTAssertTrue(try tampered { $0.condition = nested }.contains("nests more than 500 levels"))
    }
}
