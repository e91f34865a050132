import Foundation
import XCTest
import TestSupport

/// Hostile YAML through the real CLI (issue 13): every YAML input of `pspctl` — rules files, PSPs,
/// admission configurations — fails with a clear error (exit 2) in bounded time and memory, where it
/// used to crash (20,000 levels of nesting) or explode (billion laughs). Inputs are generated here.
final class HardeningYAMLTests: XCTestCase {
    private let depthError = "the document nests deeper than 128 levels"
    private let aliasError = "aliases expand the YAML to more than 1000000 nodes"

    /// `levels` nested flow sequences, empty at the bottom, on one line.
    private func nested(_ levels: Int) -> String {
        String(repeating: "[", count: levels) + String(repeating: "]", count: levels)
    }

    /// Anchors `&a0` … `&a9`, each holding 10 aliases of the one before (`a0` holds 10 scalars):
    /// an alias of `a9` stands for ~1.1 billion nodes.
    private let laughAnchors: [String] = (0...9).map { level in
        "&a\(level) [" + Array(repeating: level == 0 ? "lol" : "*a\(level - 1)", count: 10).joined(separator: ",") + "]"
    }

    private func assertBounded(_ result: MeasuredRun.Result, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertFalse(result.timedOut, "killed after \(result.seconds) s", file: file, line: line)
        XCTAssertNil(result.signal, "ended by signal \(result.signal ?? 0); stderr: \(result.stderr.prefix(2000))", file: file, line: line)
        XCTAssertEqual(result.status, 2, "stderr: \(result.stderr.prefix(2000))", file: file, line: line)
        XCTAssertLessThan(result.cpuSeconds, 10 * MeasuredRun.timeScale, file: file, line: line)
        XCTAssertLessThan(result.peakRSSMegabytes, 200, file: file, line: line)
    }

    private func watch(rules yaml: String, file: StaticString = #filePath, line: UInt = #line) throws -> (MeasuredRun.Result, path: String) {
        let rules = try Pspctl.temporaryFile(yaml)
        let log = try Pspctl.temporaryFile("", suffix: ".jsonl")
        let result = try MeasuredRun.pspctl(["watch", "--rules", rules, "--audit-log", log], timeLimit: 30)
        assertBounded(result, file: file, line: line)
        XCTAssertEqual(result.stdout, "", "no event is evaluated", file: file, line: line)
        return (result, rules)
    }

    func testTwentyThousandLevelsInARulesFile() throws {
        // A rule whose `desc` nests 20,000 flow sequences, one `[` a line (a SIGSEGV before).
        let yaml = "- rule: Deep\n  desc:\n" + String(repeating: "    [\n", count: 20_000)
            + String(repeating: "    ]\n", count: 20_000) + "  condition: ka.verb=create\n"
        let (result, path) = try watch(rules: yaml)
        // Falco's load error layout: the file, the problem, then the lines from where the limit was crossed
        // (the root sequence and the mapping are levels 1 and 2, so the 127th `[`, on line 129, is level 129).
        XCTAssertTrue(result.stderr.contains("Could not load rules file \(path): 1 errors:\n\(depthError)\n---\n    [\n    [\n    [\n---"),
                      result.stderr)
    }

