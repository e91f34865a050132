import Foundation
import XCTest
import TestSupport

/// Issue 13, the loader's rows: hostile rules files end in a clear error or load, in bounded time and
/// memory, through the real `pspctl watch`; and a run that can judge nothing says so. Every hostile
/// input is generated here (nothing big is committed). Limits: `LoaderLimits` in Sources/RulesEngine.
final class HardeningLoaderTests: XCTestCase {
    /// Generous for a debug build on a shared machine; release builds are 5–20 times faster.
    private let timeLimit = 60.0
    private let memoryLimit = 1_500.0 // MB

    /// `pspctl watch -v` on `rules` (one generated file) and an empty audit log.
    private func watch(_ rules: String, file: StaticString = #filePath, line: UInt = #line) throws -> (MeasuredRun.Result, String) {
        let path = try Pspctl.temporaryFile(rules)
        let log = try Pspctl.temporaryFile("", suffix: ".jsonl")
        let result = try MeasuredRun.pspctl(["watch", "--rules", path, "--audit-log", log, "-v"], timeLimit: timeLimit)
        XCTAssertFalse(result.timedOut, "killed after \(timeLimit) s", file: file, line: line)
        XCTAssertNil(result.signal, "crashed: \(result.stderr.prefix(2_000))", file: file, line: line)
        XCTAssertLessThan(result.peakRSSMegabytes, memoryLimit, file: file, line: line)
        return (result, path)
    }

    private func assertLoads(_ result: MeasuredRun.Result, within seconds: Double, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(result.status, 0, String(result.stderr.prefix(2_000)), file: file, line: line)
        XCTAssertLessThan(result.cpuSeconds, seconds * MeasuredRun.timeScale, file: file, line: line)
    }

    private func assertFails(_ result: MeasuredRun.Result, path: String, saying fragments: [String],
                             file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(result.status, 2, String(result.stderr.prefix(2_000)), file: file, line: line)
        XCTAssertTrue(result.stderr.contains("Could not load rules file \(path): 1 errors:"), String(result.stderr.prefix(2_000)),
                      file: file, line: line)
        for fragment in fragments {
            XCTAssertTrue(result.stderr.contains(fragment), "missing \(fragment.debugDescription) in \(result.stderr.prefix(2_000))",
                          file: file, line: line)
        }
        XCTAssertLessThan(result.stderr.utf8.count, 20_000, "the error quotes its input boundedly", file: file, line: line)
    }

    private func rule(_ name: String, _ condition: String) -> String {
        """
        - rule: \(name)
          desc: generated
          condition: \(condition)
          output: matched (user=%ka.user.name)
          priority: WARNING
          source: k8s_audit

        """
    }

    // MARK: Conditions

    func testAConditionOfOneHundredThousandAndTermsLoads() throws {
        let terms = (0..<100_000).map { "jevt.value[/a\($0 % 1000)] != v\($0)" }
        let (result, _) = try watch(rule("Long And", terms.joined(separator: " and "))
                                    + rule("Long Or", terms.joined(separator: " or ")))
        assertLoads(result, within: timeLimit)
    }

    func testNotChainsAreBoundedLikeParentheses() throws {
        let (result, path) = try watch(rule("Many Nots", String(repeating: "not ", count: 100_000) + "ka.verb=create"))
        assertFails(result, path: path, saying: [
            "Compilation error when compiling \"not not not",
            "801: syntax error, expression nested too deeply (more than 200 levels of parentheses and 'not')",
        ])
    }

    func testALongConditionIsQuotedByItsBeginning() throws {
        let condition = (0..<20_000).map { "ka.verb=v\($0)" }.joined(separator: " and ") + " and"
        let (result, path) = try watch(rule("Broken Long", condition))
        assertFails(result, path: path, saying: [
            "Compilation error when compiling \"ka.verb=v0 and ka.verb=v1 and",
            "…\": \(condition.utf8.count + 1): syntax error, unexpected 'EOF', expecting '(', 'Macro', 'FieldName', 'not'",
        ])
    }

    // MARK: Macros

    func testAChainOfTwentyThousandMacrosLoadsInLinearTime() throws {
        var text = "- macro: m0\n  condition: ka.verb=v0\n"
        for i in 1..<20_000 { text += "- macro: m\(i)\n  condition: m\(i - 1) and ka.verb!=v\(i)\n" }
        let (result, _) = try watch(text + rule("Uses The Chain", "m19999"))
        assertLoads(result, within: 30)
    }

