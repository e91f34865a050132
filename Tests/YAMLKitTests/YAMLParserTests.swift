import XCTest
@testable import YAMLKit

final class YAMLParserTests: XCTestCase {
    func testParsesSequenceOfMappingsKeepingScalarStyles() throws {
        let docs = try YAML.parseDocuments("""
        - rule: "Quoted name"
          enabled: false
          items: [a, 'b c', 012]
        """)
        XCTAssertEqual(docs.count, 1)
        let item = try XCTUnwrap(docs[0].sequenceItems?.first)
        XCTAssertEqual(item["rule"]?.scalar?.style, .doubleQuoted)
        XCTAssertEqual(item["rule"]?.scalarText, "Quoted name")
        XCTAssertEqual(item["enabled"]?.scalar?.isPlain, true)
        XCTAssertEqual(item["items"]?.sequenceItems?.map { $0.scalarText }, ["a", "b c", "012"])
        XCTAssertEqual(item["items"]?.sequenceItems?[1].scalar?.style, .singleQuoted)
        XCTAssertEqual(item.mark.line, 1)
    }

    func testMultipleDocumentsAndEmptyStream() throws {
        XCTAssertEqual(try YAML.parseDocuments("").count, 0)
        XCTAssertEqual(try YAML.parseDocuments("# only a comment\n").count, 0)
        XCTAssertEqual(try YAML.parseDocuments("a: 1\n---\nb: 2\n").count, 2)
    }

    func testAliasesResolveToTheAnchoredNode() throws {
        let doc = try XCTUnwrap(YAML.parseDocuments("x: &a [1, 2]\ny: *a\n").first)
        XCTAssertEqual(doc["y"], doc["x"])
    }

    func testDuplicateKeysLastWins() throws {
        let doc = try XCTUnwrap(YAML.parseDocuments("a: 1\na: 2\n").first)
        XCTAssertEqual(doc["a"]?.scalarText, "2")
    }

    func testSyntaxErrorsCarryLibyamlProblemText() {
        XCTAssertThrowsError(try YAML.parseDocuments("- [a, b\n- c\n")) { error in
            XCTAssertEqual((error as? YAMLError)?.problem, "did not find expected ',' or ']'")
        }
        XCTAssertThrowsError(try YAML.parseDocuments("a: b: c\n")) { error in
            XCTAssertEqual((error as? YAMLError)?.problem, "mapping values are not allowed in this context")
        }
        XCTAssertThrowsError(try YAML.parseDocuments("x: *nope\n")) { error in
            XCTAssertEqual((error as? YAMLError)?.problem, "invalid reference: nope")
        }
    }

    func testExplicitTagsAreReported() throws {
        let doc = try XCTUnwrap(YAML.parseDocuments("a: !!str 12\n").first)
        XCTAssertEqual(doc["a"]?.scalar?.tag, "tag:yaml.org,2002:str")
        XCTAssertEqual(doc["a"]?.scalar?.isPlain, false)
    }
}
