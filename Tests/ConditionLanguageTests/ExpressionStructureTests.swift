import ConditionLanguage
import XCTest

/// Boolean structure, operators, keywords and macro references (falco-rules.md §6.2, §6.3).
final class ExpressionStructureTests: XCTestCase {
    private let a = comparison("a.a", .equal, "1")
    private let b = comparison("b.b", .equal, "2")
    private let c = comparison("c.c", .equal, "3")
    private let d = comparison("d.d", .equal, "4")

    // MARK: Precedence and associativity

    func testAndBindsTighterThanOr() throws {
        XCTAssertEqual(try parsed("a.a=1 or b.b=2 and c.c=3"), .or(a, .and(b, c)))
        XCTAssertEqual(try parsed("a.a=1 and b.b=2 or c.c=3 and d.d=4"), .or(.and(a, b), .and(c, d)))
    }

    func testChainsAreLeftAssociative() throws {
        XCTAssertEqual(try parsed("a.a=1 and b.b=2 and c.c=3"), .and(.and(a, b), c))
        XCTAssertEqual(try parsed("a.a=1 or b.b=2 or c.c=3"), .or(.or(a, b), c))
    }

    func testNotBindsTightestAndAppliesToTheNextOperand() throws {
        XCTAssertEqual(try parsed("not a.a = 1"), .not(a))
        XCTAssertEqual(try parsed("not a.a=1 and b.b=2"), .and(.not(a), b))
        XCTAssertEqual(try parsed("a.a=1 or not b.b=2"), .or(a, .not(b)))
        XCTAssertEqual(try parsed("not not a.a=1"), .not(.not(a)))
        XCTAssertEqual(try parsed("not (a.a=1 or b.b=2)"), .not(.or(a, b)))
    }

    func testParenthesesGroupWithoutLeavingANode() throws {
        XCTAssertEqual(try parsed("(a.a=1 or b.b=2) and c.c=3"), .and(.or(a, b), c))
        XCTAssertEqual(try parsed("a.a=1 and (b.b=2 and c.c=3)"), .and(a, .and(b, c)))
        XCTAssertEqual(try parsed("((( a.a=1 )))"), a)
    }

    func testLongChainsParse() throws {
        // Linear parsing: a rule with thousands of checks is fine (and a quadratic parser would crawl).
        let terms = (0..<5_000).map { "f.x\($0) = \($0)" }
        var expected = comparison("f.x0", .equal, "0")
        for index in 1..<terms.count { expected = .or(expected, comparison("f.x\(index)", .equal, "\(index)")) }
        XCTAssertEqual(try parsed(terms.joined(separator: " or ")), expected)
    }

    // MARK: Operators

    func testEveryOperatorParses() throws {
        for op in ComparisonOperator.allCases {
            let text: String
            let expected: ConditionNode
            switch op {
            case .exists:
                text = "x.y exists"
                expected = comparison("x.y", .exists)
            case _ where op.takesList:
                text = "x.y \(op.rawValue) (v1, v2)"
                expected = comparison("x.y", op, "v1", "v2")
            default:
                text = "x.y \(op.rawValue) v"
                expected = comparison("x.y", op, "v")
            }
            XCTAssertEqual(try parsed(text), expected, text)
        }
    }

    func testRelationalSymbolsNeedNoDelimiter() throws {
        XCTAssertEqual(try parsed("proc.name startswith/usr"), comparison("proc.name", .startswith, "/usr"))
        XCTAssertEqual(try parsed("proc.name containsfoo"), comparison("proc.name", .contains, "foo"))
        XCTAssertEqual(try parsed("proc.name icontainsFOO"), comparison("proc.name", .icontains, "FOO"))
        XCTAssertEqual(try parsed("proc.name globa*"), comparison("proc.name", .glob, "a*"))
        XCTAssertEqual(try parsed("proc.name endswith.sh"), comparison("proc.name", .endswith, ".sh"))
        XCTAssertEqual(try parsed("x.y<=3"), comparison("x.y", .lessOrEqual, "3"))
        XCTAssertEqual(try parsed("x.y>=3"), comparison("x.y", .greaterOrEqual, "3"))
        XCTAssertEqual(try parsed("x.y<3"), comparison("x.y", .less, "3"))
        XCTAssertEqual(try parsed("x.y>3"), comparison("x.y", .greater, "3"))
        XCTAssertEqual(try parsed("x.y!=3"), comparison("x.y", .notEqual, "3"))
        XCTAssertEqual(try parsed("x.y=3"), comparison("x.y", .equal, "3"))
    }

    func testSetOperatorsAndExistsAreKeywords() throws {
        XCTAssertEqual(try parsed("x.y in(a)"), comparison("x.y", .in, "a"))
        XCTAssertEqual(try parsed("x.y pmatch(/a)"), comparison("x.y", .pmatch, "/a"))
        XCTAssertEqual(try parsed("x.y exists and a.a=1"), .and(comparison("x.y", .exists), a))
        XCTAssertEqual(syntaxError("x.y inx (a)")?.message,
                       "5: syntax error, unexpected 'inx', expecting \(expectingAfterFieldName)")
        XCTAssertEqual(syntaxError("x.y existsx")?.message,
                       "5: syntax error, unexpected 'existsx', expecting \(expectingAfterFieldName)")
    }

