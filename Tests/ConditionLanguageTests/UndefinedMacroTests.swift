import ConditionLanguage
import XCTest

/// `ConditionParser.firstUndefinedMacro`: Falco's message depends on where the reference sits, and the
/// search looks at both operands of `and`/`or` before descending (falco-rules.md §4.1).
final class UndefinedMacroTests: XCTestCase {
    private func firstUndefined(in text: String, defined: Set<String> = [],
                                file: StaticString = #filePath, line: UInt = #line) throws -> String? {
        ConditionParser.firstUndefinedMacro(in: try parsed(text, file: file, line: line)) { defined.contains($0) }
    }

    func testTheWholeConditionIsQuoted() throws {
        XCTAssertEqual(try firstUndefined(in: "foo"), "Undefined macro 'foo' used in filter.")
    }

    func testALeftOperandIsQuoted() throws {
        XCTAssertEqual(try firstUndefined(in: "foo and x.y=1"), "Undefined macro 'foo' used in filter.")
        XCTAssertEqual(try firstUndefined(in: "foo or x.y=1"), "Undefined macro 'foo' used in filter.")
    }

    func testARightOperandIsNotQuoted() throws {
        XCTAssertEqual(try firstUndefined(in: "x.y=1 and foo"), "Undefined macro foo used in filter.")
        XCTAssertEqual(try firstUndefined(in: "x.y=1 or foo"), "Undefined macro foo used in filter.")
    }

    func testTheOperandOfNotIsNotQuoted() throws {
        XCTAssertEqual(try firstUndefined(in: "not foo"), "Undefined macro foo used in filter.")
        XCTAssertEqual(try firstUndefined(in: "x.y=1 and not foo"), "Undefined macro foo used in filter.")
    }

    func testBothOperandsAreCheckedBeforeDescending() throws {
        // Left-nested: (x.y=1 and foo) and bar — the root's right operand `bar` is seen first.
        XCTAssertEqual(try firstUndefined(in: "x.y=1 and foo and bar"), "Undefined macro bar used in filter.")
        XCTAssertEqual(try firstUndefined(in: "x.y=1 and foo and bar", defined: ["bar"]),
                       "Undefined macro foo used in filter.")
        XCTAssertEqual(try firstUndefined(in: "foo and bar"), "Undefined macro 'foo' used in filter.")
    }

    func testLeftSubtreeIsSearchedBeforeRightSubtree() throws {
        XCTAssertEqual(try firstUndefined(in: "(x.y=1 and foo) or (x.y=2 and bar)"), "Undefined macro foo used in filter.")
        XCTAssertEqual(try firstUndefined(in: "(foo or x.y=1) and not (bar or x.y=2)"),
                       "Undefined macro 'foo' used in filter.")
        XCTAssertEqual(try firstUndefined(in: "(x.y=1 and not foo) or bar"), "Undefined macro bar used in filter.")
    }

    func testDefinedMacrosAndComparisonsPass() throws {
        XCTAssertNil(try firstUndefined(in: "m1 and not m2 or (m3 and x.y in (foo, bar))", defined: ["m1", "m2", "m3"]))
        XCTAssertNil(try firstUndefined(in: "x.y = foo and z.w exists"))
    }

    func testKeywordsReadAsMacrosAreReported() throws {
        XCTAssertEqual(try firstUndefined(in: "a.b=c and not"), "Undefined macro not used in filter.")
    }

    func testVeryLongChainsAreSearchedWithoutRecursion() throws {
        let text = (0..<20_000).map { "m\($0)" }.joined(separator: " and ")
        XCTAssertEqual(try firstUndefined(in: text, defined: Set((1..<20_000).map { "m\($0)" })),
                       "Undefined macro 'm0' used in filter.")
    }
}
