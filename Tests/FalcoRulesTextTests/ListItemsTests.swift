import ConditionLanguage
import FalcoRulesText
import XCTest
import YAMLKit

/// List items go through YAML, Falco's list quoting (falco-rules.md §3.1) and textual substitution into
/// a condition (§3.2); each must come out as its own value.
final class ListItemsTests: XCTestCase {
    func testItemsReadBackThroughYAMLAndTheCondition() throws {
        let values = TrickyValues.all.filter { ConditionText.token($0) != nil }
        let sequence = try XCTUnwrap(ListItems.flowSequence(values))
        let root = try XCTUnwrap(try YAML.parseDocuments("- list: l\n  items: \(sequence)\n").first?.sequenceItems?.first)
        let items = try XCTUnwrap(root["items"]?.sequenceItems)
        XCTAssertEqual(items.count, values.count)
        for item in items {
            let scalar = try XCTUnwrap(item.scalar)
            // Plain items must be strings to lyaml, and Falco only quotes items with a space, which must
            // therefore already be quoted.
            if scalar.style == .plain { XCTAssertTrue(YAMLText.isPlain(scalar.value, inFlow: true), shown(scalar.value)) }
            if scalar.value.contains(" ") { XCTAssertTrue(scalar.value.hasPrefix("\"") || scalar.value.hasPrefix("'"), shown(scalar.value)) }
        }
        let substituted = items.compactMap(\.scalarText).joined(separator: ", ")
        guard case .comparison(let comparison)? = try ConditionParser.parse("a.b in (\(substituted))") else {
            return XCTFail(substituted)
        }
        XCTAssertEqual(comparison.values, values)
    }

    func testWordsStayBareAndOthersAreQuotedForFalcoInsideYAML() {
        XCTAssertEqual(ListItems.flowSequence(["nginx", "kernel.shm_rmid_forced", "docker.io/library/redis"]),
                       "[nginx, kernel.shm_rmid_forced, docker.io/library/redis]")
        XCTAssertEqual(ListItems.item("myreg:5000/app"), #"'"myreg:5000/app"'"#)
        XCTAssertEqual(ListItems.item("007"), #"'"007"'"#)
        XCTAssertEqual(ListItems.item("yes"), #"'"yes"'"#, "a plain yes would reach Falco as true")
        XCTAssertEqual(ListItems.item(#"o"brien"#), #"'''o"brien'''"#)
        XCTAssertEqual(ListItems.flowSequence([]), "[]")
    }

    func testUnwritableItemsAreRefused() {
        XCTAssertNil(ListItems.item("a'b\"c"))
        XCTAssertNil(ListItems.flowSequence(["ok", "ends\\"]))
    }
}
