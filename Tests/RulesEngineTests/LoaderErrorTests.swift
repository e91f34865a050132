import XCTest
@testable import RulesEngine

/// Loader errors carry Falco 0.31.1's messages and the offending item (falco-rules.md §12.2).
final class LoaderErrorTests: EngineTestCase {
    func testYAMLSyntaxError() {
        let error = loadError("- rule: x\n  desc: [a, b\n")
        XCTAssertEqual(error?.message, "did not find expected ',' or ']'")
        XCTAssertEqual(error?.file, "rules0.yaml")
    }

    func testTopLevelShape() {
        XCTAssertEqual(loadError("just text\n")?.message, "Rules content is not yaml")
        XCTAssertEqual(loadError("rule: x\n")?.message, "Rules content is not yaml array of objects")
        XCTAssertEqual(loadError("- 5\n")?.message,
                       "Unexpected element of type number. Each element should be a yaml associative array.")
    }

    func testRequiredProperties() {
        XCTAssertEqual(loadError("- rule: r\n  desc: d\n")?.message, "Rule must have property condition")
        XCTAssertEqual(loadError("- rule: r\n  condition: ka.verb=get\n  desc: d\n  priority: INFO\n  source: k8s_audit\n")?.message,
                       "Rule must have property output")
        XCTAssertEqual(loadError("- macro: m\n")?.message, "Macro must have property condition")
        XCTAssertEqual(loadError("- list: l\n")?.message, "List must have property items")
        XCTAssertEqual(loadError("- list: l\n  items: [a]\n  append: true\n")?.message,
                       "List l has 'append' key but no list by that name already exists")
        XCTAssertEqual(loadError("- macro: m\n  condition: a.b=c\n  append: true\n")?.message,
                       "Macro m has 'append' key but no macro by that name already exists")
        XCTAssertEqual(loadError("- rule: r\n  enabled: false\n")?.message,
                       "Rule r has 'enabled' key only, but no rule by that name already exists")
        XCTAssertEqual(loadError("- rule: r\n  condition: and x\n  append: true\n")?.message,
                       "Rule r has 'append' key but no rule by that name already exists")
    }

    func testRequiredEngineVersion() {
        XCTAssertEqual(loadError("- required_engine_version: 12\n")?.message,
                       "Rules require engine version 12, but engine version is 11")
        XCTAssertEqual(loadError("- required_engine_version: \"9\"\n")?.message,
                       "Value of required_engine_version must be a number")
    }

    func testInvalidPriority() {
        let error = loadError("""
        - rule: r
          desc: d
          condition: ka.verb=get
          output: o
          priority: loud
          source: k8s_audit
        """)
        XCTAssertEqual(error?.message, "Invalid priority level: loud")
    }

    func testUndefinedMacroMessagesDependOnPosition() {
        func rule(_ condition: String) -> String {
            "- rule: r\n  desc: d\n  condition: \(condition)\n  output: o\n  priority: INFO\n  source: k8s_audit\n"
        }
        XCTAssertEqual(loadError(rule("foo"))?.message, "Undefined macro 'foo' used in filter.")
        XCTAssertEqual(loadError(rule("ka.verb=get and foo"))?.message, "Undefined macro foo used in filter.")
        let macroError = loadError("- macro: m\n  condition: ka.verb=get and nope\n")
        XCTAssertEqual(macroError?.message,
                       "Compilation error when compiling \"ka.verb=get and nope\": Undefined macro nope used in filter.")
    }

    func testUnknownFieldAndSyntaxErrors() {
        let unknown = loadError("- rule: r\n  desc: d\n  condition: ka.nope = 1\n  output: o\n  priority: INFO\n  source: k8s_audit\n")
        XCTAssertEqual(unknown?.message, "Rule r: error filter_check called with nonexistent field ka.nope")
        let doubleEquals = loadError("- rule: r\n  desc: d\n  condition: ka.verb == get\n  output: o\n  priority: INFO\n  source: k8s_audit\n")
        XCTAssertEqual(doubleEquals?.message,
                       "Compilation error when compiling \"ka.verb == get\": 10: syntax error, unexpected '=', expecting 'BareString', 'String', 'Number'")
    }

