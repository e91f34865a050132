import XCTest
@testable import AuditJSON

/// nlohmann v3.3.0 compact dump (k8s-audit-fields.md §2.2.3).
final class DumpTests: XCTestCase {
    private func assertDump(_ input: String, _ expected: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(parsed(input, file: file, line: line)?.dump(), expected, "input: \(input)", file: file, line: line)
    }

    func testTheSpecExampleSortsKeysRecursively() {
        assertDump(#"{"zeta":"1","alpha":{"b":2,"a":[1,"x",null]}}"#, #"{"alpha":{"a":[1,"x",null],"b":2},"zeta":"1"}"#)
    }

    func testLiteralsAndContainers() {
        assertDump("true", "true")
        assertDump("false", "false")
        assertDump("null", "null")
        assertDump("[ ]", "[]")
        assertDump("{ }", "{}")
        assertDump(#"[ 1 , [ ] , { "a" : { } } ]"#, #"[1,[],{"a":{}}]"#)
        assertDump(#"{"a":1,"a":2}"#, #"{"a":2}"#)
    }

    func testStringEscaping() {
        assertDump(#""\"\\\/\b\f\n\r\t""#, #""\"\\/\b\f\n\r\t""#)
        assertDump(#""\u0000\u0001\u001f\u001F""#, #""\u0000\u0001\u001f\u001f""#)
        assertDump(#""\u007f\u00e9\ud83d\ude00""#, "\"\u{7F}é😀\"")
        assertDump("\"raw é\"", "\"raw é\"")
        assertDump(#"{"k\n":"v"}"#, #"{"k\n":"v"}"#)
    }

    func testIntegers() {
        assertDump("-0", "0")
        assertDump("18446744073709551615", "18446744073709551615")
        assertDump("-9223372036854775808", "-9223372036854775808")
        assertDump("[-1, 0, 1, 9223372036854775807]", "[-1,0,1,9223372036854775807]")
    }

    func testDoublesUseNlohmannLayout() {
        let cases: [(String, String)] = [
            ("1.0", "1.0"), ("100.0", "100.0"), ("1e2", "100.0"), ("0.1", "0.1"), ("0.0001", "0.0001"),
            ("123456789012345.0", "123456789012345.0"), ("-0.0", "-0.0"), ("0.0", "0.0"), ("1e15", "1e+15"),
            ("1e-5", "1e-05"), ("1.5e300", "1.5e+300"), ("1234567890123456.0", "1.234567890123456e+15"),
            ("5e-324", "5e-324"), ("-2.5", "-2.5"), ("12.5e-1", "1.25"), ("0.001234", "0.001234"),
            ("1e100", "1e+100"), ("-1.7976931348623157e308", "-1.7976931348623157e+308"),
            ("18446744073709551616", "1.8446744073709552e+19"), ("999999999999999.9", "999999999999999.9"),
            ("3.0e-4", "0.0003"), ("1e-4", "0.0001"), ("123.456", "123.456"),
        ]
        for (input, expected) in cases { assertDump(input, expected) }
    }

    func testDumpOfANestedNode() throws {
        let root = try XCTUnwrap(parsed(#"{"spec":{"containers":[{"name":"a","image":"x"}]}}"#))
        XCTAssertEqual(root["spec"]?["containers"]?.dump(), #"[{"image":"x","name":"a"}]"#)
        XCTAssertEqual(root["spec"]?["containers"]?[0]?["name"]?.dump(), #""a""#)
    }
}
