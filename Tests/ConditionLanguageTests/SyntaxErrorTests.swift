import ConditionLanguage
import XCTest

/// Falco's syntax-error messages (falco-rules.md §6.6): farthest-failure position, unexpected token,
/// expected tokens most recently tried first.
final class SyntaxErrorTests: XCTestCase {
    private func assertSyntaxError(_ text: String, _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        guard let error = syntaxError(text, file: file, line: line) else { return }
        XCTAssertEqual(error.message, message, text.debugDescription, file: file, line: line)
        XCTAssertEqual(error.description, message, file: file, line: line)
        XCTAssertTrue(message.hasPrefix("\(error.position): "), "position \(error.position)", file: file, line: line)
    }

    // MARK: The examples table of §6.6

    func testSpecificationExamples() {
        assertSyntaxError("proc.name == foo", "12: syntax error, unexpected '=', expecting \(expectingValue)")
        assertSyntaxError("fd.sip = 1.2.3.4", "13: syntax error, unexpected '.3', expecting 'or', 'and'")
        assertSyntaxError("a.b = c and", "12: syntax error, unexpected 'EOF', expecting \(expectingOperand)")
        assertSyntaxError("a.b bcontains x", "5: syntax error, unexpected 'bcontains', expecting \(expectingAfterFieldName)")
        assertSyntaxError("a.b[a:b] = x", "4: syntax error, unexpected '[', expecting \(expectingAfterFieldName)")
        assertSyntaxError("a.b in x", "8: syntax error, unexpected 'x', expecting '('")
        assertSyntaxError("a.b in (x y)", "11: syntax error, unexpected 'y', expecting ')', ','")
        assertSyntaxError("(a.b = c", "9: syntax error, unexpected 'EOF', expecting ')', 'or', 'and'")
        assertSyntaxError("a = b", "3: syntax error, unexpected '=', expecting 'or', 'and'")
        assertSyntaxError("a.b = x # note", "9: syntax error, unexpected '#', expecting 'or', 'and'")
        assertSyntaxError(#"a.b = "x"y"#, "10: syntax error, unexpected 'y', expecting 'or', 'and'")
    }

    // MARK: The situations table of §6.6, one text per situation

    func testWhereAnOperandMustStart() {
        assertSyntaxError(")", "1: syntax error, unexpected ')', expecting \(expectingOperand)")
        assertSyntaxError("  )", "3: syntax error, unexpected ')', expecting \(expectingOperand)")
        assertSyntaxError("a and )", "7: syntax error, unexpected ')', expecting \(expectingOperand)")
        assertSyntaxError("a or )", "6: syntax error, unexpected ')', expecting \(expectingOperand)")
        assertSyntaxError("( )", "3: syntax error, unexpected ')', expecting \(expectingOperand)")
        assertSyntaxError("a.b = 1 and 1", "13: syntax error, unexpected '1', expecting \(expectingOperand)")
    }

    func testAfterNotTheWordFallsBackToAMacroReference() {
        // When the operand of `not` fails, Falco's grammar re-reads `not` as a macro reference, which then
        // tries `and`/`or` at the same place: those two join the list (the §6.6 table omits them).
        assertSyntaxError("not )", "5: syntax error, unexpected ')', expecting 'or', 'and', \(expectingOperand)")
    }

    func testAfterAFieldName() {
        assertSyntaxError("a.b c", "5: syntax error, unexpected 'c', expecting \(expectingAfterFieldName)")
        assertSyntaxError("a.b", "4: syntax error, unexpected 'EOF', expecting \(expectingAfterFieldName)")
    }

    func testAfterARelationalOperator() {
        assertSyntaxError("a.b = )", "7: syntax error, unexpected ')', expecting \(expectingValue)")
        assertSyntaxError("a.b =", "6: syntax error, unexpected 'EOF', expecting \(expectingValue)")
        assertSyntaxError("a.b contains", "13: syntax error, unexpected 'EOF', expecting \(expectingValue)")
    }

    func testAfterASetOperator() {
        assertSyntaxError("a.b intersects x", "16: syntax error, unexpected 'x', expecting '('")
        assertSyntaxError("a.b pmatch", "11: syntax error, unexpected 'EOF', expecting '('")
    }

    func testInsideAList() {
        assertSyntaxError("a.b in (", "9: syntax error, unexpected 'EOF', expecting \(expectingListValue)")
        assertSyntaxError("a.b in (x,", "11: syntax error, unexpected 'EOF', expecting \(expectingListValue)")
        assertSyntaxError("a.b in (x, y", "13: syntax error, unexpected 'EOF', expecting \(expectingListValue)")
        assertSyntaxError("a.b in (x", "10: syntax error, unexpected 'EOF', expecting ')', ','")
    }

    func testAfterACompleteOperand() {
        assertSyntaxError("a.b = 1 )", "9: syntax error, unexpected ')', expecting 'or', 'and'")
        assertSyntaxError("(a.b = 1 x", "10: syntax error, unexpected 'x', expecting ')', 'or', 'and'")
        assertSyntaxError("not (a.b = 1", "13: syntax error, unexpected 'EOF', expecting ')', 'or', 'and'")
    }

    // MARK: `==` and other operators that are not in the grammar

    func testDoubleEqualsIsASyntaxError() {
        assertSyntaxError("proc.name==foo", "11: syntax error, unexpected '=', expecting \(expectingValue)")
        assertSyntaxError("proc.name == 1", "12: syntax error, unexpected '=', expecting \(expectingValue)")
    }

    func testOperatorsLaterFalcoVersionsAddedAreSyntaxErrors() {
        assertSyntaxError("a.b bstartswith x", "5: syntax error, unexpected 'bstartswith', expecting \(expectingAfterFieldName)")
        assertSyntaxError("a.b exists x", "12: syntax error, unexpected 'x', expecting 'or', 'and'")
    }

    // MARK: The unexpected token

    func testUnexpectedTokenIsAWordANumberAQuotedStringOrOneCharacter() {
        assertSyntaxError("a.b = 1 foo_bar9 x", "9: syntax error, unexpected 'foo_bar9', expecting 'or', 'and'")
        assertSyntaxError("a.b = 1 0x1F x", "9: syntax error, unexpected '0x1F', expecting 'or', 'and'")
        assertSyntaxError(#"a.b = 1 "q q" x"#, #"9: syntax error, unexpected '"q q"', expecting 'or', 'and'"#)
        assertSyntaxError("a.b = 1 12abc", "9: syntax error, unexpected '1', expecting 'or', 'and'")
        assertSyntaxError("a.b = 1 !x", "9: syntax error, unexpected '!', expecting 'or', 'and'")
    }

    func testPositionsAreByteOffsets() {
        // "é" is two bytes in UTF-8; Falco counts bytes.
        assertSyntaxError("x.y = é x", "10: syntax error, unexpected 'x', expecting 'or', 'and'")
        // Falco prints the lone first byte of a multi-byte character; we print the whole character.
        assertSyntaxError("é", "1: syntax error, unexpected 'é', expecting \(expectingOperand)")
    }

    // MARK: Bad input never crashes

    func testDeepNestingIsAClearErrorNotACrash() throws {
        let limit = 200
        let nested = String(repeating: "(", count: limit) + "a.b=1" + String(repeating: ")", count: limit)
        XCTAssertEqual(try parsed(nested), comparison("a.b", .equal, "1"))
        let nots = String(repeating: "not ", count: limit) + "a.b=1"
        XCTAssertNotNil(try ConditionParser.parse(nots))

        let tooDeep = "(" + nested + ")"
        let error = try XCTUnwrap(syntaxError(tooDeep))
        XCTAssertEqual(error.position, limit + 1)
        XCTAssertEqual(error.message,
                       "\(limit + 1): syntax error, expression nested too deeply (more than 200 levels of parentheses and 'not')")
        XCTAssertNotNil(syntaxError(String(repeating: "not (", count: 150) + "m" + String(repeating: ")", count: 150)))
        XCTAssertNotNil(syntaxError(String(repeating: "(", count: 100_000)))
    }

    func testArbitraryBytesEitherParseOrGiveASyntaxError() {
        var generator = SplitMix64(seed: 0x5EED)
        let alphabet = Array("ab.xy[]0:1,()=!<>\"'\\# \t\nnotandorinexists".utf8) + [0xC3, 0xA9]
        for _ in 0..<5_000 {
            let length = Int(generator.next() % 24)
            let bytes = (0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
            let text = String(decoding: bytes, as: UTF8.self)
            do {
                _ = try ConditionParser.parse(text)
            } catch {
                XCTAssertTrue(error.message.hasPrefix("\(error.position): syntax error, unexpected '"), error.message)
                XCTAssertTrue((1...text.utf8.count + 1).contains(error.position), error.message)
            }
        }
    }
}
