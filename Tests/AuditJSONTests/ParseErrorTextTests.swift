import XCTest
@testable import AuditJSON

/// Error texts and offsets as nlohmann/json v3.3.0 reports them (k8s-audit-fields.md §1.5–1.6).
final class ParseErrorTextTests: XCTestCase {
    let prefix = "[json.exception.parse_error.101] parse error at "

    func testEveryExampleOfTheSpec() {
        assertRejected("", prefix + "1: syntax error - unexpected end of input; expected '[', '{', or a literal")
        assertRejected("{", prefix + "2: syntax error - unexpected end of input; expected string literal")
        assertRejected("abc", prefix + "1: syntax error - invalid literal; last read: 'a'")
        assertRejected(#"{"kind": "Ev"#, prefix + #"13: syntax error - invalid string: missing closing quote; last read: '"Ev'"#)
        assertRejected("[1,]", prefix + "4: syntax error - unexpected ']'; expected '[', '{', or a literal")
        assertRejected(#"{"a":1}}"#, prefix + "8: syntax error - unexpected '}'; expected end of input")
        assertRejected("{} {}", prefix + "4: syntax error - unexpected '{'; expected end of input")
        assertRejected("{'kind':'Event'}", prefix + "2: syntax error - invalid literal; last read: '{''; expected string literal")
    }

    func testNumberOverflowIsAnOutOfRangeError() {
        assertRejected("1e400", "[json.exception.out_of_range.406] number overflow parsing '1e400'")
        assertRejected(#"{"a":[-1e400]}"#, "[json.exception.out_of_range.406] number overflow parsing '-1e400'")
        XCTAssertEqual(rejection("1e400")?.category, .numberOverflow)
        XCTAssertEqual(rejection("[1,]")?.category, .syntax)
    }

    func testAnOverflowingNumberWhereNoValueIsExpectedIsJustUnexpected() {
        assertRejected("[1 1e400]", prefix + "8: syntax error - unexpected number literal; expected ']'")
    }

    func testStructuralErrorsNameTheExpectedToken() {
        assertRejected("[1 2]", prefix + "4: syntax error - unexpected number literal; expected ']'")
        assertRejected(#"{"a" 1}"#, prefix + "6: syntax error - unexpected number literal; expected ':'")
        assertRejected(#"{"a":1,}"#, prefix + "8: syntax error - unexpected '}'; expected string literal")
        assertRejected(#"{"a":1 "b":2}"#, prefix + "10: syntax error - unexpected string literal; expected '}'")
        assertRejected("[1,2", prefix + "5: syntax error - unexpected end of input; expected ']'")
        assertRejected(#"{"a""#, prefix + "5: syntax error - unexpected end of input; expected ':'")
        assertRejected(#"{"a":"#, prefix + "6: syntax error - unexpected end of input; expected '[', '{', or a literal")
        assertRejected(" ", prefix + "2: syntax error - unexpected end of input; expected '[', '{', or a literal")
        assertRejected("[,1]", prefix + "2: syntax error - unexpected ','; expected '[', '{', or a literal")
        assertRejected(#"{"a":}"#, prefix + "6: syntax error - unexpected '}'; expected '[', '{', or a literal")
        assertRejected("01", prefix + "2: syntax error - unexpected number literal; expected end of input")
        assertRejected("true false", prefix + "10: syntax error - unexpected false literal; expected end of input")
        assertRejected(#"[1]"x""#, prefix + "6: syntax error - unexpected string literal; expected end of input")
    }

    func testLiteralErrorsShowEverythingReadSinceTheLastStringOrNumber() {
        assertRejected("tru", prefix + "4: syntax error - invalid literal; last read: 'tru'")
        assertRejected("nul!", prefix + "4: syntax error - invalid literal; last read: 'nul!'")
        assertRejected("[true, fals]", prefix + "12: syntax error - invalid literal; last read: '[true, fals]'")
        assertRejected(#"{"a":1,'b'}"#, prefix + "8: syntax error - invalid literal; last read: '1,''; expected string literal")
        assertRejected("[1 x]", prefix + "4: syntax error - invalid literal; last read: '1 x'; expected ']'")
        assertRejected("truex", prefix + "5: syntax error - invalid literal; last read: 'truex'; expected end of input")
    }

    func testStringLexerErrors() {
        assertRejected("[\"a\u{01}\"]",
                       prefix + "4: syntax error - invalid string: control character must be escaped; last read: '\"a<U+0001>'")
        assertRejected("\"a\nb\"",
                       prefix + "3: syntax error - invalid string: control character must be escaped; last read: '\"a<U+000A>'")
        assertRejected(#""\x""#,
                       prefix + #"3: syntax error - invalid string: forbidden character after backslash; last read: '"\x'"#)
        assertRejected(#""\"#,
                       prefix + #"3: syntax error - invalid string: forbidden character after backslash; last read: '"\'"#)
        assertRejected(#""\u12G4""#,
                       prefix + #"6: syntax error - invalid string: '\u' must be followed by 4 hex digits; last read: '"\u12G'"#)
        assertRejected(#""\u12"#,
                       prefix + #"6: syntax error - invalid string: '\u' must be followed by 4 hex digits; last read: '"\u12'"#)
        assertRejected(#""\uD800""#, prefix + "8: syntax error - invalid string: surrogate U+DC00..U+DFFF must be "
                       + #"followed by U+DC00..U+DFFF; last read: '"\uD800"'"#)
        assertRejected(#""\uD800\n""#, prefix + "9: syntax error - invalid string: surrogate U+DC00..U+DFFF must be "
                       + #"followed by U+DC00..U+DFFF; last read: '"\uD800\n'"#)
        assertRejected(#""\uD800\u0041""#, prefix + "13: syntax error - invalid string: surrogate U+DC00..U+DFFF must be "
                       + #"followed by U+DC00..U+DFFF; last read: '"\uD800\u0041'"#)
        assertRejected(#""\uDC00""#, prefix + "7: syntax error - invalid string: surrogate U+DC00..U+DFFF must follow "
                       + #"U+D800..U+DBFF; last read: '"\uDC00'"#)
        assertRejected(#"{"a":1,"b\q":2}"#, prefix + "11: syntax error - invalid string: forbidden character after "
                       + #"backslash; last read: '"b\q'; expected string literal"#)
    }

    func testInvalidUTF8InStringsIsRejectedAtTheOffendingByte() {
        let cases: [(bytes: [UInt8], offset: Int)] = [
            ([0x22, 0xC3, 0x28, 0x22], 3),        // lead byte without continuation
            ([0x22, 0xFF, 0x22], 2),              // never valid
            ([0x22, 0xC0, 0x80, 0x22], 2),        // overlong NUL
            ([0x22, 0xE0, 0x80, 0x80, 0x22], 3),  // overlong 3-byte form
            ([0x22, 0xED, 0xA0, 0x80, 0x22], 3),  // UTF-8 encoded surrogate
            ([0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], 3),  // above U+10FFFF
            ([0x22, 0xF0, 0x9F, 0x98], 5),        // truncated by the end of input
            ([0x22, 0x80, 0x22], 2),              // stray continuation byte
        ]
        for (bytes, offset) in cases {
            guard let error = rejection(bytes) else { continue }
            XCTAssertEqual(error.offset, offset, "\(bytes)")
            XCTAssertTrue(error.message.hasPrefix("syntax error - invalid string: ill-formed UTF-8 byte; last read: '\""),
                          error.message)
        }
    }

    func testNumberLexerErrors() {
        assertRejected("-", prefix + "2: syntax error - invalid number; expected digit after '-'; last read: '-'")
        assertRejected("[-a]", prefix + "3: syntax error - invalid number; expected digit after '-'; last read: '-a'")
        assertRejected("1.", prefix + "3: syntax error - invalid number; expected digit after '.'; last read: '1.'")
        assertRejected("1.e5", prefix + "3: syntax error - invalid number; expected digit after '.'; last read: '1.e'")
        assertRejected("1e", prefix + "3: syntax error - invalid number; expected '+', '-', or digit after exponent; last read: '1e'")
        assertRejected("1e+", prefix + "4: syntax error - invalid number; expected digit after exponent sign; last read: '1e+'")
        assertRejected("+1", prefix + "1: syntax error - invalid literal; last read: '+'")
        assertRejected(".5", prefix + "1: syntax error - invalid literal; last read: '.'")
    }

    func testByteOrderMark() {
        XCTAssertEqual(try JSONDocument(parsing: [0xEF, 0xBB, 0xBF] + Array("{}".utf8)).root.kind, .object)
        guard let error = rejection([0xEF, 0xBB, 0x7B, 0x7D]) else { return }
        XCTAssertEqual(error.offset, 3)
        XCTAssertTrue(error.message.hasPrefix("syntax error - invalid BOM; must be 0xEF 0xBB 0xBF if given; last read: '"))
    }

    /// pspctl deviation: nlohmann 3.3.0 treats a NUL byte as the end of the input; here it is an error.
    func testNulByteOutsideStringsIsRejected() {
        guard let error = rejection([0x7B, 0x7D, 0x00]) else { return }
        XCTAssertEqual(error.description, prefix + "3: syntax error - invalid literal; last read: '{}<U+0000>'; expected end of input")
    }

    func testCustomErrorValuesKeepTheSyntaxCategory() {
        let error = JSONParseError(offset: 3, message: "syntax error - x")
        XCTAssertEqual(error.category, .syntax)
        XCTAssertEqual(error.description, prefix + "3: syntax error - x")
    }
}