    func testExistsTakesNoValue() {
        XCTAssertEqual(syntaxError("x.y exists 1")?.message, "12: syntax error, unexpected '1', expecting 'or', 'and'")
    }

    // MARK: Keywords and macro references

    func testBareWordsAreMacroReferences() throws {
        XCTAssertEqual(try parsed("my_macro"), macro("my_macro"))
        XCTAssertEqual(try parsed("m1 and not m2 or m3"), .or(.and(macro("m1"), .not(macro("m2"))), macro("m3")))
        XCTAssertEqual(try parsed("a.a=1 and (m)"), .and(a, macro("m")))
    }

    func testKeywordsWhereAnOperandIsExpectedAreMacroReferences() throws {
        XCTAssertEqual(try parsed("a.a=1 and not"), .and(a, macro("not")))
        XCTAssertEqual(try parsed("not"), macro("not"))
        XCTAssertEqual(try parsed("and"), macro("and"))
        XCTAssertEqual(try parsed("m and or"), .and(macro("m"), macro("or")))
    }

    func testKeywordsNeedABoundaryAndAreLowercase() throws {
        XCTAssertEqual(try parsed("notx.y = 1"), comparison("notx.y", .equal, "1"))
        XCTAssertEqual(try parsed("nota"), macro("nota"))
        XCTAssertEqual(try parsed("not(m)"), .not(macro("m")))
        XCTAssertEqual(try parsed("m and(n)"), .and(macro("m"), macro("n")))
        XCTAssertEqual(syntaxError("a andd b")?.message, "3: syntax error, unexpected 'andd', expecting 'or', 'and'")
        XCTAssertEqual(syntaxError("a AND b")?.message, "3: syntax error, unexpected 'AND', expecting 'or', 'and'")
    }

    // MARK: Whitespace and comments

    func testWhitespaceOfEveryKindSeparatesTokens() throws {
        XCTAssertEqual(try parsed(" \t\n a.a=1\r\n\tand\u{0B}b.b=2\u{0C} "), .and(a, b))
    }

    func testTextWithoutExpressionGivesNil() throws {
        for text in ["", "   ", "\n\t \r", "#", "# a comment", "   # indented comment", "\n\t# a.b = (", "#a.a=1 and"] {
            XCTAssertNil(try ConditionParser.parse(text), text.debugDescription)
        }
    }

    func testLeadingHashSwallowsEveryLine() throws {
        XCTAssertNil(try ConditionParser.parse("# comment\nproc.name = x"))
    }

    func testHashAfterTheStartIsASyntaxError() {
        XCTAssertEqual(syntaxError("a.b=1 #")?.message, "7: syntax error, unexpected '#', expecting 'or', 'and'")
        XCTAssertEqual(syntaxError("a.b = x # note")?.message, "9: syntax error, unexpected '#', expecting 'or', 'and'")
    }
}

/// And/or chains are n-ary nodes that map one to one onto Falco's left-nested binary trees (issue 13:
/// a 100,000-term chain must not be a 100,000-deep tree).
final class ChainShapeTests: XCTestCase {
    private let a = comparison("a.a", .equal, "1")
    private let b = comparison("b.b", .equal, "2")
    private let c = comparison("c.c", .equal, "3")

    func testAChainIsOneNodeWhateverItsLength() throws {
        let terms = (0..<100_000).map { "f.x = \($0)" }
        guard case .and(let operands) = try parsed(terms.joined(separator: " and ")) else { return XCTFail("not an and") }
        XCTAssertEqual(operands.count, 100_000)
        XCTAssertEqual(operands.last, comparison("f.x", .equal, "99999"))
    }

    func testALeadingParenthesisedChainOfTheSameKindJoinsIt() throws {
        XCTAssertEqual(try parsed("(a.a=1 and b.b=2) and c.c=3"), .and([a, b, c]))
        XCTAssertEqual(try parsed("a.a=1 and (b.b=2 and c.c=3)"), .and([a, .and([b, c])]))
        XCTAssertEqual(try parsed("(a.a=1 or b.b=2) and c.c=3"), .and([.or([a, b]), c]))
    }

    func testNotChainsAreBoundedByTheNestingLimit() {
        let error = syntaxError(String(repeating: "not ", count: 100_000) + "a.a=1")
        XCTAssertEqual(error?.message, "801: syntax error, expression nested too deeply (more than 200 levels of parentheses and 'not')")
    }

    func testAVeryLongUnexpectedTokenIsQuotedByItsBeginning() {
        let word = String(repeating: "w", count: 10_000)
        let error = syntaxError("a.a=1 " + word)
        XCTAssertEqual(error?.message, "7: syntax error, unexpected '\(String(repeating: "w", count: 200))…', expecting 'or', 'and'")
    }
}
