import Foundation
import TestSupport
import XCTest

/// The Python evaluator clients (`python/evaluator_client.py`, `python/mtls_client.py`) print the rule
/// of each alert they receive, one a line, then `ok`: those rules must be the embedded run's, in order.
enum PythonAlertCheck {
    static func script(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("python/\(name)").path
    }

    static func assertSameRulesAsEmbedded(_ client: (status: Int32, output: String), rules: String, log: String,
                                          file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(client.status, 0, client.output, file: file, line: line)
        XCTAssertTrue(client.output.hasSuffix("ok\n"), client.output, file: file, line: line)
        let embedded = try Pspctl.run(["watch", "--rules", rules, "--audit-log", log, "--output", "json"])
        let embeddedRules = try embedded.stdoutLines.map { line -> String in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            return object?["rule"] as? String ?? ""
        }
        XCTAssertFalse(embeddedRules.isEmpty, file: file, line: line)
        XCTAssertEqual(Array(client.output.split(separator: "\n").dropLast().map(String.init)), embeddedRules, file: file, line: line)
    }
}
