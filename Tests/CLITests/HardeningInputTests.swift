import Foundation
import XCTest
import TestSupport

/// Issue 13's rows for the command line, each through the real binary: overlong and endless lines,
/// logs that cannot be read, control characters in event data, and runs that could judge nothing. Inputs
/// are generated here; resource rows assert the child's own peak RSS and wall time.
final class HardeningInputTests: XCTestCase {
    /// One rule that alerts on every event, printing the user name (event data) and the verb.
    private let everyEventRule = """
    - rule: Every event
      desc: every audit event
      condition: ka.verb exists
      output: event (user=%ka.user.name verb=%ka.verb)
      priority: WARNING
      source: k8s_audit
    """

    private func rulesFile(_ text: String? = nil) throws -> String {
        try Pspctl.temporaryFile(text ?? everyEventRule)
    }

    /// A minimal audit event at second `second`, by `user` (already a JSON string body, escapes allowed).
    private func event(_ second: Int, user: String = "alice", verb: String = "get", extra: String = "") -> String {
        #"{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","stage":"ResponseComplete","verb":"\#(verb)","user":{"username":"\#(user)"}\#(extra),"stageTimestamp":"2024-05-14T10:00:\#(String(format: "%02d", second))Z"}"#
    }

    private func alertCount(_ result: MeasuredRun.Result) -> Int {
        result.stdout.split(separator: "\n").count
    }

    // MARK: - Line limit

