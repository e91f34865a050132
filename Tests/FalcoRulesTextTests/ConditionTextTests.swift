import ConditionLanguage
import FalcoRulesText
import XCTest

/// Every token `ConditionText` writes is read back by the condition grammar (falco-rules.md §6.2) as
/// the value it was written for; values no token can carry are refused.
final class ConditionTextTests: XCTestCase {
    private func values(in condition: String, file: StaticString = #filePath, line: UInt = #line) throws -> [String]? {
        guard case .comparison(let comparison)? = try ConditionParser.parse(condition) else {
            XCTFail("\(shown(condition)) is not one comparison", file: file, line: line)
            return nil
        }
        return comparison.values
    }

    /// Values that both quote characters (outside escapes) or a trailing lone backslash make unwritable.
    private let unwritable: Set<String> = ["a'b\"c", "it's \"quoted\"", "\\", "a\\"]

    func testEveryTokenReadsBackAsItsValueAloneAndInAList() throws {
        for value in TrickyValues.all where !unwritable.contains(value) {
            let token = try XCTUnwrap(ConditionText.token(value), shown(value))
            XCTAssertEqual(try values(in: "a.b = \(token)"), [value], "\(shown(value)) written as \(shown(token))")
            XCTAssertEqual(try values(in: "a.b in (x,\(token),y)"), ["x", value, "y"], "\(shown(value)) written as \(shown(token))")
            XCTAssertEqual(try values(in: "a.b in (\(token))"), [value], "\(shown(value)) written as \(shown(token))")
        }
    }

    func testEveryQuotedValueReadsBackAsItsValue() throws {
        for value in TrickyValues.all where !unwritable.contains(value) {
            let quoted = try XCTUnwrap(ConditionText.quoted(value), shown(value))
            XCTAssertTrue(quoted.hasPrefix("\"") || quoted.hasPrefix("'"), quoted)
            XCTAssertEqual(try values(in: "a.b startswith \(quoted)"), [value], "\(shown(value)) written as \(shown(quoted))")
        }
    }

    func testBareOnlyWhereTheGrammarCannotMisreadTheWord() {
        for word in ["nginx", "/var/log", "*", "acme/lvm", "_x", "a.b:c@d+e-f", "NET_BIND_SERVICE", "system:serviceaccount:a:b"] {
            XCTAssertEqual(ConditionText.token(word), word)
        }
        // Numbers (`012` → 12, `0x10` → 16), words the grammar trims or splits, and operator words.
        XCTAssertEqual(ConditionText.token("012"), "\"012\"")
        XCTAssertEqual(ConditionText.token("0x10"), "\"0x10\"")
        XCTAssertEqual(ConditionText.token("10.0.0.1:5000/app"), "\"10.0.0.1:5000/app\"")
        XCTAssertEqual(ConditionText.token("x y"), "\"x y\"")
        XCTAssertEqual(ConditionText.token("x=y"), "\"x=y\"")
        XCTAssertEqual(ConditionText.token("and"), "\"and\"")
        XCTAssertEqual(ConditionText.token(""), "\"\"")
    }

    /// Falco does not unescape: a backslash only hides the next character from the closing-quote search.
    func testQuotePreferenceAndBackslashes() {
        XCTAssertEqual(ConditionText.quoted("x"), "\"x\"")
        XCTAssertEqual(ConditionText.quoted("o\"brien"), "'o\"brien'")
        XCTAssertEqual(ConditionText.quoted("a\\\"b"), "\"a\\\"b\"", "an escaped quote does not end the string")
        XCTAssertEqual(ConditionText.quoted("a\\\\"), "\"a\\\\\"", "an even run of backslashes leaves the quote alone")
        for value in unwritable {
            XCTAssertNil(ConditionText.token(value), shown(value))
            XCTAssertNil(ConditionText.quoted(value), shown(value))
        }
    }

    func testJevtValueFieldsEscapeThePointerAndReadBackAsOneField() throws {
        let field = try XCTUnwrap(ConditionText.jevtValue(["requestObject", "metadata", "annotations",
                                                           "seccomp.security.alpha.kubernetes.io/pod", "a~b"]))
        XCTAssertEqual(field, "jevt.value[/requestObject/metadata/annotations/seccomp.security.alpha.kubernetes.io~1pod/a~0b]")
        guard case .comparison(let comparison)? = try ConditionParser.parse("\(field) = x") else { return XCTFail(field) }
        XCTAssertEqual(comparison.field, field)
        XCTAssertEqual(ConditionText.jevtValue(["spec", "volumes", "0", "csi"]), "jevt.value[/spec/volumes/0/csi]")
        // No field index can hold these (§6.2), and an empty pointer is no index at all.
        for keys in [["a b"], ["a]b"], ["a:b"], ["ü"], []] {
            XCTAssertNil(ConditionText.jevtValue(keys), "\(keys)")
        }
    }
}
