import Foundation
import XCTest
import TestSupport

/// This target's data files, read from the source tree next to this file.
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let k8sAuditRules = directory.appendingPathComponent("k8s_audit_rules")

    /// A fixture of `k8s_audit_rules/` by slug (`create-privileged-pod` → its `.jsonl`).
    static func auditLog(_ slug: String) -> String {
        k8sAuditRules.appendingPathComponent("\(slug).jsonl").path
    }

    /// The physical lines of a fixture audit log (every fixture line is one event).
    static func lines(of slug: String) throws -> [String] {
        try String(contentsOfFile: auditLog(slug), encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false)
            .dropLast() // the file ends with a newline
            .map(String.init)
    }

    static func line(_ number: Int, of slug: String) throws -> String {
        try lines(of: slug)[number - 1]
    }

    /// `line` (a fixture event) with its `stageTimestamp` replaced.
    static func restamped(_ line: String, stageTimestamp: String) throws -> String {
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        let old = "\"stageTimestamp\":\"\(object?["stageTimestamp"] as? String ?? "")\""
        XCTAssertTrue(line.contains(old), "no stageTimestamp in \(line)")
        return line.replacingOccurrences(of: old, with: "\"stageTimestamp\":\"\(stageTimestamp)\"")
    }
}

/// Falco 0.31.1's own rules files, loaded unchanged from `../shared`.
enum FalcoRulesFiles {
    static let k8sAudit = Pspctl.falcoRulesFile("k8s_audit_rules.yaml")
    static let syscall = Pspctl.falcoRulesFile("falco_rules.yaml")
}

/// `pspctl watch` as a user runs it.
enum Watch {
    static func run(rules: [String], auditLog: String, output: String = "json",
                    options: [String] = [], stdin: String? = nil,
                    environment: [String: String] = [:]) throws -> Pspctl.Result {
        var arguments = ["watch"]
        for file in rules { arguments += ["--rules", file] }
        arguments += ["--audit-log", auditLog, "--output", output] + options
        return try Pspctl.run(arguments, stdin: stdin, environment: environment)
    }

    /// Runs `lines` (joined with "\n", plus `terminator`) as an audit log file.
    static func run(rules: [String], lines: [String], terminator: String = "\n", output: String = "json",
                    options: [String] = []) throws -> Pspctl.Result {
        let log = try Pspctl.temporaryFile(lines.joined(separator: "\n") + terminator, suffix: ".jsonl")
        return try run(rules: rules, auditLog: log, output: output, options: options)
    }
}

/// One `--output json` alert line (falco-rules.md 11.5, k8s-audit-fields.md 4.4).
struct JSONAlert {
    let raw: String
    let output: String
    let priority: String
    let rule: String
    let source: String
    let tags: [String]
    let time: String
    let outputFields: [String: String]

    struct Malformed: Error, CustomStringConvertible {
        let line: String
        var description: String { "not a Falco JSON alert: \(line)" }
    }

    init(_ line: String) throws {
        guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
              let output = object["output"] as? String, let priority = object["priority"] as? String,
              let rule = object["rule"] as? String, let source = object["source"] as? String,
              let tags = object["tags"] as? [String], let time = object["time"] as? String,
              let fields = object["output_fields"] as? [String: String]
        else { throw Malformed(line: line) }
        raw = line
        self.output = output; self.priority = priority; self.rule = rule; self.source = source
        self.tags = tags; self.time = time; outputFields = fields
    }

    /// `HH:MM:SS.nnnnnnnnn`, the `%jevt.time` prefix of the text line under TZ=UTC.
    var utcTimeOfDay: String { AlertTime.timeOfDay(time) }

    static func parseAll(_ result: Pspctl.Result) throws -> [JSONAlert] {
        try result.stdoutLines.map(JSONAlert.init)
    }
}

enum AlertTime {
    /// The alert `time` for an event's `stageTimestamp` (`…:SS[.fraction]Z`): pspctl keeps the exact
    /// nanoseconds (spec README, "Correct": no rounding through a double; Falco 0.31.1 rounds to 256 ns).
    static func expected(stageTimestamp: String) -> String {
        var text = stageTimestamp
        if text.hasSuffix("Z") { text.removeLast() }
        let parts = text.split(separator: ".", maxSplits: 1)
        let fraction = parts.count == 2 ? String(parts[1]) : ""
        return "\(parts[0]).\(fraction.padding(toLength: 9, withPad: "0", startingAt: 0))Z"
    }

    static func expected(forEventLine line: String) throws -> String {
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        return expected(stageTimestamp: object?["stageTimestamp"] as? String ?? "")
    }

    /// `YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ` → `HH:MM:SS.nnnnnnnnn`.
    static func timeOfDay(_ time: String) -> String {
        String(time.dropFirst(11).prefix(18))
    }
}

/// Alerts grouped by the audit-log line whose event time they carry (test logs give each line its own time).
struct AlertsByLine {
    let perLine: [[JSONAlert]]
    /// Alerts whose time belongs to no line.
    let unmatched: [JSONAlert]

    init(_ alerts: [JSONAlert], lines: [String]) throws {
        let times = try lines.map(AlertTime.expected(forEventLine:))
        var byTime = Dictionary(grouping: alerts, by: \.time)
        perLine = times.map { byTime.removeValue(forKey: $0) ?? [] }
        unmatched = byTime.values.flatMap { $0 }
    }

    /// The rule names alerted for 1-based line `number`.
    func rules(line number: Int) -> [String] { perLine[number - 1].map(\.rule) }

    /// One entry per line: the single rule alerted, nil for none, "a+b" if several (never expected).
    var verdicts: [String?] { perLine.map { $0.isEmpty ? nil : $0.map(\.rule).joined(separator: "+") } }
}

/// Asserts the byte layout of a Falco JSON alert: envelope keys in byte order, no spaces, then
/// `, "output_fields": {…}}` (falco-rules.md 11.5).
func assertFalcoJSONLayout(_ line: String, _ label: String, file: StaticString = #filePath, line sourceLine: UInt = #line) {
    let markers = [#"{"output":""#, #"","priority":""#, #"","rule":""#, #"","source":"k8s_audit","tags":["#,
                   #"],"time":""#, #"", "output_fields": {"#]
    var searchStart = line.startIndex
    for marker in markers {
        guard let range = line.range(of: marker, range: searchStart..<line.endIndex) else {
            XCTFail("\(label): JSON alert lacks \(marker) in order: \(line)", file: file, line: sourceLine)
            return
        }
        searchStart = range.upperBound
    }
    XCTAssertTrue(line.hasPrefix(markers[0]) && line.hasSuffix("}}"), "\(label): \(line)", file: file, line: sourceLine)
}