    func testMacrosThatDoubleAreRefusedAtTheNodeLimit() throws {
        var text = "- macro: m0\n  condition: ka.verb=create\n"
        for i in 1..<64 { text += "- macro: m\(i)\n  condition: m\(i - 1) or m\(i - 1)\n" }
        let (result, path) = try watch(text + rule("Exponential", "m63"))
        assertFails(result, path: path, saying: [
            "Rule Exponential: the condition has more than 1000000 nodes once its macros are expanded (pspctl's limit per rule)",
        ])
        XCTAssertLessThan(result.cpuSeconds, 20 * MeasuredRun.timeScale)
    }

    func testMacrosNestedDeeperThanTheLimitAreRefused() throws {
        var text = "- macro: m0\n  condition: ka.verb=create\n"
        for i in 1..<2_000 { text += "- macro: m\(i)\n  condition: not m\(i - 1)\n" }
        let (result, path) = try watch(text + rule("Deep", "m1999"))
        assertFails(result, path: path, saying: [
            "Rule Deep: the condition nests more than 500 levels of and/or/not once its macros are expanded (pspctl's limit per rule)",
        ])
    }

    // MARK: Lists

    func testListsNamingListsAreCappedWithAClearError() throws {
        // 687 bytes that used to ask for 25 GB: level i has ten copies of level i - 1.
        var text = "- list: l0\n  items: [a, b, c, d, e, f, g, h, i, j]\n"
        for level in 1...8 {
            text += "- list: l\(level)\n  items: [" + Array(repeating: "l\(level - 1)", count: 10).joined(separator: ", ") + "]\n"
        }
        let (result, path) = try watch(text + rule("Uses Lists", "ka.verb in (l8)"))
        assertFails(result, path: path, saying: [
            "List l6 has more than 1000000 items once the lists it names are expanded (pspctl's limit per list)",
        ])
        XCTAssertLessThan(result.cpuSeconds, 30 * MeasuredRun.timeScale)
    }

    func testAFortyThousandItemInListOfAK8sFieldLoadsQuickly() throws {
        let items = (0..<40_000).map { "kernel.sysctl\($0 % 30_000)" }
        let text = "- list: big\n  items: [" + items.joined(separator: ", ") + "]\n"
            + rule("Big In", "ka.req.pod.containers.image in (big)")
        let (result, _) = try watch(text)
        assertLoads(result, within: 20)
    }

    func testListsAreSubstitutedInListOrder() throws {
        // `early` names `late`, which is defined after it: list compilation leaves the word, and the
        // substitution of `late` (later in list order) replaces it in `early`'s text (falco-rules.md §3.2).
        // `first` comes before `second`, whose items name it inside a longer word: untouched.
        let text = """
            - list: early
              items: [late, x]
            - list: late
              items: [y, z]
            - list: first
              items: [q]
            - list: second
              items: ["first=1"]

            """ + rule("Order", "ka.verb in (early) and ka.verb in (second) and")
        let (result, path) = try watch(text)
        assertFails(result, path: path, saying: [
            "Compilation error when compiling \"ka.verb in (y, z, x) and ka.verb in (first=1) and\"",
        ])
    }

    // MARK: Size

    func testAOneMegabyteRulesFileLoadsInBoundedTime() throws {
        var text = ""
        for i in 0..<2_400 { text += "- list: list_\(i)\n  items: [" + (0..<10).map { "item_\(i)_\($0)" }.joined(separator: ", ") + "]\n" }
        for i in 0..<2_400 { text += "- macro: macro_\(i)\n  condition: ka.verb in (list_\(i)) and jevt.value[/m\(i % 50)] = \(i)\n" }
        for i in 0..<2_400 {
            text += rule("Rule \(i)", "macro_\(i) and (ka.user.name in (list_\((i + 1) % 2_400)) or not macro_\((i + 7) % 2_400)) "
                + "and ka.target.namespace startswith ns\(i)")
        }
        XCTAssertGreaterThan(text.utf8.count, 1_000_000)
        let (result, _) = try watch(text)
        assertLoads(result, within: 15)
    }

    func testAPSPWithAFiftyThousandCharacterNameConvertsAndLoads() throws {
        let name = String(repeating: "a", count: 50_000)
        let psp = """
            apiVersion: policy/v1beta1
            kind: PodSecurityPolicy
            metadata:
              name: \(name)
            spec:
              privileged: false
              hostPID: false
              allowedCapabilities: [NET_BIND_SERVICE]
              forbiddenSysctls: [\((0..<20_000).map { "kernel.x\($0)" }.joined(separator: ", "))]

            """
        let pspPath = try Pspctl.temporaryFile(psp)
        let rulesPath = try Pspctl.temporaryFile("", suffix: ".rules.yaml")
        let convert = try MeasuredRun.pspctl(["convert", "--psp-path", pspPath, "--rules-path", rulesPath], timeLimit: timeLimit)
        XCTAssertEqual(convert.status, 0, convert.stderr)
        let log = try Pspctl.temporaryFile("", suffix: ".jsonl")
        let result = try MeasuredRun.pspctl(["watch", "--rules", rulesPath, "--audit-log", log], timeLimit: timeLimit)
        XCTAssertEqual(result.status, 0, String(result.stderr.prefix(2_000)))
        XCTAssertLessThan(result.cpuSeconds, 20 * MeasuredRun.timeScale)
        XCTAssertLessThan(result.peakRSSMegabytes, memoryLimit)
    }

