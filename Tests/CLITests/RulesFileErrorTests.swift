import Foundation
import XCTest
import TestSupport

/// A rules file that fails to load stops `pspctl watch` before any event is read: exit 2, and stderr
/// names the file, the item and the reason, with Falco 0.31.1's message texts (falco-rules.md 12.1–12.2).
final class RulesFileErrorTests: XCTestCase {
    /// Loads Falco's k8s file, then `yaml` as a second rules file, against an alerting audit log.
    private func loadFailure(_ yaml: String, file: StaticString = #filePath, line: UInt = #line) throws -> (stderr: String, path: String) {
        let path = try Pspctl.temporaryFile(yaml)
        let result = try Watch.run(rules: [FalcoRulesFiles.k8sAudit, path], auditLog: Fixtures.auditLog("disallowed-k8s-user"))
        XCTAssertEqual(result.status, 2, "stderr: \(result.stderr)", file: file, line: line)
        XCTAssertEqual(result.stdout, "", "no event is evaluated", file: file, line: line)
        XCTAssertTrue(result.stderr.contains(path), "names the file: \(result.stderr)", file: file, line: line)
        return (result.stderr, path)
    }

    /// Falco's error layout: `Could not load rules file F: 1 errors:` + newline + the message, then the
    /// item's own lines (empty lines dropped) between `---` lines (falco-rules.md 12.1).
    private func assertItemError(_ failure: (stderr: String, path: String), _ message: String, item yaml: String,
                                 file: StaticString = #filePath, line: UInt = #line) {
        let context = yaml.split(separator: "\n").map { $0 + "\n" }.joined()
        assertNames(failure.stderr, ["Could not load rules file \(failure.path): 1 errors:\n\(message)\n---\n\(context)---"],
                    file: file, line: line)
    }

    private func assertNames(_ stderr: String, _ fragments: [String], file: StaticString = #filePath, line: UInt = #line) {
        for fragment in fragments {
            XCTAssertTrue(stderr.contains(fragment), "missing \(fragment.debugDescription) in: \(stderr)", file: file, line: line)
        }
    }

    func testBadYAML() throws {
        let failure = try loadFailure("""
            - rule: Broken Flow Sequence
              desc: the tags sequence is never closed
              condition: ka.verb=create
              output: created (user=%ka.user.name)
              priority: WARNING
              source: k8s_audit
              tags: [k8s

            """)
        assertNames(failure.stderr, ["did not find expected ',' or ']'"])
    }

    func testUnknownMacro() throws {
        let item = """
            - rule: Uses Unknown Macro
              desc: references a macro nobody defined
              condition: kevt and no_such_macro
              output: never (user=%ka.user.name)
              priority: WARNING
              source: k8s_audit

            """
        let failure = try loadFailure(item)
        assertItemError(failure, "Undefined macro no_such_macro used in filter.", item: item)
    }

    func testUnknownField() throws {
        let item = """
            - rule: Uses Unknown Field
              desc: ka.req.pod.containers.seccomp does not exist in Falco 0.31.1
              condition: kevt and ka.req.pod.containers.seccomp intersects (Unconfined)
              output: never (user=%ka.user.name)
              priority: WARNING
              source: k8s_audit

            """
        let failure = try loadFailure(item)
        assertItemError(failure, "Rule Uses Unknown Field: error filter_check called with nonexistent field ka.req.pod.containers.seccomp", item: item)
    }

    func testDoubleEqualsIsASyntaxError() throws {
        let item = """
            - rule: Uses Double Equals
              desc: == does not exist in the condition language
              condition: ka.verb == create
              output: never (user=%ka.user.name)
              priority: WARNING
              source: k8s_audit

            """
        let failure = try loadFailure(item)
        assertItemError(failure, #"Compilation error when compiling "ka.verb == create": 10: syntax error, unexpected '=', expecting 'BareString', 'String', 'Number'"#, item: item)
    }

    func testUnknownOutputField() throws {
        let failure = try loadFailure("""
            - rule: Bad Output
              desc: the output names a field that does not exist
              condition: kevt and ka.verb=create
              output: created by %ka.user.nam
              priority: WARNING
              source: k8s_audit

            """)
        assertNames(failure.stderr, ["Invalid output format 'created by %ka.user.nam'", "unknown filtercheck field ka.user.nam"])
    }

    func testEnabledOnlyItemForAMissingRule() throws {
        let item = """
            - rule: No Such Rule
              enabled: false

            """
        let failure = try loadFailure(item)
        assertItemError(failure, "Rule No Such Rule has 'enabled' key only, but no rule by that name already exists", item: item)
    }

    /// Priority names are accepted case-insensitively (issue 4), but `warn` is no name at all.
    func testInvalidPrioritySpelling() throws {
        let failure = try loadFailure("""
            - rule: Odd Priority
              desc: warn is not a priority name
              condition: kevt and ka.verb=create
              output: created (user=%ka.user.name)
              priority: warn
              source: k8s_audit

            """)
        assertNames(failure.stderr, ["Invalid priority level: warn", "- rule: Odd Priority"])
    }

    func testMissingRulesFile() throws {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("no-such-rules-\(UUID().uuidString).yaml").path
        let result = try Watch.run(rules: [missing], auditLog: Fixtures.auditLog("disallowed-k8s-user"))
        XCTAssertEqual(result.status, 2, result.stderr)
        XCTAssertEqual(result.stdout, "")
        XCTAssertTrue(result.stderr.contains(missing), result.stderr)
    }

    func testUsageErrors() throws {
        let log = Fixtures.auditLog("disallowed-k8s-user")
        let missingRules = try Pspctl.run(["watch", "--audit-log", log])
        XCTAssertEqual(missingRules.status, 2, "--rules is required: \(missingRules.stderr)")
        let badOutput = try Watch.run(rules: [FalcoRulesFiles.k8sAudit], auditLog: log, output: "yaml")
        XCTAssertEqual(badOutput.status, 2, badOutput.stderr)
        let badPriority = try Watch.run(rules: [FalcoRulesFiles.k8sAudit], auditLog: log, options: ["--min-priority", "severe"])
        XCTAssertEqual(badPriority.status, 2, badPriority.stderr)
        XCTAssertEqual(badPriority.stdout, "")
    }

    func testWatchHelp() throws {
        let help = try Pspctl.run(["watch", "--help"])
        XCTAssertEqual(help.status, 0, help.stderr)
        for option in ["--rules", "--audit-log", "--output", "--min-priority", "--keep-going"] {
            XCTAssertTrue(help.stdout.contains(option), "help mentions \(option): \(help.stdout)")
        }
    }
}
