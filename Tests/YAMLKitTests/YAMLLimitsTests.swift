import Foundation
import XCTest
@testable import YAMLKit

/// The reader's hardening (issue 13): no recursion on input depth, a nesting limit, an alias budget, and
/// valid documents read exactly as before.
final class YAMLLimitsTests: XCTestCase {
    private let limit = YAML.maxNestingDepth

    /// `levels` nested flow sequences around one scalar, on one line.
    private func nestedSequences(_ levels: Int) -> String {
        String(repeating: "[", count: levels) + "x" + String(repeating: "]", count: levels)
    }

    /// `levels` levels alternating flow mappings and flow sequences (`{k0:`, `[`, `{k2:` …), one level a line.
    private func mixedNesting(_ levels: Int) -> String {
        var text = "", closing = ""
        for level in 0..<levels {
            let indent = String(repeating: " ", count: level)
            text += level.isMultiple(of: 2) ? "\(indent){k\(level):\n" : "\(indent)[\n"
            closing = (level.isMultiple(of: 2) ? "}" : "]") + closing
        }
        return text + String(repeating: " ", count: levels) + "leaf\n" + closing + "\n"
    }

    /// Collection levels of a node, walked with an explicit stack.
    private func depth(_ root: YAMLNode) -> Int {
        var deepest = 0
        var pending: [(YAMLNode, Int)] = [(root, 0)]
        while let (node, level) = pending.popLast() {
            switch node {
            case .scalar: deepest = max(deepest, level)
            case .sequence(let items, _): deepest = max(deepest, level + 1); pending += items.map { ($0, level + 1) }
            case .mapping(let pairs, _):
                deepest = max(deepest, level + 1)
                pending += pairs.flatMap { [($0.key, level + 1), ($0.value, level + 1)] }
            }
        }
        return deepest
    }

    private func assertYAMLError(_ text: String, problem: String, line: Int, column: Int,
                                 file: StaticString = #filePath, fileLine: UInt = #line) {
        XCTAssertThrowsError(try YAML.parseDocuments(text), file: file, line: fileLine) { error in
            guard let error = error as? YAMLError else { return XCTFail("not a YAMLError: \(error)", file: file, line: fileLine) }
            XCTAssertEqual(error.problem, problem, file: file, line: fileLine)
            XCTAssertEqual(error.line, line, "line", file: file, line: fileLine)
            XCTAssertEqual(error.column, column, "column", file: file, line: fileLine)
            XCTAssertEqual(error.lastEventLine, line, "lastEventLine", file: file, line: fileLine)
        }
    }

    // MARK: Depth

    func testDocumentsAtTheDepthLimitAreRead() throws {
        let sequences = try XCTUnwrap(YAML.parseDocuments(nestedSequences(limit)).first)
        XCTAssertEqual(depth(sequences), limit)
        var innermost = sequences
        while let only = innermost.sequenceItems?.first { innermost = only }
        XCTAssertEqual(innermost.scalarText, "x")
        XCTAssertEqual(innermost.mark, YAMLMark(line: 1, column: limit + 1))

        let mixed = try XCTUnwrap(YAML.parseDocuments(mixedNesting(limit)).first)
        XCTAssertEqual(depth(mixed), limit)
        // Two parses of the same text are equal (synthesized `==` recurses once per level).
        XCTAssertEqual(try YAML.parseDocuments(mixedNesting(limit)).first, mixed)
        XCTAssertNotEqual(try YAML.parseDocuments(mixedNesting(limit - 1)).first, mixed)
    }

    func testNestingBeyondTheLimitIsAnErrorAtTheLevelThatCrossedIt() {
        let problem = "the document nests deeper than \(limit) levels"
        XCTAssertEqual(problem, "the document nests deeper than 128 levels")
        // One line: the root mapping is level 1, so the 128th `[` (column 3 + 128) opens level 129.
        assertYAMLError("a: " + nestedSequences(limit), problem: problem, line: 1, column: 3 + limit)
        // One level a line: level 129 opens on line 129, after its indentation.
        assertYAMLError(mixedNesting(limit + 1), problem: problem, line: limit + 1, column: limit + 1)
        // ~20,000 levels (a SIGSEGV before): the same error, reported at once.
        assertYAMLError(nestedSequences(20_000), problem: problem, line: 1, column: limit + 1)
        assertYAMLError(String(repeating: "- ", count: 20_000) + "x\n", problem: problem, line: 1, column: 2 * limit + 1)
    }

