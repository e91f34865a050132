import Foundation
import XCTest
import TestSupport

/// `Fixtures/k8s_audit_rules/expectations.json`: for every fixture line, the one rule that must alert
/// (or none). Falco's semantics: one alert per event, the first enabled matching rule in file order.
struct VerdictExpectations: Decodable, Sendable {
    struct RuleFacts: Decodable, Sendable {
        let priority: String
        let tags: [String]
    }

    struct Case: Decodable, Sendable {
        let line: Int
        let rule: String?
        /// Present only where loading falco_rules.yaml first changes the verdict (its lists become defined).
        let ruleWithFalcoRules: String??
        let why: String

        enum CodingKeys: String, CodingKey { case line, rule, ruleWithFalcoRules, why }

        init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            line = try container.decode(Int.self, forKey: .line)
            rule = try container.decodeIfPresent(String.self, forKey: .rule)
            why = try container.decode(String.self, forKey: .why)
            if container.contains(.ruleWithFalcoRules) {
                ruleWithFalcoRules = .some(try container.decodeIfPresent(String.self, forKey: .ruleWithFalcoRules))
            } else {
                ruleWithFalcoRules = .none
            }
        }

        func expectedRule(in rulesSet: ShippedRules) -> String? {
            if rulesSet == .bothFalcoFiles, case .some(let override) = ruleWithFalcoRules { return override }
            return rule
        }
    }

    struct Suite: Decodable, Sendable {
        let fixture: String
        /// The rule of k8s_audit_rules.yaml this fixture was written for (absent for extra suites).
        let covers: String?
        /// Small rules files (relative to the fixtures folder) loaded after Falco's files.
        let extraRules: [String]
        let why: String?
        let cases: [Case]

        var label: String { extraRules.isEmpty ? fixture : "\(fixture) + \(extraRules.joined(separator: " + "))" }
    }

    let rules: [String: RuleFacts]
    let suites: [Suite]

    static func load() throws -> VerdictExpectations {
        let data = try Data(contentsOf: Fixtures.k8sAuditRules.appendingPathComponent("expectations.json"))
        return try JSONDecoder().decode(VerdictExpectations.self, from: data)
    }
}

/// Which of Falco's files are loaded before a suite's own extra files.
enum ShippedRules: String {
    case k8sAuditAlone = "k8s_audit_rules.yaml"
    case bothFalcoFiles = "falco_rules.yaml + k8s_audit_rules.yaml"

    var files: [String] {
        switch self {
        case .k8sAuditAlone: return [FalcoRulesFiles.k8sAudit]
        case .bothFalcoFiles: return [FalcoRulesFiles.syscall, FalcoRulesFiles.k8sAudit]
        }
    }
}

final class FalcoK8sAuditRulesTests: XCTestCase {
    /// Every rule of Falco's file has a fixture, at least one event that fires it and one near miss.
    func testEveryRuleOfTheFileIsCovered() throws {
        let expectations = try VerdictExpectations.load()
        let ruleNames = try String(contentsOfFile: FalcoRulesFiles.k8sAudit, encoding: .utf8)
            .split(separator: "\n")
            .filter { $0.hasPrefix("- rule: ") }
            .map { String($0.dropFirst("- rule: ".count)) }
        XCTAssertEqual(ruleNames.count, 39)
        XCTAssertEqual(Set(expectations.rules.keys), Set(ruleNames), "rule facts must name exactly the file's rules")

        let allCases = expectations.suites.flatMap(\.cases)
        let expectedNames = Set(allCases.compactMap(\.rule) + allCases.compactMap { $0.ruleWithFalcoRules ?? nil })
        XCTAssertTrue(expectedNames.isSubset(of: Set(ruleNames)), "unknown rule names: \(expectedNames.subtracting(ruleNames))")
        for name in ruleNames {
            XCTAssertTrue(expectedNames.contains(name), "no event fires \(name)")
            guard let own = expectations.suites.first(where: { $0.covers == name }) else {
                XCTFail("no fixture covers \(name)"); continue
            }
            XCTAssertTrue(own.cases.contains { $0.rule != name }, "\(own.fixture) has no near miss for \(name)")
        }
    }

    func testVerdictsWithK8sAuditRulesAlone() throws {
        try checkAllSuites(.k8sAuditAlone)
    }

    /// Falco's default configuration loads both files; falco_rules.yaml defines the image lists that
    /// k8s_audit_rules.yaml only names, and must not change any other verdict.
    func testVerdictsWithBothFalcoRulesFiles() throws {
        try checkAllSuites(.bothFalcoFiles)
    }

    private func checkAllSuites(_ rulesSet: ShippedRules) throws {
        let expectations = try VerdictExpectations.load()
        for suite in expectations.suites {
            try check(suite, rulesSet, facts: expectations.rules)
        }
    }

    /// Runs one fixture through the real CLI and maps each alert back to its line by the event time
    /// (every fixture line has its own `stageTimestamp`).
    private func check(_ suite: VerdictExpectations.Suite, _ rulesSet: ShippedRules,
                       facts: [String: VerdictExpectations.RuleFacts]) throws {
        let label = "[\(rulesSet.rawValue)] \(suite.label)"
        let lines = try Fixtures.lines(of: suite.fixture)
        let times = try lines.map(AlertTime.expected(forEventLine:))
        XCTAssertEqual(Set(times).count, times.count, "\(label): fixture lines must have distinct times")
        XCTAssertEqual(suite.cases.map(\.line), Array(1...lines.count), "\(label): one case per fixture line")

        let extra = suite.extraRules.map { Fixtures.k8sAuditRules.appendingPathComponent($0).path }
        let result = try Watch.run(rules: rulesSet.files + extra, auditLog: Fixtures.auditLog(suite.fixture))
        XCTAssertEqual(result.status, 0, "\(label): stderr: \(result.stderr)")
        let alerts = try AlertsByLine(JSONAlert.parseAll(result), lines: lines)

        for verdict in suite.cases {
            guard lines.indices.contains(verdict.line - 1) else {
                XCTFail("\(label): case for line \(verdict.line) beyond the fixture"); continue
            }
            let fired = alerts.perLine[verdict.line - 1]
            let place = "\(label) line \(verdict.line) (\(verdict.why))"
            guard let expected = verdict.expectedRule(in: rulesSet) else {
                XCTAssertEqual(fired.map(\.rule), [], "\(place): expected no alert")
                continue
            }
            XCTAssertEqual(fired.map(\.rule), [expected], "\(place)")
            guard let alert = fired.first, alert.rule == expected, let fact = facts[expected] else { continue }
            XCTAssertEqual(alert.priority, fact.priority, "\(place): priority")
            XCTAssertEqual(alert.tags, fact.tags, "\(place): tags")
            XCTAssertEqual(alert.source, "k8s_audit", place)
            XCTAssertTrue(alert.output.hasPrefix("\(alert.utcTimeOfDay): \(fact.priority) "), "\(place): \(alert.output)")
            XCTAssertEqual(alert.outputFields["jevt.time"], alert.utcTimeOfDay, place)
            assertFalcoJSONLayout(alert.raw, place)
        }
        XCTAssertEqual(alerts.unmatched.map(\.raw), [], "\(label): alerts that belong to no fixture line")
    }
}
