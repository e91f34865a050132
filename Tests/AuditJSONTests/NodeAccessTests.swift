import XCTest
@testable import AuditJSON

final class NodeAccessTests: XCTestCase {
    func testDuplicateKeysLastOneWins() throws {
        let root = try XCTUnwrap(parsed(#"{"a":1,"b":2,"a":3}"#))
        XCTAssertEqual(root["a"]?.number, .int(3))
        XCTAssertEqual(root.count, 2)
        XCTAssertEqual(root.members.map(\.key), ["a", "b"])
        XCTAssertEqual(root.members.map(\.value.number), [.int(3), .int(2)])
    }

    func testEscapedKeysAreComparedDecoded() throws {
        let root = try XCTUnwrap(parsed(#"{"a":1,"\u0061":2,"b\/c":3,"d\"e":4}"#))
        XCTAssertEqual(root["a"]?.number, .int(2))
        XCTAssertEqual(root.count, 3)
        XCTAssertEqual(root["b/c"]?.number, .int(3))
        XCTAssertEqual(root["d\"e"]?.number, .int(4))
        XCTAssertNil(root["b\\/c"])
    }

    func testMembersAreSortedBytewise() throws {
        let root = try XCTUnwrap(parsed(#"{"b":0,"é":1,"B":2,"ab":3,"a":4,"_":5,"\u00e8":6,"":7}"#))
        XCTAssertEqual(root.members.map(\.key), ["", "B", "_", "a", "ab", "b", "è", "é"])
    }

    func testCountsAndElements() throws {
        let root = try XCTUnwrap(parsed(#"[[1,[2,3]],{"k":[4]},"s",5,{}]"#))
        XCTAssertEqual(root.count, 5)
        XCTAssertEqual(root.elements.map { $0.kind }, [.array, .object, .string, .number, .object])
        XCTAssertEqual(root[1]?["k"]?[0]?.number, .int(4))
        XCTAssertEqual(root[3]?.number, .int(5))
        XCTAssertNil(root[5])
        XCTAssertNil(root[-1])
        XCTAssertEqual(root[2]?.count, 0)
        XCTAssertEqual(root[4]?.count, 0)
        XCTAssertEqual(root[2]?.elements.count, 0)
        XCTAssertEqual(root[1]?.elements.count, 0, "objects have no elements")
        XCTAssertEqual(root.members.count, 0, "arrays have no members")
        XCTAssertNil(root["k"], "arrays have no keys")
        XCTAssertNil(root[1]?[0], "objects have no indexes")
        var visited: [JSONNode.Kind] = []
        root.forEachElement { visited.append($0.kind) }
        XCTAssertEqual(visited, root.elements.map(\.kind))
    }

    func testStringEqualsComparesDecodedContent() throws {
        let root = try XCTUnwrap(parsed(#"["Event","Ev\u0065nt","", "é", "\u00e9", 5]"#))
        XCTAssertTrue(root[0]?.stringEquals("Event") ?? false)
        XCTAssertTrue(root[1]?.stringEquals("Event") ?? false)
        XCTAssertFalse(root[0]?.stringEquals("Even") ?? true)
        XCTAssertFalse(root[0]?.stringEquals("Events") ?? true)
        XCTAssertFalse(root[1]?.stringEquals("Ev\\u0065nt") ?? true)
        XCTAssertTrue(root[2]?.stringEquals("") ?? false)
        XCTAssertTrue(root[3]?.stringEquals("é") ?? false)
        XCTAssertTrue(root[4]?.stringEquals("é") ?? false)
        XCTAssertFalse(root[5]?.stringEquals("5") ?? true, "numbers are not strings")
        XCTAssertEqual(root[4]?.withStringBytes { Array($0) }, Array("é".utf8))
        XCTAssertNil(root[5]?.withStringBytes { $0.count })
    }

    func testStringEqualsWithBridgedOrSubstringBackedText() throws {
        let root = try XCTUnwrap(parsed(#""system:masters""#))
        let composed = String("xsystem:masters".dropFirst())
        XCTAssertTrue(root.stringEquals(composed))
    }
}
