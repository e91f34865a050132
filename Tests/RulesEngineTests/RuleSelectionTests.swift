import XCTest
@testable import RulesEngine

/// Which rule fires: definition order, first match, overrides, appends, exceptions, lists and macros.
final class RuleSelectionTests: EngineTestCase {
    private func rule(_ name: String, _ condition: String, priority: String = "WARNING", extra: String = "") -> String {
        "- rule: \(name)\n  desc: d\n  condition: \(condition)\n  output: \"\(name) (user=%ka.user.name)\"\n  priority: \(priority)\n  source: k8s_audit\n\(extra)"
    }

    func testFirstMatchingRuleInDefinitionOrderWins() throws {
        let engine = try self.engine(rule("A", "ka.verb=create") + rule("B", "ka.user.name=alice"))
        XCTAssertEqual(try fired(engine, event()), ["A"])
        XCTAssertEqual(try fired(engine, event(), allMatches: true), ["A", "B"])
        XCTAssertEqual(try fired(engine, event().replacingOccurrences(of: "\"create\"", with: "\"get\"")), ["B"])
    }

    func testRedefinitionKeepsPositionAndReplacesEverything() throws {
        let engine = try self.engine(rule("A", "ka.verb=create") + rule("B", "ka.verb=create"), rule("A", "ka.verb=delete"))
        XCTAssertEqual(try fired(engine, event()), ["B"])
        XCTAssertEqual(engine.rules.map(\.name), ["A", "B"])
    }

    func testAppendConcatenatesConditionText() throws {
        let engine = try self.engine(rule("A", "ka.verb=delete"), "- rule: A\n  append: true\n  condition: or ka.user.name=alice\n")
        XCTAssertEqual(try fired(engine, event()), ["A"])
    }

    func testMacroAppendAndListAppend() throws {
        let engine = try self.engine("""
        - list: users
          items: [bob]
        - macro: watched
          condition: ka.verb=delete
        \(rule("A", "watched and ka.user.name in (users)"))
        """, """
        - list: users
          items: [alice]
          append: true
        - macro: watched
          condition: or ka.verb=create
          append: true
        """)
        XCTAssertEqual(try fired(engine, event()), ["A"])
    }

    func testEnabledOverrideAppliesToExactlyThatRule() throws {
        // Falco 0.31.1 disables every rule whose name *contains* "Pod"; pspctl disables only "Pod".
        let engine = try self.engine(rule("Pod created", "ka.verb=create") + rule("Pod", "ka.verb=create"),
                                     "- rule: Pod\n  enabled: false\n")
        XCTAssertEqual(try fired(engine, event(), allMatches: true), ["Pod created"])
    }

    func testExceptionsExcludeMatchingEvents() throws {
        let engine = try self.engine(rule("A", "ka.verb=create", extra: """
          exceptions:
            - name: trusted
              fields: [ka.user.name, ka.target.namespace]
              values:
                - [alice, default]
            - name: single
              fields: ka.user.name
              values: [carol]

        """))
        XCTAssertEqual(try fired(engine, event()), [])
        XCTAssertEqual(try fired(engine, event().replacingOccurrences(of: "alice", with: "bob")), ["A"])
        XCTAssertEqual(try fired(engine, event().replacingOccurrences(of: "alice", with: "carol")), [])
    }

    func testLeadingNegationIsReportedUnderItsOwnName() throws {
        // Falco 0.31.1 fails with "unknown error processing audit event" here (no check stamped the event).
        let engine = try self.engine(rule("Not Bob", "not ka.user.name=bob"))
        XCTAssertEqual(try fired(engine, event()), ["Not Bob"])
    }

    func testDisabledRulesNeverFire() throws {
        let engine = try self.engine(rule("A", "ka.verb=create", extra: "  enabled: false\n"))
        XCTAssertEqual(try fired(engine, event()), [])
        XCTAssertEqual(engine.rules.count, 1)
    }

    func testPrioritySpellingsIgnoreLetterCase() throws {
        // Falco 0.31.1 accepts only Name/name/NAME (and INFO/info) and crashes on anything else.
        let engine = try self.engine(rule("A", "ka.verb=get", priority: "Info") + rule("B", "ka.verb=get", priority: "wArNiNg")
                                     + rule("C", "ka.verb=get", priority: "INFORMATIONAL"))
        XCTAssertEqual(engine.rules.map(\.priority), [.informational, .warning, .informational])
        XCTAssertEqual(engine.rules.map(\.prioritySpelling), ["Info", "wArNiNg", "INFORMATIONAL"])
    }
}