    func testErrorDescriptionNamesFileItemAndReason() throws {
        let text = "- list: ok\n  items: [a]\n\n- rule: r\n  desc: d\n  condition: nope\n  output: o\n  priority: INFO\n  source: k8s_audit\n"
        let error = try XCTUnwrap(loadError(text))
        XCTAssertEqual(error.context, "- rule: r\n  desc: d\n  condition: nope\n  output: o\n  priority: INFO\n  source: k8s_audit\n")
        XCTAssertEqual(error.description, """
        Could not load rules file rules0.yaml: 1 errors:
        Undefined macro 'nope' used in filter.
        ---
        - rule: r
          desc: d
          condition: nope
          output: o
          priority: INFO
          source: k8s_audit
        ---
        """)
    }

    func testInvalidOutputFormat() {
        let error = loadError("- rule: r\n  desc: d\n  condition: ka.verb=get\n  output: \"user=%ka.nope\"\n  priority: INFO\n  source: k8s_audit\n")
        XCTAssertEqual(error?.message,
                       "Invalid output format 'user=%ka.nope': 'Could not parse format string \"user=%ka.nope\": unknown filtercheck field ka.nope'")
    }

    func testExceptionValidation() {
        let base = "- rule: r\n  desc: d\n  condition: ka.verb=get\n  output: o\n  priority: INFO\n  source: k8s_audit\n  exceptions:\n"
        XCTAssertEqual(loadError(base + "    - fields: ka.verb\n")?.message, "Rule exception item must have name property")
        XCTAssertEqual(loadError(base + "    - name: e\n")?.message,
                       "Rule exception item e: must have fields property with a list of fields")
        XCTAssertEqual(loadError(base + "    - name: e\n      fields: [ka.verb, ka.nope]\n")?.message,
                       "Rule exception item e: field name ka.nope is not a supported filter field")
        XCTAssertEqual(loadError(base + "    - name: e\n      fields: [ka.verb]\n      comps: [=, =]\n")?.message,
                       "Rule exception item e: fields and comps lists must have equal length")
        XCTAssertEqual(loadError(base + "    - name: e\n      fields: ka.verb\n      comps: exists\n")?.message,
                       "Rule exception item e: comparison operator exists is not a supported comparison operator")
    }

    func testUnknownSourceIsAWarningAndTheRuleIsSkipped() throws {
        let engine = RulesEngine()
        let warnings = try engine.load(text: "- rule: r\n  desc: d\n  condition: a.b=c\n  output: o\n  priority: INFO\n  source: aws_cloudtrail\n", name: "x")
        XCTAssertTrue(engine.rules.isEmpty)
        XCTAssertEqual(warnings.map(\.message), ["Rule r: warning (unknown-source): unknown source aws_cloudtrail, skipping"])
    }

    func testAFailedLoadLeavesTheEngineAsItWas() throws {
        let engine = RulesEngine()
        try engine.load(text: "- rule: r\n  desc: d\n  condition: ka.verb=get\n  output: o\n  priority: INFO\n  source: k8s_audit\n", name: "a")
        XCTAssertThrowsError(try engine.load(text: "- rule: s\n  desc: d\n  condition: nope\n  output: o\n  priority: INFO\n  source: k8s_audit\n", name: "b"))
        XCTAssertEqual(engine.rules.map(\.name), ["r"])
    }

    func testUnreadableFileIsAReadErrorWithoutContext() {
        let engine = RulesEngine()
        XCTAssertThrowsError(try engine.load(path: "/nonexistent/rules.yaml")) { error in
            let loadError = error as? RulesLoadError
            XCTAssertEqual(loadError?.isReadError, true)
            XCTAssertEqual(loadError?.description, "Could not open rules filename /nonexistent/rules.yaml for reading: no such file")
        }
    }
}
