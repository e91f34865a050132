import XCTest
import TestSupport
@testable import RulesEngine

/// Falco 0.31.1's own rules files load unchanged, alone and together.
final class FalcoRulesFilesTests: EngineTestCase {
    func testK8sAuditRulesLoadUnchanged() throws {
        let engine = RulesEngine()
        try engine.load(path: Pspctl.falcoRulesFile("k8s_audit_rules.yaml"))
        XCTAssertEqual(engine.rules.count, 39)
        XCTAssertEqual(engine.macroCount, 39)
        XCTAssertEqual(engine.listCount, 13)
        XCTAssertEqual(engine.requiredEngineVersion, 2)
        XCTAssertTrue(engine.rules.allSatisfy { $0.source == .k8sAudit })
        XCTAssertEqual(engine.rules.first?.name, "Disallowed K8s User")
    }

    func testSyscallRulesLoadUnchanged() throws {
        let engine = RulesEngine()
        try engine.load(path: Pspctl.falcoRulesFile("falco_rules.yaml"))
        XCTAssertEqual(engine.rules.count, 69)
        XCTAssertEqual(engine.macroCount, 296)
        XCTAssertEqual(engine.listCount, 108)
        XCTAssertEqual(Set(engine.rules.filter { !$0.enabled }.map(\.name)),
                       ["Change thread namespace", "Set Setuid or Setgid bit",
                        "Detect outbound connections to common miner pool ports", "Container Run as Root User"])
    }

    func testBothFilesLoadTogetherInEitherOrder() throws {
        for order in [["falco_rules.yaml", "k8s_audit_rules.yaml"], ["k8s_audit_rules.yaml", "falco_rules.yaml"]] {
            let engine = RulesEngine()
            for f in order { try engine.load(path: Pspctl.falcoRulesFile(f)) }
            XCTAssertEqual(engine.rules.count, 108)
            XCTAssertEqual(engine.macroCount, 335)
            XCTAssertEqual(engine.listCount, 121)
        }
    }

    func testMinimumPrioritySkipsLessSevereRules() throws {
        var options = RulesEngine.Options()
        options.minimumPriority = .warning
        let engine = RulesEngine(options: options)
        try engine.load(path: Pspctl.falcoRulesFile("k8s_audit_rules.yaml"))
        XCTAssertFalse(engine.rules.isEmpty)
        XCTAssertTrue(engine.rules.allSatisfy { $0.priority.isAtLeast(.warning) })
        XCTAssertLessThan(engine.rules.count, 39)
    }
}
