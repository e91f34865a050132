import FalcoRulesText
import XCTest
import YAMLKit

/// Every scalar `YAMLText` writes is read back by libyaml as the same text, plain exactly when the
/// writer said so, and never plain when lyaml 6.0 would type it as something other than a string.
final class YAMLTextTests: XCTestCase {
    /// The scalar as libyaml reads it after `key: ` followed by a further key, or as the middle item of
    /// a flow sequence (so neither a swallowed line nor a swallowed item goes unnoticed).
    private func readBack(_ text: String, inFlow: Bool, file: StaticString = #filePath, line: UInt = #line) throws -> YAMLScalar {
        let document = inFlow ? "key: [first, \(text), last]\nnext: 1\n" : "key: \(text)\nnext: 1\n"
        let root = try XCTUnwrap(try YAML.parseDocuments(document).first, file: file, line: line)
        XCTAssertEqual(root["next"]?.scalarText, "1", "scalar swallowed the next key: \(document)", file: file, line: line)
        guard inFlow else { return try XCTUnwrap(root["key"]?.scalar, document, file: file, line: line) }
        let items = try XCTUnwrap(root["key"]?.sequenceItems, document, file: file, line: line)
        XCTAssertEqual(items.count, 3, "items split or merged: \(document)", file: file, line: line)
        XCTAssertEqual(items.first?.scalarText, "first", file: file, line: line)
        XCTAssertEqual(items.last?.scalarText, "last", file: file, line: line)
        return try XCTUnwrap(items.count == 3 ? items[1].scalar : nil, document, file: file, line: line)
    }

    func testEveryTrickyValueReadsBackUnchangedInBlockAndFlowContext() throws {
        for inFlow in [false, true] {
            for value in TrickyValues.all {
                let text = YAMLText.scalar(value, inFlow: inFlow)
                let scalar = try readBack(text, inFlow: inFlow)
                XCTAssertEqual(scalar.value, value, "\(shown(value)) written as \(shown(text)), inFlow: \(inFlow)")
                let plain = YAMLText.isPlain(value, inFlow: inFlow)
                XCTAssertEqual(scalar.isPlain, plain, "\(shown(value)) written as \(shown(text)), inFlow: \(inFlow)")
                XCTAssertEqual(text == value, plain, "a plain scalar is the text itself: \(shown(text))")
            }
        }
    }

    /// lyaml 6.0 types these plain scalars as null, booleans or numbers (falco-rules.md §2.1), or other
    /// YAML 1.1 readers do (`null`, `y`, `n`): they must be quoted to stay strings.
    func testWordsAndNumbersLyamlWouldRetypeAreQuoted() throws {
        for value in TrickyValues.lyamlNonStrings {
            XCTAssertFalse(YAMLText.isPlain(value), shown(value))
            let scalar = try readBack(YAMLText.scalar(value), inFlow: false)
            XCTAssertNotEqual(scalar.style, .plain, shown(value))
            XCTAssertEqual(scalar.value, value)
        }
    }

    /// falcoctl's own texts (conditions with quotes and `:`, outputs with `%`) stay plain, byte for byte.
    func testOrdinaryRuleTextStaysPlain() {
        for value in ["nginx", "(jevt.rawtime exists)", "fd.typechar='f' and fd.num>=0", "a:b", "a#b", "at 50%", "München",
                      "ka.req.pod.containers.host_port in (\"8000:8080\",\"<NA>\")",
                      "Pod Security Policy p validation failure--pod (user=%ka.user.name spec=%jevt.value[/requestObject/spec])"] {
            XCTAssertEqual(YAMLText.scalar(value), value)
        }
        XCTAssertEqual(YAMLText.scalar("kernel.shm_rmid_forced", inFlow: true), "kernel.shm_rmid_forced")
    }

    /// Plain when possible, else single-quoted (readable, `'` doubled), else double-quoted with escapes
    /// for what a single-quoted scalar would fold or libyaml rejects.
    func testQuotingStyleIsSingleUnlessEscapesAreNeeded() {
        XCTAssertEqual(YAMLText.scalar("a: #b"), "'a: #b'")
        XCTAssertEqual(YAMLText.scalar("it's"), "it's")
        XCTAssertEqual(YAMLText.scalar("'x"), "'''x'")
        XCTAssertEqual(YAMLText.scalar("a,b", inFlow: true), "'a,b'")
        XCTAssertEqual(YAMLText.scalar("a,b"), "a,b")
        XCTAssertEqual(YAMLText.scalar(""), "''")
        XCTAssertEqual(YAMLText.scalar("line\nbreak \"q\" \\"), #""line\nbreak \"q\" \\""#)
        XCTAssertEqual(YAMLText.scalar("\u{7}\u{85}\u{2028}\u{FFFF}\t"), #""\x07\x85\u2028\uFFFF\t""#)
    }

    func testOneLineTextExcludesTabsBreaksAndNonPrintables() {
        XCTAssertTrue(YAMLText.fitsOnOneLine("München 日本語 🎉 a'b\"c\\"))
        for value in ["a\tb", "a\nb", "a\rb", "\u{85}", "\u{2028}", "\u{2029}", "\u{7F}", "\u{9B}", "\u{FEFF}", "\u{FFFE}"] {
            XCTAssertFalse(YAMLText.fitsOnOneLine(value), shown(value))
        }
    }
}
