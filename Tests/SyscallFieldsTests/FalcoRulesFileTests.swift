import Foundation
import XCTest
import SyscallFields

/// Every field Falco 0.31.1's own `falco_rules.yaml` uses in its conditions, macros and outputs
/// resolves (syscall-fields.md §5). The fields are extracted with a plain text scan of the file.
final class FalcoRulesFileTests: XCTestCase {
    private static let rulesFile = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("../shared/fixtures/falco-0.31.1/rules/falco_rules.yaml").standardized

    /// The text of every `condition:` or `output:` value (plain or block scalar) of the file.
    private func values(of key: String) throws -> [String] {
        let lines = try String(contentsOf: Self.rulesFile, encoding: .utf8).components(separatedBy: "\n")
        var values: [String] = []
        var index = 0
        while index < lines.count {
            let line = lines[index]
            index += 1
            guard line.hasPrefix("  \(key):") else { continue }
            var value = String(line.dropFirst(key.count + 3))
            // Continuation lines are indented deeper than the key (or blank).
            while index < lines.count, lines[index].hasPrefix("   ") || lines[index].trimmingCharacters(in: .whitespaces).isEmpty {
                value += " " + lines[index]
                index += 1
            }
            value = value.trimmingCharacters(in: .whitespaces)
            if value.hasPrefix(">") || value.hasPrefix("|") { value = String(value.dropFirst()) }
            values.append(value.trimmingCharacters(in: .whitespaces))
        }
        return values
    }

    /// Field tokens: a dotted name (with an optional `[…]`) directly followed by an operator.
    private func conditionFields() throws -> Set<String> {
        let pattern = #"(?<![\w./\-"'])([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)+(?:\[[^\]\s]+\])?)\s*(?:!=|<=|>=|=|<|>|\b(?:contains|icontains|startswith|endswith|glob|in|intersects|pmatch|exists)\b)"#
        let regex = try NSRegularExpression(pattern: pattern)
        var fields: Set<String> = []
        for condition in try values(of: "condition") {
            let range = NSRange(condition.startIndex..., in: condition)
            for match in regex.matches(in: condition, range: range) {
                fields.insert(String(condition[Range(match.range(at: 1), in: condition)!]))
            }
        }
        return fields
    }

    func testEveryConditionFieldResolves() throws {
        let fields = try conditionFields()
        XCTAssertGreaterThan(fields.count, 50, "the scan found the file's fields")
        XCTAssertTrue(fields.isSuperset(of: ["evt.type", "proc.aname[2]", "container.mount.dest[/var/run/docker.sock]",
                                             "fd.net", "evt.arg.flags", "proc.aname"]))
        for field in fields.sorted() {
            XCTAssertNoThrow(try SyscallFieldCatalog.resolve(field), field)
        }
    }

    func testEveryOutputParsesAndItsFieldsResolve() throws {
        let outputs = try values(of: "output")
        XCTAssertGreaterThan(outputs.count, 60)
        let tokenRegex = try NSRegularExpression(pattern: #"%([A-Za-z_][A-Za-z0-9_.]*(?:\[[^\]\s]*\])?)"#)
        var tokens: Set<String> = []
        for output in outputs {
            // Falco substitutes %container.info for syscall rules before validating the format.
            let substituted = output.replacingOccurrences(of: "%container.info", with: "%container.name (id=%container.id)")
            let format = try SyscallOutputFormat(parsing: substituted)
            let range = NSRange(substituted.startIndex..., in: substituted)
            let scanned = tokenRegex.matches(in: substituted, range: range).map { match -> String in
                var token = String(substituted[Range(match.range(at: 1), in: substituted)!])
                while token.hasSuffix(".") { token.removeLast() }
                return token
            }
            XCTAssertEqual(format.fieldReferences, scanned, output)
            tokens.formUnion(scanned)
        }
        XCTAssertTrue(tokens.isSuperset(of: ["proc.cmdline", "proc.aname[7]", "evt.arg.linkpath", "fd.rport"]))
        for token in tokens.sorted() {
            XCTAssertNoThrow(try SyscallFieldCatalog.resolve(token), token)
        }
    }
}