    // MARK: Warnings

    func testTheUnknownObjectWarningQuotesABoundedPrefix() throws {
        // Five levels of ten aliases: 100,000 scalars once expanded, in 400 bytes.
        var text = "- &l0 [a, b, c, d, e, f, g, h, i, j]\n"
        for level in 1...4 {
            text += "- &l\(level) [" + Array(repeating: "*l\(level - 1)", count: 10).joined(separator: ", ") + "]\n"
        }
        let (result, _) = try watch(text)
        XCTAssertEqual(result.status, 0, result.stderr)
        let warnings = result.stderr.split(separator: "\n").filter { $0.contains("Unknown top level object: {") }
        XCTAssertEqual(warnings.count, 5, result.stderr)
        for warning in warnings { XCTAssertLessThan(warning.count, 400, String(warning)) }
        XCTAssertTrue(result.stderr.contains("Unknown top level object: {\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\",\"i\",\"j\"}"),
                      "a small item is quoted whole: \(result.stderr)")
        XCTAssertTrue(warnings.last!.hasSuffix("…"), String(warnings.last!))
    }

    func testAFileWithoutRulesSaysSo() throws {
        let (empty, emptyPath) = try watch("")
        XCTAssertEqual(empty.status, 0)
        XCTAssertTrue(empty.stderr.contains("Rules file \(emptyPath) holds no rules: it cannot judge any event"), empty.stderr)
        let (listsOnly, listsPath) = try watch("- list: l\n  items: [a]\n- macro: m\n  condition: ka.verb in (l)\n")
        XCTAssertEqual(listsOnly.status, 0)
        XCTAssertTrue(listsOnly.stderr.contains("Rules file \(listsPath) holds no rules"), listsOnly.stderr)
        let (withRule, _) = try watch(rule("R", "ka.verb=create"))
        XCTAssertFalse(withRule.stderr.contains("holds no rules"), withRule.stderr)
    }

    /// The warnings that a file may judge nothing or mean something else are shown without `-v` (Falco's
    /// own load warnings are not), and `--quiet` silences them.
    func testMeaningWarningsNeedNoVerboseFlag() throws {
        let path = try Pspctl.temporaryFile(rule("Overridden", "ka.verb=create") + "  override:\n    condition: append\n"
            + "- macro: unused\n  condition: ka.verb=delete\n")
        let empty = try Pspctl.temporaryFile("")
        let log = try Pspctl.temporaryFile("", suffix: ".jsonl")
        let plain = try Pspctl.run(["watch", "--rules", path, "--rules", empty, "--audit-log", log])
        XCTAssertEqual(plain.status, 0, plain.stderr)
        XCTAssertTrue(plain.stderr.contains("unknown key 'override' is ignored"), plain.stderr)
        XCTAssertTrue(plain.stderr.contains("Rules file \(empty) holds no rules"), plain.stderr)
        XCTAssertFalse(plain.stderr.contains("macro unused not refered to"), "Falco's own warnings need -v: \(plain.stderr)")
        let quiet = try Pspctl.run(["watch", "--rules", path, "--rules", empty, "--audit-log", log, "--quiet"])
        XCTAssertEqual(quiet.status, 0, quiet.stderr)
        XCTAssertEqual(quiet.stderr, "")
    }

    func testUnknownKeysAreNamed() throws {
        let text = rule("Overridden", "ka.verb=create") + """
              override:
                condition: append

            - macro: m
              condition: ka.verb=delete
              desc: macros have no desc
            - list: l
              items: [a]
              tags: [x]

            """
        let (result, path) = try watch(text)
        XCTAssertEqual(result.status, 0, result.stderr)
        for fragment in [
            "Rule Overridden in \(path): unknown key 'override' is ignored",
            "Macro m in \(path): unknown key 'desc' is ignored",
            "List l in \(path): unknown key 'tags' is ignored",
        ] {
            XCTAssertTrue(result.stderr.contains(fragment), "missing \(fragment) in \(result.stderr)")
        }
    }
}
