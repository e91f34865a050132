import ConversionService
import PspctlProtocol
import RuleSetWire
import RulesEngine
import XCTest

/// The engine ↔ wire mapping: a converted set survives encoding and is rebuilt; tampered wire trees are
/// refused before and by the engine.
final class RuleSetWireTests: XCTestCase {
    private func converted() throws -> ConversionResult {
        try ConversionService.convert(.standard(StandardPolicy(level: "restricted", exemptNamespaces: ["kube-system"])))
    }

    func testWireRoundTripRebuildsTheSameRules() throws {
        let result = try converted()
        let set = ConvertWire.compiledRuleSet(result)
        let decoded = try PspctlV1.CompiledRuleSet(decoding: set.encoded())
        XCTAssertEqual(decoded, set)
        XCTAssertEqual(try RuleSetWire.description(decoded.rules), result.ruleSet)
        let engine = try RuleSetWire.engine(from: decoded.rules)
        XCTAssertEqual(engine.ruleSetDescription, result.ruleSet)
        XCTAssertEqual(decoded.id, RuleSetIdentity.id(rulesFiles: [result.rulesYAML], options: ConversionService.loadOptions))
    }

    private func refusal(_ change: (inout PspctlV1.CompiledRule) -> Void) throws -> String {
        var rules = ConvertWire.compiledRuleSet(try converted()).rules
        change(&rules[0])
        do {
            _ = try RuleSetWire.engine(from: rules)
            XCTFail("a tampered rule loaded")
            return ""
        } catch {
            return error.message
        }
    }

    func testTamperedWireRulesAreRefused() throws {
        let name = ConvertWire.compiledRuleSet(try converted()).rules[0].name
        XCTAssertEqual(try refusal { $0.condition = .compare("ka.nope", .equal, ["x"]) },
                       "Rule \(name): error filter_check called with nonexistent field ka.nope")
        XCTAssertEqual(try refusal { $0.condition = .compare("ka.verb", .unspecified, ["x"]) },
                       "Rule \(name): condition: ka.verb: unknown operator 0")
        XCTAssertEqual(try refusal { $0.condition = PspctlV1.Expression() }, "Rule \(name): condition: expression with no node set")
        XCTAssertEqual(try refusal { $0.priority = .unspecified }, "Rule \(name): priority Unspecified is not one of Falco's eight")
        XCTAssertEqual(try refusal { $0.source = "syscalls" }, "Rule \(name): unknown source syscalls")
        var list = PspctlV1.Comparison(field: "ka.verb", operator: .in, values: ["create"], valuesIsList: false)
        XCTAssertEqual(try refusal { $0.condition = PspctlV1.Expression(node: .comparison(list)) },
                       "Rule \(name): condition: ka.verb in: values_is_list is false")
        list.valuesIsList = true
        var rules = ConvertWire.compiledRuleSet(try converted()).rules
        rules[0].condition = PspctlV1.Expression(node: .comparison(list))
        XCTAssertNoThrow(try RuleSetWire.engine(from: rules))
    }
}
