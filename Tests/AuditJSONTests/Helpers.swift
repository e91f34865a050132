import XCTest
@testable import AuditJSON

/// Parses `text`, failing the test (and returning nil) if it is rejected.
func parsed(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> JSONNode? {
    do {
        return try JSONDocument(parsing: text).root
    } catch {
        XCTFail("unexpected parse error for \(text.debugDescription): \(error)", file: file, line: line)
        return nil
    }
}

/// The error `bytes` are rejected with, failing the test (and returning nil) if they are accepted.
func rejection(_ bytes: [UInt8], file: StaticString = #filePath, line: UInt = #line) -> JSONParseError? {
    do {
        _ = try JSONDocument(parsing: bytes)
        XCTFail("accepted invalid JSON \(String(decoding: bytes, as: UTF8.self).debugDescription)", file: file, line: line)
        return nil
    } catch {
        return error
    }
}

func rejection(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> JSONParseError? {
    rejection(Array(text.utf8), file: file, line: line)
}

/// Asserts the full nlohmann text of the error `text` is rejected with.
func assertRejected(_ text: String, _ expected: String, file: StaticString = #filePath, line: UInt = #line) {
    guard let error = rejection(text, file: file, line: line) else { return }
    XCTAssertEqual(error.description, expected, "input: \(text.debugDescription)", file: file, line: line)
}
