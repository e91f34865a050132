import XCTest
@testable import AuditJSON

final class ValueParsingTests: XCTestCase {
    func testScalarsAtTheTopLevel() {
        XCTAssertEqual(parsed("null")?.kind, .null)
        XCTAssertEqual(parsed("true")?.bool, true)
        XCTAssertEqual(parsed(" false ")?.bool, false)
        XCTAssertEqual(parsed("\"x\"")?.string, "x")
        XCTAssertEqual(parsed("\t\r\n 42 \r\n")?.number, .int(42))
        XCTAssertNil(parsed("null")?.bool)
        XCTAssertNil(parsed("1")?.string)
        XCTAssertNil(parsed("\"1\"")?.number)
    }

    func testKindsOfAnAuditEvent() throws {
        let root = try XCTUnwrap(parsed(#"{"kind":"Event","level":"Request","user":{"groups":["a","b"]},"#
                                        + #""responseStatus":{"code":201},"requestObject":null,"ok":true}"#))
        XCTAssertEqual(root.kind, .object)
        XCTAssertEqual(root["kind"]?.string, "Event")
        XCTAssertEqual(root["user"]?["groups"]?.kind, .array)
        XCTAssertEqual(root["user"]?["groups"]?[1]?.string, "b")
        XCTAssertEqual(root["responseStatus"]?["code"]?.number, .int(201))
        XCTAssertEqual(root["requestObject"]?.kind, .null)
        XCTAssertEqual(root["ok"]?.kind, .bool)
        XCTAssertNil(root["absent"])
        XCTAssertNil(root["Kind"], "keys are case-sensitive")
    }

    func testIntegersAtTheBoundsOfInt64AndUInt64() {
        XCTAssertEqual(parsed("9223372036854775807")?.number, .int(.max))
        XCTAssertEqual(parsed("-9223372036854775808")?.number, .int(.min))
        XCTAssertEqual(parsed("9223372036854775808")?.number, .uint(9_223_372_036_854_775_808))
        XCTAssertEqual(parsed("18446744073709551615")?.number, .uint(.max))
        XCTAssertEqual(parsed("18446744073709551616")?.number, .double(18_446_744_073_709_551_616.0))
        XCTAssertEqual(parsed("99999999999999999999")?.number, .double(1e20))
        XCTAssertEqual(parsed("-9223372036854775809")?.number, .double(-9_223_372_036_854_775_809.0))
        XCTAssertEqual(parsed("123456789012345678901234567890")?.number, .double(1.2345678901234568e29))
        XCTAssertEqual(parsed("-0")?.number, .int(0))
        XCTAssertEqual(parsed("0")?.number, .int(0))
    }

    func testDoublesAreCorrectlyRounded() throws {
        XCTAssertEqual(parsed("1e2")?.number, .double(100))
        XCTAssertEqual(parsed("1E+2")?.number, .double(100))
        XCTAssertEqual(parsed("1e-2")?.number, .double(0.01))
        XCTAssertEqual(parsed("0.1")?.number, .double(0.1))
        XCTAssertEqual(parsed("-2.5")?.number, .double(-2.5))
        XCTAssertEqual(parsed("1.0")?.number, .double(1))
        XCTAssertEqual(parsed("3.141592653589793238462643383279")?.number, .double(3.141592653589793))
        XCTAssertEqual(parsed("2.2250738585072014e-308")?.number, .double(2.2250738585072014e-308))
        XCTAssertEqual(parsed("4.9406564584124654e-324")?.number, .double(.leastNonzeroMagnitude))
        XCTAssertEqual(parsed("1.7976931348623157e308")?.number, .double(.greatestFiniteMagnitude))
        XCTAssertEqual(parsed("9007199254740993")?.number, .int(9_007_199_254_740_993), "integers stay exact")
        XCTAssertEqual(parsed("9007199254740993.0")?.number, .double(9_007_199_254_740_992))
        XCTAssertEqual(parsed("0.000000000000000000000000000001")?.number, .double(1e-30))
        XCTAssertEqual(parsed("1e-400")?.number, .double(0), "underflow is not an error")
        guard case .double(let negativeZero)? = parsed("-0.0")?.number else { return XCTFail("-0.0") }
        XCTAssertEqual(negativeZero.sign, .minus)
    }

    func testEscapesAndSurrogatePairsDecode() {
        let root = parsed(#""\"\\\/\b\f\n\r\t\u0041\u00e9\u20AC\ud83d\ude00""#)
        XCTAssertEqual(root?.string, "\"\\/\u{8}\u{C}\n\r\tAé€😀")
        XCTAssertEqual(parsed(#""\u0000""#)?.string, "\u{0}")
        XCTAssertEqual(parsed(#""\uDBFF\uDFFF""#)?.string, "\u{10FFFF}")
        XCTAssertEqual(parsed("\"raw é 😀 \u{7F}\"")?.string, "raw é 😀 \u{7F}")
    }

    func testHugeStringsScanAndDecode() throws {
        let plain = String(repeating: "abcdefghij", count: 1_000_000) + "é"
        let document = try JSONDocument(parsing: "[\"" + plain + "\"]")
        XCTAssertEqual(document.root[0]?.string?.utf8.count, plain.utf8.count)
        XCTAssertTrue(document.root[0]?.stringEquals(plain) ?? false)

        let escaped = String(repeating: #"x\n"#, count: 500_000)
        let escapedDocument = try JSONDocument(parsing: "\"" + escaped + "\"")
        XCTAssertEqual(escapedDocument.root.string, String(repeating: "x\n", count: 500_000))
    }

    func testStringsEndingAtEveryWordOffsetAreFound() {
        // The scanner reads 8 bytes at a time; the closing quote must be found wherever it falls.
        for length in 0..<40 {
            let text = String(repeating: "a", count: length)
            XCTAssertEqual(parsed("\"\(text)\"")?.string, text)
            XCTAssertEqual(rejection("\"\(text)")?.message.hasPrefix("syntax error - invalid string: missing closing quote"),
                           true)
        }
    }

    func testDeepNestingNeedsNoRecursion() throws {
        let depth = 100_000
        let text = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        let document = try JSONDocument(parsing: text)
        XCTAssertEqual(document.root.dump(), text)
        var node = document.root
        for _ in 0..<depth - 1 { node = try XCTUnwrap(node[0]) }
        XCTAssertEqual(node.count, 0)

        let objects = String(repeating: #"{"a":"#, count: depth) + "1" + String(repeating: "}", count: depth)
        XCTAssertEqual(try JSONDocument(parsing: objects).root.dump(), objects)

        let unclosed = String(repeating: "[", count: depth)
        XCTAssertEqual(rejection(unclosed)?.description,
                       "[json.exception.parse_error.101] parse error at \(depth + 1): "
                       + "syntax error - unexpected end of input; expected '[', '{', or a literal")
    }

    func testWhitespaceAroundEveryToken() {
        let root = parsed(" {\n\t\"a\" :\r [ 1 , true ,null , \"x\" ] , \"b\" : { } } \r\n")
        XCTAssertEqual(root?.dump(), #"{"a":[1,true,null,"x"],"b":{}}"#)
    }

    func testEveryKindOfInputCollectionIsAccepted() throws {
        let bytes = Array(#"{"a":[1]}"#.utf8)
        XCTAssertEqual(try JSONDocument(parsing: bytes).root.dump(), #"{"a":[1]}"#)
        XCTAssertEqual(try JSONDocument(parsing: ([0x20] + bytes)[1...]).root.dump(), #"{"a":[1]}"#)
        XCTAssertEqual(try JSONDocument(parsing: bytes.lazy.map { $0 }).root.dump(), #"{"a":[1]}"#, "non-contiguous")
        XCTAssertEqual(try JSONDocument(parsing: #"{"a":[1]}"#[...].utf8).root.dump(), #"{"a":[1]}"#)
    }

    func testNodesKeepTheirDocumentAlive() throws {
        func firstUser() throws -> JSONNode? {
            try JSONDocument(parsing: #"{"users":[{"name":"alice"}]}"#).root["users"]?[0]
        }
        XCTAssertEqual(try firstUser()?["name"]?.string, "alice")
    }

    func testADocumentCanBeReadFromManyThreadsAtOnce() throws {
        let document = try JSONDocument(parsing: #"{"b":[1,2,3],"a":{"x":"\u00e9"},"a":{"y":null}}"#)
        // Each iteration writes only its own slot.
        nonisolated(unsafe) let results = UnsafeMutableBufferPointer<Bool>.allocate(capacity: 64)
        defer { results.deallocate() }
        DispatchQueue.concurrentPerform(iterations: 64) { i in
            results[i] = document.root.dump() == #"{"a":{"y":null},"b":[1,2,3]}"#
                && document.root["b"]?[2]?.number == .int(3)
        }
        XCTAssertTrue(results.allSatisfy { $0 })
    }
}
