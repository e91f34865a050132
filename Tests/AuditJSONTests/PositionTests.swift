import XCTest
import AuditJSON

/// Positions: a value's place in its document, resolved back to nodes and used as path starts.
final class PositionTests: XCTestCase {
    private let text = #"{"a":{"b":[10,{"c":"deep"}],"b":"last"},"z":null}"#

    private func steps(_ keys: String...) -> [JSONPathStep] { keys.map(JSONPathStep.init(key:)) }

    func testPositionResolvesBackToTheSameValue() throws {
        let document = try JSONDocument(parsing: text)
        let inner = try XCTUnwrap(document.root["a"])
        let again = document.node(at: inner.position)
        XCTAssertEqual(again.position, inner.position)
        XCTAssertEqual(again.dump(), inner.dump())
        XCTAssertEqual(document.node(at: document.root.position).dump(), document.root.dump())
        XCTAssertNotEqual(inner.position, document.root.position)
    }

    func testDescendantFromAPositionMatchesTheNodeWalk() throws {
        let document = try JSONDocument(parsing: text)
        let start = try XCTUnwrap(document.root["a"]).position
        // Duplicate keys: the last "b" wins, as for node lookups.
        XCTAssertEqual(document.descendant(of: start, along: steps("b"))?.string, "last")
        XCTAssertEqual(document.descendant(of: document.root.position, along: steps("a", "b"))?.string, "last")
        XCTAssertEqual(document.descendant(of: document.root.position, along: steps("z"))?.kind, .null)
        XCTAssertEqual(document.descendant(of: start, along: [])?.position, start)
        XCTAssertNil(document.descendant(of: start, along: steps("missing")))
        XCTAssertNil(document.descendant(of: start, along: steps("b", "0")), "a string has no children")
    }

    func testPositionOfAPathSkipsMakingNodes() throws {
        let document = try JSONDocument(parsing: #"{"list":[1,{"c":"deep"}]}"#)
        let found = try XCTUnwrap(document.position(of: steps("list", "1", "c"), from: document.root.position))
        XCTAssertEqual(document.node(at: found).string, "deep")
        XCTAssertEqual(found, document.root.descendant(along: steps("list", "1", "c"))?.position)
        XCTAssertNil(document.position(of: steps("list", "2"), from: document.root.position), "index out of range")
        XCTAssertNil(document.position(of: steps("list", "x"), from: document.root.position), "not an index")
    }
}