    func testTwentyThousandLevelsInAPSP() throws {
        let psp = try Pspctl.temporaryFile("""
            apiVersion: policy/v1beta1
            kind: PodSecurityPolicy
            metadata:
              name: deep
            spec:
              volumes: \(nested(20_000))

            """)
        let out = try ScratchDirectory.make().appendingPathComponent("out.yaml").path
        let result = try MeasuredRun.pspctl(["convert", "--psp-path", psp, "--rules-path", out], timeLimit: 30)
        assertBounded(result)
        // The root and `spec` are levels 1 and 2; the 127th `[`, at column 11 + 127, opens level 129.
        XCTAssertEqual(result.stderr, "pspctl convert: \(psp): not valid YAML: \(depthError) (line 6, column 138)\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: out), "no rules file is written")
    }

    func testTwentyThousandLevelsInAnAdmissionConfiguration() throws {
        let config = try Pspctl.temporaryFile("""
            apiVersion: pod-security.admission.config.k8s.io/v1
            kind: PodSecurityConfiguration
            defaults: \(String(repeating: "{a: ", count: 20_000) + "x" + String(repeating: "}", count: 20_000))

            """)
        let out = try ScratchDirectory.make().appendingPathComponent("out.yaml").path
        let result = try MeasuredRun.pspctl(["convert", "--standard", "restricted", "--standard-version", "latest",
                                             "--admission-config", config, "--rules-path", out], timeLimit: 30)
        assertBounded(result)
        // The root is level 1; the 128th `{a: ` opens level 129, at column 11 + 4 × 127.
        XCTAssertEqual(result.stderr, "pspctl convert: --admission-config \(config): not YAML: \(depthError) (line 3, column 519)\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: out), "no rules file is written")
    }

    func testBillionLaughsAsATopLevelItem() throws {
        // 10 anchored top-level items, then an item that is an alias of the last (~570 bytes).
        let yaml = laughAnchors.map { "- \($0)\n" }.joined() + "- *a9\n"
        XCTAssertLessThan(yaml.utf8.count, 600)
        let (result, path) = try watch(rules: yaml)
        // The 8th alias of a4 (on line 6) is where the aliases pass 1,000,000 nodes.
        XCTAssertTrue(result.stderr.contains("Could not load rules file \(path): 1 errors:\n\(aliasError) (at the alias *a4)\n---\n- \(laughAnchors[5])\n"),
                      result.stderr)
    }

    func testBillionLaughsInsideAListsItems() throws {
        let yaml = "- list: laughs\n  items:\n" + laughAnchors.map { "    - \($0)\n" }.joined() + "    - *a9\n"
            + "- rule: Laughs\n  desc: d\n  condition: ka.user.name in (laughs)\n  output: o\n  priority: WARNING\n  source: k8s_audit\n"
        let (result, path) = try watch(rules: yaml)
        XCTAssertTrue(result.stderr.contains("Could not load rules file \(path): 1 errors:\n\(aliasError) (at the alias *a4)\n---\n    - \(laughAnchors[5])\n"),
                      result.stderr)
    }

    /// Just inside the limits, every consumer reads the document (recursing over it) without crashing.
    func testDocumentsAtTheLimitsReachTheConsumers() throws {
        // A top-level item 127 levels deep under the root sequence: Falco's "unknown top level object"
        // warning renders it recursively.
        let rules = try Pspctl.temporaryFile("- " + nested(127) + "\n")
        let log = try Pspctl.temporaryFile("", suffix: ".jsonl")
        let loaded = try MeasuredRun.pspctl(["watch", "--rules", rules, "--audit-log", log, "-v"], timeLimit: 30)
        XCTAssertNil(loaded.signal, loaded.stderr)
        XCTAssertEqual(loaded.status, 0, loaded.stderr)
        // The warning quotes a bounded prefix of the item (200 characters), marked as cut.
        XCTAssertTrue(loaded.stderr.contains("warning: Unknown top level object: " + String(repeating: "{", count: 127)
                                             + String(repeating: "}", count: 73) + "…"), loaded.stderr)

        let psp = try Pspctl.temporaryFile("apiVersion: policy/v1beta1\nkind: PodSecurityPolicy\nmetadata:\n  name: deep\nspec:\n  volumes: \(nested(126))\n")
        let out = try ScratchDirectory.make().appendingPathComponent("out.yaml").path
        let converted = try MeasuredRun.pspctl(["convert", "--psp-path", psp, "--rules-path", out], timeLimit: 30)
        XCTAssertNil(converted.signal, converted.stderr)
        XCTAssertEqual(converted.stderr, "pspctl convert: spec.volumes[0]: expected a string, found a list\n")

        let config = try Pspctl.temporaryFile("apiVersion: pod-security.admission.config.k8s.io/v1\nkind: PodSecurityConfiguration\nexemptions: {usernames: \(nested(126))}\n")
        let standards = try MeasuredRun.pspctl(["convert", "--standard", "restricted", "--admission-config", config, "--rules-path", out], timeLimit: 30)
        XCTAssertNil(standards.signal, standards.stderr)
        XCTAssertEqual(standards.status, 2, standards.stderr)
        XCTAssertTrue(standards.stderr.hasPrefix("pspctl convert: --admission-config \(config): exemptions.usernames[0]: expected a string"), standards.stderr)
    }
}