    /// A 50 MB line with `--max-line-bytes 1048576`: the usual line error, memory bounded by the limit,
    /// and with --keep-going the next line is still read.
    func testALineLongerThanTheLimitIsRejectedWithoutBufferingIt() throws {
        let path = try ScratchDirectory.make().appendingPathComponent("long.jsonl").path
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        let file = try XCTUnwrap(FileHandle(forWritingAtPath: path))
        file.write(Data((event(1) + "\n").utf8))
        let chunk = Data(repeating: UInt8(ascii: "a"), count: 1 << 20)
        for _ in 0..<50 { file.write(chunk) }
        file.write(Data(("\n" + event(3) + "\n").utf8))
        try file.close()
        let rules = try rulesFile()

        let kept = try MeasuredRun.pspctl(["watch", "--rules", rules, "--audit-log", path, "--max-line-bytes", "1048576",
                                           "--keep-going"], timeLimit: 60)
        XCTAssertFalse(kept.timedOut)
        XCTAssertEqual(kept.status, 1, kept.stderr)
        XCTAssertEqual(alertCount(kept), 2, "lines 1 and 3 are read: \(kept.stdout)")
        XCTAssertTrue(kept.stderr.contains(#"Could not read k8s audit event line #2, "aaaa"#), kept.stderr)
        XCTAssertTrue(kept.stderr.contains("…\": line is longer than 1048576 bytes, skipping"), kept.stderr)
        XCTAssertTrue(kept.stderr.contains("3 lines, 2 events, 2 alerts, 1 rejected lines"), kept.stderr)
        XCTAssertLessThan(kept.peakRSSMegabytes, 100 * MeasuredRun.memoryScale, "the line is never buffered whole")
        XCTAssertLessThan(kept.cpuSeconds, 30)

        let stopped = try MeasuredRun.pspctl(["watch", "--rules", rules, "--audit-log", path, "--max-line-bytes", "1048576"],
                                             timeLimit: 60)
        XCTAssertEqual(stopped.status, 1, stopped.stderr)
        XCTAssertEqual(alertCount(stopped), 1)
        XCTAssertTrue(stopped.stderr.contains("line #2") && stopped.stderr.contains("line is longer than 1048576 bytes, stopping"),
                      stopped.stderr)
        XCTAssertLessThan(stopped.peakRSSMegabytes, 100 * MeasuredRun.memoryScale)
    }

    /// A line of exactly the limit is read; one byte more is rejected.
    func testTheLimitIsInclusive() throws {
        let line = event(1)
        let log = try Pspctl.temporaryFile(line + "\n" + line + "x\n", suffix: ".jsonl")
        let rules = try rulesFile()
        let result = try MeasuredRun.pspctl(["watch", "--rules", rules, "--audit-log", log,
                                             "--max-line-bytes", String(line.utf8.count), "--keep-going"])
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertEqual(alertCount(result), 1)
        XCTAssertTrue(result.stderr.contains("line #2") && result.stderr.contains("line is longer than \(line.utf8.count) bytes"),
                      result.stderr)
        let invalid = try MeasuredRun.pspctl(["watch", "--rules", rules, "--audit-log", log, "--max-line-bytes", "0"])
        XCTAssertEqual(invalid.status, 2, invalid.stderr)
        XCTAssertTrue(invalid.stderr.contains("--max-line-bytes"), invalid.stderr)
    }

    /// The default limit (64 MiB) on a sparse file whose second line is 70 MiB of NUL bytes: the line is
    /// rejected, the third line read, memory stays far below the line's size.
    func testTheDefaultLimitRejectsA70MiBLine() throws {
        let path = try ScratchDirectory.make().appendingPathComponent("sparse.jsonl").path
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        let file = try XCTUnwrap(FileHandle(forWritingAtPath: path))
        let first = Data((event(1) + "\n").utf8)
        file.write(first)
        try file.seek(toOffset: UInt64(first.count + 70 << 20))  // a hole: read back as NUL bytes
        file.write(Data(("\n" + event(3) + "\n").utf8))
        try file.close()

        let result = try MeasuredRun.pspctl(["watch", "--rules", try rulesFile(), "--audit-log", path, "--keep-going"],
                                            timeLimit: 60)
        XCTAssertFalse(result.timedOut)
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertEqual(alertCount(result), 2)
        XCTAssertTrue(result.stderr.contains(#"line #2, "\u0000\u0000"#), String(result.stderr.prefix(500)))
        XCTAssertTrue(result.stderr.contains("line is longer than 67108864 bytes, skipping"), String(result.stderr.suffix(300)))
        XCTAssertLessThan(result.peakRSSMegabytes, 200 * MeasuredRun.memoryScale)
        XCTAssertLessThan(result.cpuSeconds, 30 * MeasuredRun.timeScale)
    }

    /// `--audit-log /dev/zero` is one endless line: it ends with the line error, in bounded memory.
    func testAnEndlessLineEndsWithTheLineError() throws {
        let result = try MeasuredRun.pspctl(["watch", "--rules", try rulesFile(), "--audit-log", "/dev/zero"], timeLimit: 30)
        XCTAssertFalse(result.timedOut, "the run must end on its own")
        XCTAssertEqual(result.status, 1, String(result.stderr.suffix(300)))
        XCTAssertTrue(result.stderr.contains("Could not read k8s audit event line #1"), String(result.stderr.prefix(200)))
        XCTAssertTrue(result.stderr.contains("line is longer than 67108864 bytes, stopping"), String(result.stderr.suffix(300)))
        XCTAssertLessThan(result.peakRSSMegabytes, 200 * MeasuredRun.memoryScale)
        XCTAssertLessThan(result.cpuSeconds, 20 * MeasuredRun.timeScale)
    }

    // MARK: - Read errors exit 2

    func testADirectoryOnStandardInputIsAReadError() throws {
        let directory = try ScratchDirectory.make().path
        let result = try MeasuredRun.pspctl(["watch", "--rules", try rulesFile(), "--audit-log", "-"], stdinPath: directory)
        XCTAssertEqual(result.status, 2, result.stderr)
        XCTAssertTrue(result.stderr.contains("pspctl watch: error reading the audit log: Is a directory"), result.stderr)
    }

    func testAClosedStandardInputIsAReadError() throws {
        // The shell closes descriptor 0 (`<&-`) before it becomes pspctl.
        let result = try MeasuredRun.run("/bin/sh", ["-c", #"exec "$0" watch --rules "$1" --audit-log - <&-"#,
                                                     Pspctl.executable.path, try rulesFile()])
        XCTAssertEqual(result.status, 2, result.stderr)
        XCTAssertTrue(result.stderr.contains("pspctl watch: error reading the audit log: standard input is closed"), result.stderr)
        XCTAssertEqual(result.stdout, "")
    }

    func testADirectoryAsTheAuditLogIsAnError() throws {
        let directory = try ScratchDirectory.make().path
        let result = try MeasuredRun.pspctl(["watch", "--rules", try rulesFile(), "--audit-log", directory])
        XCTAssertEqual(result.status, 2, result.stderr)
        XCTAssertTrue(result.stderr.contains("it is a directory"), result.stderr)
    }

    func testConvertReportsAReadErrorOnStandardInput() throws {
        let directory = try ScratchDirectory.make().path
        let result = try MeasuredRun.pspctl(["convert", "--psp-path", "-", "--rules-path", "-"], stdinPath: directory)
        XCTAssertEqual(result.status, 2, result.stderr)
        XCTAssertEqual(result.stderr, "pspctl convert: cannot read standard input: Is a directory\n")
    }

    /// A destination that is not a regular file (a FIFO here; /dev/null alike) is written to, never
    /// renamed over: the atomic rename would replace the FIFO or device itself.
    func testConvertWritesIntoAFIFOInsteadOfReplacingIt() throws {
        let directory = try ScratchDirectory.make()
        let fifo = directory.appendingPathComponent("rules.fifo").path
        let copy = directory.appendingPathComponent("copy.yaml").path
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let result = try MeasuredRun.run("/bin/sh", ["-c", #"cat "$1" > "$2" & "$0" convert --quiet --standard baseline --rules-path "$1"; status=$?; wait; exit $status"#,
                                                     Pspctl.executable.path, fifo, copy], timeLimit: 30)
        XCTAssertFalse(result.timedOut)
        XCTAssertEqual(result.status, 0, result.stderr)
        var status = stat()
        XCTAssertEqual(stat(fifo, &status), 0)
        XCTAssertEqual(status.st_mode & S_IFMT, S_IFIFO, "still a FIFO")
        let written = try String(contentsOfFile: copy, encoding: .utf8)
        XCTAssertTrue(written.contains("- rule: PSS baseline Violation (privileged)"), written)
    }

    // MARK: - Text output cannot be forged

    /// A user name holding ESC, BEL, a newline, CR, tab, other C0 controls, DEL and C1 controls: the text
    /// alert stays one line with every control escaped as JSON escapes it; the JSON alert is unchanged.
    func testControlCharactersInEventDataAreEscapedInTextAlerts() throws {
        let forged = #"ev\u001b[31mil\n10:00:02.000000000: Critical Fake alert\r\u0007\t\u0001\u007f\u0085\u009b2J\\ok"#
        let log = try Pspctl.temporaryFile(event(1, user: forged) + "\n" + event(2) + "\n", suffix: ".jsonl")
        let rules = try rulesFile()
        let text = try MeasuredRun.pspctl(["watch", "--rules", rules, "--audit-log", log])
        XCTAssertEqual(text.status, 0, text.stderr)
        let lines = text.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(lines.count, 3, "two alerts, one line each: \(text.stdout)")
        XCTAssertEqual(String(lines[0]),
                       #"10:00:01.000000000: Warning event (user=ev\u001b[31mil\n10:00:02.000000000: Critical Fake alert\r\u0007\t\u0001\u007f\u0085\u009b2J\ok verb=get)"#)
        XCTAssertEqual(String(lines[1]), "10:00:02.000000000: Warning event (user=alice verb=get)")
        for scalar in text.stdout.unicodeScalars where scalar != "\n" {
            XCTAssertFalse(scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value), "raw control U+\(String(scalar.value, radix: 16))")
        }

        let json = try MeasuredRun.pspctl(["watch", "--rules", rules, "--audit-log", log, "--output", "json"])
        XCTAssertEqual(json.status, 0, json.stderr)
        let first = try XCTUnwrap(json.stdout.split(separator: "\n").first)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any])
        let fields = try XCTUnwrap(object["output_fields"] as? [String: String])
        XCTAssertEqual(fields["ka.user.name"], "ev\u{1B}[31mil\n10:00:02.000000000: Critical Fake alert\r\u{07}\t\u{01}\u{7F}\u{85}\u{9B}2J\\ok")
        XCTAssertTrue(first.contains(#""ka.user.name":"ev\u001b[31mil\n10:00:02.000000000: Critical Fake alert\r\u0007\t\u0001"#),
                      "JSON keeps Falco's escaping: \(first)")
    }

    /// The line error quotes the line with its controls escaped: one stderr line per rejected line.
    func testControlCharactersInARejectedLineAreEscaped() throws {
        let log = try Pspctl.temporaryFile("{\"kind\":\"Pod\u{1B}[2J\u{07}\",\"x\":\"a\u{7F}\u{85}b\"}\nnot json\u{1B}]0;title\u{07}\n",
                                           suffix: ".jsonl")
        let result = try MeasuredRun.pspctl(["watch", "--rules", try rulesFile(), "--audit-log", log, "--keep-going"])
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertTrue(result.stderr.contains(#"line #1, "{"kind":"Pod\u001b[2J\u0007","x":"a\u007f\u0085b"}": "#), result.stderr)
        XCTAssertTrue(result.stderr.contains(#"line #2, "not json\u001b]0;title\u0007": Could not parse data"#), result.stderr)
        for scalar in result.stderr.unicodeScalars where scalar != "\n" {
            XCTAssertFalse(scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value), "raw control U+\(String(scalar.value, radix: 16))")
        }
    }

    /// A rules-loading error quoting the rules file keeps its lines but escapes other controls.
    func testControlCharactersInARulesLoadErrorAreEscaped() throws {
        let rules = try rulesFile("""
        - rule: Bad
          desc: d
          condition: "ka.user.name = \\"\\e[2Jx\\" and ("
          output: o
          priority: WARNING
          source: k8s_audit
        """)
        let result = try MeasuredRun.pspctl(["watch", "--rules", rules, "--audit-log", "-"], stdinText: "")
        XCTAssertEqual(result.status, 2, result.stderr)
        XCTAssertTrue(result.stderr.contains(#"\u001b[2Jx"#), result.stderr)
        XCTAssertFalse(result.stderr.unicodeScalars.contains("\u{1B}"), result.stderr)
    }

    // MARK: - Say when nothing could be judged

    func testAWarningWhenNoRuleHasSourceK8sAudit() throws {
        let syscallOnly = try rulesFile("""
        - rule: Shell
          desc: a shell
          condition: proc.name = bash
          output: shell (%proc.name)
          priority: WARNING
        """)
        let log = try Pspctl.temporaryFile(event(1) + "\n", suffix: ".jsonl")
        let result = try MeasuredRun.pspctl(["watch", "--rules", syscallOnly, "--audit-log", log])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("pspctl watch: warning: no loaded rule has source k8s_audit (1 rules are loaded: 1 with source syscall); the audit log cannot produce alerts"),
                      result.stderr)

        let empty = try MeasuredRun.pspctl(["watch", "--rules", try rulesFile("# nothing\n"), "--audit-log", log])
        XCTAssertEqual(empty.status, 0, empty.stderr)
        XCTAssertTrue(empty.stderr.contains("no loaded rule has source k8s_audit (no rules are loaded)"), empty.stderr)

        let quiet = try MeasuredRun.pspctl(["watch", "--rules", syscallOnly, "--audit-log", log, "--quiet"])
        XCTAssertEqual(quiet.stderr, "")

        let audit = try MeasuredRun.pspctl(["watch", "--rules", try rulesFile(), "--audit-log", log])
        XCTAssertFalse(audit.stderr.contains("warning"), audit.stderr)
    }

    /// Pod-creating requests logged at level Metadata are counted when pod-spec rules (a converted PSS
    /// level) are loaded: reads, subresources, requests with their object and RequestReceived stages are not.
    func testPodCreatingRequestsWithoutRequestObjectAreCounted() throws {
        let pss = try ScratchDirectory.make().appendingPathComponent("pss.yaml").path
        let converted = try MeasuredRun.pspctl(["convert", "--standard", "baseline", "--rules-path", pss, "--quiet"])
        XCTAssertEqual(converted.status, 0, converted.stderr)
        func ref(_ resource: String, group: String = "", subresource: String? = nil) -> String {
            #","objectRef":{"resource":"\#(resource)","apiGroup":"\#(group)","namespace":"default","name":"x""#
                + (subresource.map { #","subresource":"\#($0)""# } ?? "") + "}"
        }
        let lines = [
            event(1, verb: "create", extra: ref("pods")),                                    // counted
            event(2, verb: "create", extra: ref("deployments", group: "apps")),              // counted
            event(3, verb: "patch", extra: ref("cronjobs", group: "batch")),                 // counted
            event(4, verb: "create", extra: ref("pods", subresource: "exec")),               // a subresource
            event(5, verb: "get", extra: ref("pods")),                                       // a read
            event(6, verb: "create", extra: ref("deployments", group: "")),                  // not the apps group
            event(7, verb: "create", extra: ref("pods") + #","requestObject":{"kind":"Pod","spec":{"containers":[{"name":"a","image":"nginx"}]}}"#),
            event(8, verb: "create", extra: ref("pods")).replacingOccurrences(of: "ResponseComplete", with: "RequestReceived"),
        ]
        let log = try Pspctl.temporaryFile(lines.joined(separator: "\n") + "\n", suffix: ".jsonl")
        let result = try MeasuredRun.pspctl(["watch", "--rules", pss, "--audit-log", log])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("pspctl watch: warning: 3 pod-creating requests (create, update or patch of a pod or a pod template) carried no requestObject (audit level Metadata), so the rules about pod specs could not judge them; log pods and their controllers at level Request in the audit policy"),
                      result.stderr)
        XCTAssertTrue(result.stderr.hasSuffix("pspctl watch: 8 lines, 8 events, 0 alerts\n"), "the count stays last: \(result.stderr)")

        // Rules that read no pod spec: nothing to say.
        let plain = try MeasuredRun.pspctl(["watch", "--rules", try rulesFile(), "--audit-log", log])
        XCTAssertFalse(plain.stderr.contains("pod-creating"), plain.stderr)
    }

    func testAStandardVersionBeyondTheNewestWarns() throws {
        let result = try MeasuredRun.pspctl(["convert", "--standard", "baseline", "--standard-version", "v1.99", "--rules-path", "-"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("pspctl convert: warning: --standard-version v1.99 is newer than the newest Pod Security Standards version pspctl knows (v1.37): it is evaluated as v1.37, as Pod Security Admission does"),
                      result.stderr)
        XCTAssertTrue(result.stdout.contains("baseline:v1.99"), "messages keep the version as given")
        for version in ["v1.37", "latest", "v1.25"] {
            let plain = try MeasuredRun.pspctl(["convert", "--standard", "baseline", "--standard-version", version, "--rules-path", "-"])
            XCTAssertEqual(plain.status, 0, plain.stderr)
            XCTAssertFalse(plain.stderr.contains("warning"), "\(version): \(plain.stderr)")
        }
    }

    // MARK: - A newcomer's first ten minutes

    func testPspctlWithoutSubcommandIsAUsageError() throws {
        let result = try MeasuredRun.pspctl([])
        XCTAssertEqual(result.status, 2, result.stderr)
        XCTAssertEqual(result.stdout, "")
        XCTAssertTrue(result.stderr.contains("Usage: pspctl <subcommand>"), result.stderr)
        XCTAssertTrue(result.stderr.contains("a subcommand is required"), result.stderr)
    }

    func testHelpOfEveryCommandCarriesExamples() throws {
        for command in [[], ["watch"], ["convert"], ["report"]] {
            let result = try MeasuredRun.pspctl(command + ["--help"])
            XCTAssertEqual(result.status, 0, result.stderr)
            XCTAssertTrue(result.stdout.contains("Examples:"), "\(command): \(result.stdout)")
            let examples = result.stdout.split(separator: "\n").filter { $0.trimmingCharacters(in: .whitespaces).hasPrefix("pspctl ") }
            XCTAssertGreaterThanOrEqual(examples.count, 2, "\(command): \(result.stdout)")
            let expected = command.first.map { "pspctl \($0) " }
            if let expected {
                XCTAssertTrue(examples.contains { $0.contains(expected) }, "\(command): \(examples)")
            }
        }
    }

    func testBashCompletionCompletesPathsAndValues() throws {
        let result = try MeasuredRun.pspctl(["--generate-completion-script", "bash"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        func completion(of option: String, in function: String) -> String? {
            guard let start = lines.firstIndex(where: { $0.hasPrefix("\(function)()") }),
                  let label = lines[start...].firstIndex(where: { $0.trimmingCharacters(in: .whitespaces).hasPrefix("'\(option)'") }),
                  label + 1 < lines.count else { return nil }
            return lines[label + 1]
        }
        let paths = [("_pspctl_watch", "--rules", "yaml|yml"), ("_pspctl_watch", "--audit-log", "jsonl|json|log|gz"),
                     ("_pspctl_convert", "--psp-path", "yaml|yml|json"), ("_pspctl_convert", "--rules-path", "yaml|yml"),
                     ("_pspctl_convert", "--admission-config", "yaml|yml|json"),
                     ("_pspctl_report", "--audit-log", "jsonl|json|log|gz"), ("_pspctl_report", "--admission-config", "yaml|yml|json"),
                     ("_pspctl_check", "-f", "yaml|yml|json"), ("_pspctl_check", "--admission-config", "yaml|yml|json")]
        for (function, option, extensions) in paths {
            let line = completion(of: option, in: function)
            XCTAssertEqual(line?.contains("-o plusdirs -fX '!*.@(\(extensions))'"), true, "\(option): \(line ?? "none")")
        }
        XCTAssertEqual(completion(of: "--standard", in: "_pspctl_convert")?.contains(#"-W 'baseline'$'\n''restricted'"#), true)
        XCTAssertEqual(completion(of: "--format", in: "_pspctl_report")?.contains(#"-W 'table'$'\n''json'$'\n''markdown'"#), true)
        XCTAssertEqual(completion(of: "--format", in: "_pspctl_check")?.contains(#"-W 'table'$'\n''json'$'\n''markdown'"#), true)
        let priorities = completion(of: "--min-priority", in: "_pspctl_watch") ?? ""
        for priority in ["emergency", "alert", "critical", "error", "warning", "notice", "informational", "debug"] {
            XCTAssertTrue(priorities.contains("'\(priority)'"), priorities)
        }
    }
}