    func testLevelsReachedThroughAnAliasCountTowardTheLimit() throws {
        // An anchored node 100 levels high (101 in the document), copied where 28 levels are open
        // (the root sequence and 27 `[`): 128, allowed.
        let anchored = "- &deep " + nestedSequences(100) + "\n"
        func copied(under open: Int) -> String {
            anchored + "- " + String(repeating: "[", count: open) + "*deep" + String(repeating: "]", count: open) + "\n"
        }
        let allowed = try XCTUnwrap(YAML.parseDocuments(copied(under: limit - 101)).first)
        XCTAssertEqual(depth(allowed), limit)
        // One level more: the alias crosses the limit, reported at the alias.
        assertYAMLError(copied(under: limit - 100), problem: "the document nests deeper than 128 levels (through the alias *deep)",
                        line: 2, column: 3 + limit - 100)
    }

    /// The reader keeps no recursion, and the tree it allows stays safe for recursive consumers on a
    /// secondary thread with a small stack (512 KB): parsing, `==`, a recursive walk, and releasing the
    /// tree all run there.
    func testADocumentAtTheLimitIsSafeOnA512KBThread() throws {
        let text = mixedNesting(limit), tooDeep = nestedSequences(20_000)
        final class Outcome: @unchecked Sendable { var depth = 0; var equal = false; var error: String?; var rejectedTooDeep = false }
        let outcome = Outcome()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            defer { done.signal() }
            do {
                let first = try YAML.parseDocuments(text), second = try YAML.parseDocuments(text)
                outcome.equal = first == second
                func recursiveDepth(_ node: YAMLNode) -> Int {
                    switch node {
                    case .scalar: return 0
                    case .sequence(let items, _): return 1 + (items.map(recursiveDepth).max() ?? 0)
                    case .mapping(let pairs, _): return 1 + (pairs.map { max(recursiveDepth($0.key), recursiveDepth($0.value)) }.max() ?? 0)
                    }
                }
                outcome.depth = recursiveDepth(first[0])
                // Past the limit is an error, also here.
                outcome.rejectedTooDeep = (try? YAML.parseDocuments(tooDeep)) == nil
            } catch {
                outcome.error = "\(error)"
            }
            // `first` and `second` are released here, on this thread.
        }
        thread.stackSize = 512 * 1024
        thread.start()
        XCTAssertEqual(done.wait(timeout: .now() + 60), .success)
        XCTAssertNil(outcome.error)
        XCTAssertTrue(outcome.equal)
        XCTAssertEqual(outcome.depth, limit)
        XCTAssertTrue(outcome.rejectedTooDeep)
    }

    // MARK: Aliases

    func testAliasExpansionBeyondTheBudgetIsAnError() {
        // Billion laughs: 9 levels of anchors, each holding 10 aliases of the one before (10^9 nodes).
        var anchors = ["- &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
        for level in 1...9 {
            anchors.append("- &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]")
        }
        let text = anchors.joined(separator: "\n") + "\n- *a9\n"
        // a0 holds 11 nodes, a1 111, …, a4 111,111: the 8th alias of a4 passes 1,000,000 (123,330 before it).
        assertYAMLError(text, problem: "aliases expand the YAML to more than 1000000 nodes (at the alias *a4)",
                        line: 6, column: 8 + 7 * 5)
    }

    func testTheBudgetIsExactAndCoversTheWholeStream() throws {
        // 1,000 aliases of a 1,000-node anchor add exactly 1,000,000 nodes: allowed.
        let anchor = "a: &a [" + Array(repeating: "x", count: 999).joined(separator: ", ") + "]\n"
        let aliases = "b: [" + Array(repeating: "*a", count: 1000).joined(separator: ", ") + "]\n"
        let doc = try XCTUnwrap(YAML.parseDocuments(anchor + aliases).first)
        XCTAssertEqual(doc["b"]?.sequenceItems?.count, 1000)
        XCTAssertEqual(doc["b"]?.sequenceItems?.last, doc["a"])
        // One more node is over the budget.
        let over = anchor + aliases + "c: &s x\nd: *s\n"
        assertYAMLError(over, problem: "aliases expand the YAML to more than 1000000 nodes (at the alias *s)", line: 4, column: 4)
        // The budget is the stream's: two documents each adding 600,000 nodes exceed it in the second.
        let sixHundred = "b: [" + Array(repeating: "*a", count: 600).joined(separator: ", ") + "]\n"
        let stream = anchor + sixHundred + "---\n" + anchor + sixHundred
        XCTAssertThrowsError(try YAML.parseDocuments(stream)) { error in
            XCTAssertEqual((error as? YAMLError)?.line, 5)
        }
        XCTAssertEqual(try YAML.parseDocuments(anchor + sixHundred).count, 1)
    }

    func testAnchorsAndAliasesResolveAsBefore() throws {
        let doc = try XCTUnwrap(YAML.parseDocuments("""
            base: &base {image: nginx, ports: [80, 443]}
            copy: *base
            nested: &outer [*base, &inner 'quoted']
            again: *outer
            scalar: *inner
            base2: &base plain
            redefined: *base

            """).first)
        XCTAssertEqual(doc["copy"], doc["base"])
        XCTAssertEqual(doc["copy"]?["ports"]?.sequenceItems?.map(\.scalarText), ["80", "443"])
        // A copy keeps the anchored node's marks (libyaml starts a node at its anchor), style and tag.
        XCTAssertEqual(doc["copy"]?.mark, YAMLMark(line: 1, column: 7))
        XCTAssertEqual(doc["scalar"]?.scalar, YAMLScalar(value: "quoted", style: .singleQuoted, tag: nil, mark: YAMLMark(line: 3, column: 24)))
        XCTAssertEqual(doc["again"], doc["nested"])
        XCTAssertEqual(doc["nested"]?.sequenceItems?.first, doc["base"])
        // A later anchor of the same name replaces the earlier one.
        XCTAssertEqual(doc["redefined"]?.scalarText, "plain")
        // An anchor is not visible before its node ends, nor in the next document.
        XCTAssertThrowsError(try YAML.parseDocuments("a: &self [*self]\n")) { error in
            XCTAssertEqual((error as? YAMLError)?.problem, "invalid reference: self")
        }
        XCTAssertThrowsError(try YAML.parseDocuments("a: &x 1\n---\nb: *x\n")) { error in
            XCTAssertEqual(error as? YAMLError, YAMLError(problem: "invalid reference: x", line: 3, column: 4, lastEventLine: 3))
        }
    }

    func testMultiDocumentStreamsAreReadAsBefore() throws {
        let docs = try YAML.parseDocuments("a: 1\n---\n- b\n- [c, {d: e}]\n---\n---\nplain\n...\n")
        XCTAssertEqual(docs.count, 4)
        XCTAssertEqual(docs[0]["a"]?.scalarText, "1")
        XCTAssertEqual(docs[1], .sequence([
            .scalar(YAMLScalar(value: "b", style: .plain, tag: nil, mark: YAMLMark(line: 3, column: 3))),
            .sequence([
                .scalar(YAMLScalar(value: "c", style: .plain, tag: nil, mark: YAMLMark(line: 4, column: 4))),
                .mapping([YAMLPair(key: .scalar(YAMLScalar(value: "d", style: .plain, tag: nil, mark: YAMLMark(line: 4, column: 8))),
                                   value: .scalar(YAMLScalar(value: "e", style: .plain, tag: nil, mark: YAMLMark(line: 4, column: 11))))],
                         YAMLMark(line: 4, column: 7)),
            ], YAMLMark(line: 4, column: 3)),
        ], YAMLMark(line: 3, column: 1)))
        // An empty document is an empty plain scalar on the line of its end.
        XCTAssertEqual(docs[2], .scalar(YAMLScalar(value: "", style: .plain, tag: nil, mark: YAMLMark(line: 6, column: 1))))
        XCTAssertEqual(docs[3].scalarText, "plain")
        // A syntax error in a later document still fails the stream, with libyaml's text and position.
        XCTAssertThrowsError(try YAML.parseDocuments("a: 1\n---\n[b\n")) { error in
            let error = error as? YAMLError
            XCTAssertEqual(error?.problem, "did not find expected ',' or ']'")
            XCTAssertEqual(error?.lastEventLine, 3)
        }
    }
}
