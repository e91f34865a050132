import ConditionLanguage
import XCTest

/// Builders for expected trees, so that tests read like the conditions they check.
func comparison(_ field: String, _ op: ComparisonOperator, _ values: String...) -> ConditionNode {
    .comparison(Comparison(field: field, op: op, values: values))
}

func macro(_ name: String) -> ConditionNode { .macro(name) }

/// The tree of a condition that must parse to an expression.
func parsed(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws -> ConditionNode {
    do {
        return try XCTUnwrap(try ConditionParser.parse(text), "no expression in \(text.debugDescription)",
                             file: file, line: line)
    } catch let error as ConditionSyntaxError {
        XCTFail("\(text.debugDescription) failed to parse: \(error.message)", file: file, line: line)
        throw error
    }
}

/// The syntax error a condition must produce (fails the test when it parses).
func syntaxError(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> ConditionSyntaxError? {
    do {
        let tree = try ConditionParser.parse(text)
        XCTFail("\(text.debugDescription) parsed as \(String(describing: tree)), expected a syntax error",
                file: file, line: line)
        return nil
    } catch {
        return error
    }
}

/// The single value of `x.y = <value text>`.
func valueOfEquality(_ valueText: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
    guard case .comparison(let check) = try parsed("x.y = " + valueText, file: file, line: line),
          check.values.count == 1 else {
        XCTFail("\(valueText.debugDescription) did not give one comparison value", file: file, line: line)
        return ""
    }
    return check.values[0]
}

/// The values of `x.y in <list text>`.
func valuesOfList(_ listText: String, file: StaticString = #filePath, line: UInt = #line) throws -> [String] {
    guard case .comparison(let check) = try parsed("x.y in " + listText, file: file, line: line) else {
        XCTFail("\(listText.debugDescription) did not give a comparison", file: file, line: line)
        return []
    }
    return check.values
}

/// Falco's expecting-list after a field name (falco-rules.md §6.6): every operator, most recently tried first.
let expectingAfterFieldName = "'pmatch', 'intersects', 'in', 'endswith', 'startswith', 'glob', 'icontains', "
    + "'contains', '>', '<', '>=', '<=', '!=', '==', '=', 'exists'"
let expectingOperand = "'(', 'Macro', 'FieldName', 'not'"
let expectingValue = "'BareString', 'String', 'Number'"
let expectingListValue = "')', ',', 'BareString', 'String', 'Number'"

/// A tiny deterministic generator, so that the random inputs are the same on every run.
struct SplitMix64 {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
