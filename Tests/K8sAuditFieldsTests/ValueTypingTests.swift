import K8sAuditFields
import XCTest

/// §2.2.2: every value and literal is typed as range, integer or string, and printed canonically.
final class ValueTypingTests: XCTestCase {
    func testIntegersAreCompleteInt64Texts() {
        let table: [(String, Int64)] = [("12", 12), ("-0", 0), ("+5", 5), (" 12", 12), ("\t\n7", 7), ("007", 7),
                                        ("9223372036854775807", .max), ("-9223372036854775808", .min)]
        for (text, number) in table {
            XCTAssertEqual(K8sValue(classifying: text), .integer(number), text)
        }
    }

    func testStringsAreEverythingElse() {
        for text in ["12 ", "1.0", "0x1A", "", "-", "+", "18446744073709551615", "9223372036854775808", "1:2:3",
                     "system:masters", "12:", ":12", "abc", "<NA>", "1 2", "١٢"] {
            XCTAssertEqual(K8sValue(classifying: text), .string(text), text)
        }
    }

    func testRangesSplitAtTheFirstColon() {
        let table: [(String, Int64, Int64)] = [("1:2", 1, 2), ("01:002", 1, 2), ("-5:-1", -5, -1), ("5:1", 5, 1),
                                               ("1: 2", 1, 2), ("0:0", 0, 0)]
        for (text, low, high) in table {
            XCTAssertEqual(K8sValue(classifying: text), .range(low, high), text)
        }
    }

    func testCanonicalForms() {
        XCTAssertEqual(K8sValue(classifying: "007").canonical, "7")
        XCTAssertEqual(K8sValue(classifying: "+5").canonical, "5")
        XCTAssertEqual(K8sValue(classifying: " 12").canonical, "12")
        XCTAssertEqual(K8sValue(classifying: "01:002").canonical, "1:2")
        XCTAssertEqual(K8sValue(classifying: "-0").canonical, "0")
        XCTAssertEqual(K8sValue(classifying: "-5:-1").canonical, "-5:-1")
        XCTAssertEqual(K8sValue(classifying: "nginx:1.21").canonical, "nginx:1.21")
        XCTAssertEqual(K8sValue.notAvailable.canonical, "<NA>")
    }
}
