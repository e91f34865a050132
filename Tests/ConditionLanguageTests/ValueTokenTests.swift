import ConditionLanguage
import XCTest

/// Value tokens and their conversion (falco-rules.md §6.2, §6.4), field names with indexes (§6.2,
/// §6.5) and the list syntax (§6.3).
final class ValueTokenTests: XCTestCase {
    // MARK: Numbers

    func testNumbersAreRePrintedTheLuaWay() throws {
        let conversions = [
            "0x10": "16", "0X1f": "31", "1e3": "1000", "1E+3": "1000", "2e-3": "0.002", "007": "7", "5.": "5",
            ".5": "0.5", "1.50": "1.5", "1e400": "inf", "1e-400": "0", "1e-5": "1e-05", "42": "42",
            "123456789012345": "1.2345678901235e+14", "12345678901234": "12345678901234",
            "0.1": "0.1", "100000000000000": "1e+14",
        ]
        for (token, text) in conversions {
            XCTAssertEqual(try valueOfEquality(token), text, token)
        }
    }

    func testNumbersInListsAreConvertedToo() throws {
        XCTAssertEqual(try valuesOfList("(1, 0x10, 1e3, 007)"), ["1", "16", "1000", "7"])
    }

    func testDigitsRunningIntoLettersAreBareStrings() throws {
        for token in ["12abc", "0x1g", "0xg", "1.5e", "1e5x", "1_000", "-1", "+5"] {
            XCTAssertEqual(try valueOfEquality(token), token, token)
        }
    }

    func testValuesStartingWithADigitMustBeQuoted() {
        // A number ends where its shape ends; what follows is junk (falco-rules.md §6.6).
        XCTAssertEqual(syntaxError("fd.sip = 1.2.3.4")?.message,
                       "13: syntax error, unexpected '.3', expecting 'or', 'and'")
        XCTAssertEqual(syntaxError("fd.net != 10.0.0.0/8")?.message,
                       "15: syntax error, unexpected '.0', expecting 'or', 'and'")
        XCTAssertEqual(syntaxError("x.y = 1:30")?.message, "8: syntax error, unexpected ':', expecting 'or', 'and'")
        XCTAssertEqual(syntaxError("x.y = 1-2")?.message, "8: syntax error, unexpected '-', expecting 'or', 'and'")
    }

    // MARK: Strings

