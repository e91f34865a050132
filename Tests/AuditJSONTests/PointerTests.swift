import XCTest
@testable import AuditJSON

/// RFC 6901 pointers with nlohmann's error texts (k8s-audit-fields.md §2.1, §2.2.4).
final class PointerTests: XCTestCase {
    private func pointer(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> JSONPointer? {
        do { return try JSONPointer(parsing: text) } catch {
            XCTFail("rejected \(text): \(error)", file: file, line: line)
            return nil
        }
    }

    private func syntaxError(_ text: String) -> String? {
        do {
            _ = try JSONPointer(parsing: text)
            return nil
        } catch {
            return error.description
        }
    }

    func testTokensAreSplitAndUnescaped() {
        XCTAssertEqual(pointer("")?.tokens, [])
        XCTAssertEqual(pointer("/")?.tokens, [""])
        XCTAssertEqual(pointer("//")?.tokens, ["", ""])
        XCTAssertEqual(pointer("/a/b~1c/d~0e")?.tokens, ["a", "b/c", "d~e"])
        XCTAssertEqual(pointer("/~01")?.tokens, ["~1"], "~1 is replaced first, then ~0")
        XCTAssertEqual(pointer("/annotations/authorization.k8s.io~1decision")?.tokens,
                       ["annotations", "authorization.k8s.io/decision"])
    }

    func testSyntaxErrorsUseNlohmannWording() {
        XCTAssertEqual(syntaxError("abc"), "[json.exception.parse_error.107] parse error at 1: "
                       + "JSON pointer must be empty or begin with '/' - was: 'abc'")
        let badTilde = "[json.exception.parse_error.108] parse error: escape character '~' must be followed with '0' or '1'"
        XCTAssertEqual(syntaxError("/a~"), badTilde)
        XCTAssertEqual(syntaxError("/a~2"), badTilde)
        XCTAssertEqual(syntaxError("/ok/~x"), badTilde)
        XCTAssertNil(syntaxError("/a~1"))
    }

    func testDescriptionRoundTrips() {
        for text in ["", "/", "/a/b~1c/d~0e", "/~01"] {
            XCTAssertEqual(pointer(text)?.description, text)
        }
        XCTAssertEqual(JSONPointer(tokens: ["a/b", "~"]).description, "/a~1b/~0")
    }

    func testResolution() throws {
        let root = try XCTUnwrap(parsed(#"{"a":{"b":[10,20,{"c/d":true}]},"":5,"e~":1,"a ":2}"#))
        func value(_ text: String) -> String? { pointer(text).flatMap { root.resolve($0)?.dump() } }
        XCTAssertEqual(value(""), root.dump())
        XCTAssertEqual(value("/a/b/0"), "10")
        XCTAssertEqual(value("/a/b/1"), "20")
        XCTAssertEqual(value("/a/b/2/c~1d"), "true")
        XCTAssertEqual(value("/"), "5")
        XCTAssertEqual(value("/e~0"), "1")
        XCTAssertEqual(value("/a "), "2")
    }

    func testUnresolvablePointersGiveNil() throws {
        let root = try XCTUnwrap(parsed(#"{"a":{"b":[10,20,{"c":true}]},"s":"x"}"#))
        for text in ["/missing", "/a/b/3", "/a/b/-", "/a/b/01", "/a/b/00", "/a/b/x", "/a/b/+1", "/a/b/ 1",
                     "/a/b/-1", "/a/b/1e0", "/a/b/", "/a/b/99999999999999999999", "/a/b/1/x", "/s/0", "/a/b/2/c/d",
                     "/A"] {
            XCTAssertNil(pointer(text).flatMap { root.resolve($0) }, text)
        }
    }

    func testDescendantAlongStepsAgreesWithPointerResolution() throws {
        let root = try XCTUnwrap(parsed(#"{"a":{"b":[10,20,{"c/d":true}]},"":5,"a ":2,"d":{"k":1,"k":2},"s":"x"}"#))
        for text in ["", "/a/b/0", "/a/b/2/c~1d", "/", "/a ", "/d/k", "/missing", "/a/b/3", "/a/b/01", "/a/b/-1",
                     "/a/b/99999999999999999999", "/s/0", "/a/b/1/x"] {
            let pointer = try XCTUnwrap(self.pointer(text), text)
            let steps = pointer.tokens.map(JSONPathStep.init(key:))
            XCTAssertEqual(root.descendant(along: steps)?.dump(), root.resolve(pointer)?.dump(), text)
        }
        // The last of duplicated keys wins, as for subscripts.
        XCTAssertEqual(root.descendant(along: [JSONPathStep(key: "d"), JSONPathStep(key: "k")])?.dump(), "2")
        XCTAssertEqual(root.descendant(along: [JSONPathStep(key: "a"), JSONPathStep(key: "b"), JSONPathStep(key: "1")])?.dump(), "20")
    }
}
