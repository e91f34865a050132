import Foundation
import K8sAuditFields
import XCTest

/// Falco's own k8s_audit_rules.yaml (read from the shared fixtures, never copied): every field it names
/// is known, and every output format parses.
final class FalcoRulesFileTests: XCTestCase {
    private func rulesText() throws -> String {
        let packageRoot = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let file = packageRoot.appendingPathComponent("../shared/fixtures/falco-0.31.1/rules/k8s_audit_rules.yaml").standardized
        return try String(contentsOf: file, encoding: .utf8)
    }

    func testEveryFieldReferenceIsKnown() throws {
        let text = try rulesText()
        let pattern = try NSRegularExpression(pattern: #"(ka|jevt)\.[A-Za-z_.]+(\[[^\]]*\])?"#)
        let references = Set(pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap {
            Range($0.range, in: text).map { String(text[$0]) }
        })
        XCTAssertGreaterThan(references.count, 30)
        for reference in references {
            XCTAssertTrue(K8sFieldRegistry.falco.isKnownField(reference), reference)
        }
    }

    func testEveryOutputParses() throws {
        var outputs: [String] = []
        let lines = try rulesText().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for (number, line) in lines.enumerated() where line.hasPrefix("  output:") {
            let value = line.dropFirst("  output:".count).trimmingCharacters(in: .whitespaces)
            guard value == ">" else { outputs.append(value); continue }
            // A folded block: the following more-indented lines joined by spaces.
            let block = lines[(number + 1)...].prefix { $0.hasPrefix("    ") }
            outputs.append(block.map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " "))
        }
        XCTAssertEqual(outputs.count, 39)
        for output in outputs {
            XCTAssertNoThrow(try K8sOutputFormat(parsing: "*%jevt.time: Warning " + output, registry: .falco), output)
        }
    }
}
