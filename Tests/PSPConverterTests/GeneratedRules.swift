import XCTest
import YAMLKit
@testable import PSPConverter

/// A generated rules file read back through YAMLKit, the way the engine's loader reads it.
struct GeneratedRules {
    struct Item {
        let kind: String          // rule, macro, list, required_engine_version
        let name: String
        let keys: [String: String] // scalar values by key
    }
    let items: [Item]

    init(_ yaml: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let documents = try YAML.parseDocuments(yaml)
        XCTAssertEqual(documents.count, 1, file: file, line: line)
        let sequence = try XCTUnwrap(documents.first?.sequenceItems, "the rules file is not a YAML list", file: file, line: line)
        items = try sequence.map { node in
            let pairs = try XCTUnwrap(node.mappingPairs, "an item is not a mapping", file: file, line: line)
            var keys: [String: String] = [:]
            for pair in pairs {
                let key = try XCTUnwrap(pair.key.scalarText)
                if let value = pair.value.scalarText { keys[key] = value }
                else if let list = pair.value.sequenceItems { keys[key] = "[" + list.compactMap(\.scalarText).joined(separator: ", ") + "]" }
            }
            let kind = ["rule", "macro", "list", "required_engine_version"].first { keys[$0] != nil } ?? "?"
            return Item(kind: kind, name: keys[kind] ?? "", keys: keys)
        }
    }

    var rules: [Item] { items.filter { $0.kind == "rule" } }
    var ruleNames: [String] { rules.map(\.name) }

    func rule(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws -> Item {
        try XCTUnwrap(rules.first { $0.name == name }, "no rule \(name) in \(ruleNames)", file: file, line: line)
    }

    func macro(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws -> Item {
        try XCTUnwrap(items.first { $0.kind == "macro" && $0.name == name }, "no macro \(name)", file: file, line: line)
    }

    /// Converts a PSP with the given spec (YAML at column 0) and reads the result back.
    static func converting(name: String? = "test", images: String? = nil, annotations: [String: String] = [:],
                           spec: String, file: StaticString = #filePath, line: UInt = #line) throws -> GeneratedRules {
        let conversion = try PSPFixtures.convert(PSPFixtures.psp(name: name, images: images, annotations: annotations, spec: spec),
                                                 file: file, line: line)
        let rules = try GeneratedRules(conversion.rulesYAML, file: file, line: line)
        XCTAssertEqual(rules.ruleNames, conversion.ruleNames, file: file, line: line)
        return rules
    }
}