    func testQuotedStringsKeepTheirRawInnerText() throws {
        XCTAssertEqual(try valueOfEquality(#""a b""#), "a b")
        XCTAssertEqual(try valueOfEquality("'single'"), "single")
        XCTAssertEqual(try valueOfEquality(#"" padded ""#), " padded ", "no trimming")
        XCTAssertEqual(try valueOfEquality(#""""#), "")
        XCTAssertEqual(try valueOfEquality(#""0x10""#), "0x10", "a quoted number stays text")
        XCTAssertEqual(try valueOfEquality(#""127.0.0.0/8""#), "127.0.0.0/8")
        XCTAssertEqual(try valueOfEquality(#""it's""#), "it's")
        XCTAssertEqual(try valueOfEquality(#"'say "hi"'"#), #"say "hi""#)
    }

    func testBackslashHidesTheNextCharacterButIsNotUnescaped() throws {
        XCTAssertEqual(try valueOfEquality(#""a\"b""#), #"a\"b"#)
        XCTAssertEqual(try valueOfEquality(#"'a\'b'"#), #"a\'b"#)
        XCTAssertEqual(try valueOfEquality(#""C:\\""#), #"C:\\"#)
    }

    func testAnUnterminatedQuoteIsPartOfABareString() throws {
        XCTAssertEqual(try valueOfEquality(#""abc"#), #""abc"#)
    }

    func testTextRightAfterAClosingQuoteIsASyntaxError() {
        XCTAssertEqual(syntaxError(#"a.b = "x"y"#)?.message, "10: syntax error, unexpected 'y', expecting 'or', 'and'")
    }

    // MARK: Bare strings

    func testBareStringsStopOnlyAtSpaceParenthesesCommaAndEquals() throws {
        XCTAssertEqual(try valueOfEquality(#"a"b'c#d!e<f>g*h/i[j]"#), #"a"b'c#d!e<f>g*h/i[j]"#)
        XCTAssertEqual(try valueOfEquality("héllo→wörld"), "héllo→wörld")
        XCTAssertEqual(try parsed("(x.y = a)"), comparison("x.y", .equal, "a"))
        XCTAssertEqual(try valuesOfList("(a,b)"), ["a", "b"])
        XCTAssertEqual(syntaxError("x.y = a=b")?.message, "8: syntax error, unexpected '=', expecting 'or', 'and'")
    }

    func testATabDoesNotEndABareString() throws {
        XCTAssertEqual(syntaxError("proc.name=foo\tand x.y=1")?.message,
                       "19: syntax error, unexpected 'x', expecting 'or', 'and'")
        XCTAssertEqual(try parsed("proc.name=foo\tand"), comparison("proc.name", .equal, "foo\tand"))
    }

    func testBareStringsAreTrimmedOfTrailingWhitespace() throws {
        XCTAssertEqual(try parsed("proc.name=foo\n and x.y=1"),
                       .and(comparison("proc.name", .equal, "foo"), comparison("x.y", .equal, "1")))
        XCTAssertEqual(try parsed("proc.name = foo\t\r\n"), comparison("proc.name", .equal, "foo"))
    }

    // MARK: Field names and indexes

    func testFieldNames() throws {
        for field in ["proc.name", "ka.req.pod.containers.image[0]", "x.y[1:2,3]", "jevt.value[/user/extra]",
                      "container.mount.dest[/var/run/docker.sock]", "x.y[/proc*]", "x.y[x-y]", "x.y[a?b~c_d]",
                      "ka.uri.param[name]", "evt.arg.flags", "a..b", "a.", "_a.b_2"] {
            XCTAssertEqual(try parsed("\(field) = 1"), comparison(field, .equal, "1"), field)
            XCTAssertEqual(try parsed("\(field) exists"), comparison(field, .exists), field)
        }
    }

    func testMalformedIndexesLeaveABracketThatIsASyntaxError() {
        for index in ["[0abc]", "[1.2]", "[a:b]", "[a b]", "[]", "[/a"] {
            XCTAssertEqual(syntaxError("x.y\(index) = 1")?.message,
                           "4: syntax error, unexpected '[', expecting \(expectingAfterFieldName)", index)
        }
        XCTAssertEqual(syntaxError("x.y [0] = 1")?.message,
                       "5: syntax error, unexpected '[', expecting \(expectingAfterFieldName)", "no space before [")
    }

    func testAFieldSegmentCannotStartWithADigit() {
        XCTAssertEqual(syntaxError("a.1b = 1")?.message,
                       "3: syntax error, unexpected '1', expecting \(expectingAfterFieldName)")
    }

    // MARK: Lists

    func testListSyntaxQuirks() throws {
        XCTAssertEqual(try valuesOfList("()"), [])
        XCTAssertEqual(try valuesOfList("( )"), [])
        XCTAssertEqual(try valuesOfList("(,a)"), ["a"])
        XCTAssertEqual(try valuesOfList("(a,,b)"), ["a", "b"])
        XCTAssertEqual(try valuesOfList("(a,)"), ["a"])
        XCTAssertEqual(try valuesOfList("(a, b c)"), ["a", "b", "c"])
        XCTAssertEqual(try valuesOfList("(a,b,c)"), ["a", "b", "c"])
        XCTAssertEqual(try valuesOfList(#"(1, "a b", 0x10, c, 'd')"#), ["1", "a b", "16", "c", "d"])
    }

    func testListErrors() {
        XCTAssertEqual(syntaxError("a.b in (x y)")?.message, "11: syntax error, unexpected 'y', expecting ')', ','")
        XCTAssertEqual(syntaxError("x.y in ((a))")?.message,
                       "9: syntax error, unexpected '(', expecting \(expectingListValue)")
        XCTAssertEqual(syntaxError("x.y in (a=b)")?.message, "10: syntax error, unexpected '=', expecting ')', ','")
    }

    func testASetOperatorNeedsAListAndARelationalOperatorAValue() {
        XCTAssertEqual(syntaxError("proc.name in shells_single_word")?.message,
                       "14: syntax error, unexpected 'shells_single_word', expecting '('")
        XCTAssertEqual(syntaxError("proc.name = (a)")?.message,
                       "13: syntax error, unexpected '(', expecting \(expectingValue)")
    }
}
