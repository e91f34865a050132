import Foundation
import TestSupport
import XCTest

/// Sensor events for a syscall-event test: one JSON object per line, `evt.rawtime` unique per event
/// (so alerts map back to their event).
enum SensorEvents {
    static let directory = Fixtures.directory.appendingPathComponent("syscall")
    static let falcoRulesEvents = directory.appendingPathComponent("falco_rules_events.jsonl").path

    /// One event line; `fields` beside the three required members, `time` its `evt.rawtime`.
    static func line(_ type: String, _ direction: String = "<", time: UInt64, _ fields: [String: Any] = [:]) -> String {
        var object = fields
        object["evt.type"] = type
        object["evt.dir"] = direction
        object["evt.rawtime"] = String(time)
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }

    /// `pspctl watch --syscall-events FILE` over `lines`.
    static func watch(rules: [String], lines: [String], output: String = "json", options: [String] = []) throws -> Pspctl.Result {
        let file = try Pspctl.temporaryFile(lines.joined(separator: "\n") + "\n", suffix: ".jsonl")
        return try watch(rules: rules, file: file, output: output, options: options)
    }

    static func watch(rules: [String], file: String, output: String = "json", options: [String] = [],
                      stdin: String? = nil) throws -> Pspctl.Result {
        var arguments = ["watch"]
        for rulesFile in rules { arguments += ["--rules", rulesFile] }
        arguments += ["--syscall-events", file, "--output", output] + options
        return try Pspctl.run(arguments, stdin: stdin)
    }

    /// The `evt.rawtime` of each line of a file.
    static func times(ofFile path: String) throws -> [UInt64] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            return UInt64(object?["evt.rawtime"] as? String ?? "") ?? 0
        }
    }
}

/// A syscall JSON alert (falco-rules.md §11.5): the envelope, and `output_fields` with typed values.
struct SyscallAlert {
    let rule: String
    let priority: String
    let source: String
    let output: String
    let time: String
    let tags: [String]
    let fields: [String: Any]
    /// `output_fields.evt.time`: the event's `evt.rawtime`.
    var eventTime: UInt64 { (fields["evt.time"] as? NSNumber)?.uint64Value ?? 0 }

    init(_ line: String) throws {
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], line)
        rule = try XCTUnwrap(object["rule"] as? String)
        priority = try XCTUnwrap(object["priority"] as? String)
        source = try XCTUnwrap(object["source"] as? String)
        output = try XCTUnwrap(object["output"] as? String)
        time = try XCTUnwrap(object["time"] as? String)
        tags = try XCTUnwrap(object["tags"] as? [String])
        fields = try XCTUnwrap(object["output_fields"] as? [String: Any])
        let markers = [#"{"output":""#, #"","priority":""#, #"","rule":""#, #"","source":"syscall","tags":["#,
                       #"],"time":""#, #"", "output_fields": {"#]
        var position = line.startIndex
        for marker in markers {
            let range = try XCTUnwrap(line.range(of: marker, range: position..<line.endIndex), "\(marker) in \(line)")
            position = range.upperBound
        }
    }

    static func all(_ result: Pspctl.Result) throws -> [SyscallAlert] { try result.stdoutLines.map(SyscallAlert.init) }
}

/// `pspctl watch --syscall-events`: syscall rules judged on sensor events with Falco 0.31.1's semantics,
/// the System Activity rules of `pspctl convert` and Falco's own `falco_rules.yaml`.
final class SyscallEventsTests: XCTestCase {
    /// Per line of `falco_rules_events.jsonl`: the rule of `falco_rules.yaml` it fires (nil: none).
    static let falcoVerdicts: [String?] = [
        "Terminal shell in container", nil,                       // shell with a tty / without one
        "Write below etc", nil,                                   // write below /etc / below /tmp
        "Read sensitive file untrusted", nil,                     // cat / sshd reads /etc/shadow
        "Launch Privileged Container", nil,                       // container event, privileged / not
        "Create Symlink Over Sensitive Files", nil,               // symlink to /etc/shadow / to /etc/hosts
        "Clear Log Activities", nil,                              // O_TRUNC / O_APPEND on /var/log/auth.log
        "Contact K8S API Server From Container", nil,             // connect to the API server / elsewhere
        "Netcat Remote Code Execution in Container",              // nc -e (also a suspicious network tool)
        "Launch Suspicious Network Tool in Container",            // plain nc: the later rule only
        "Mkdir binary dirs", nil,                                 // mkdir below /bin / below /tmp
    ]

    func testFalcoRulesFireOnTheirEventsAndNotOnNearMisses() throws {
        let rules = FalcoRulesFiles.syscall
        guard FileManager.default.fileExists(atPath: rules) else { throw XCTSkip("no falco_rules.yaml in ../shared") }
        let result = try SensorEvents.watch(rules: [rules], file: SensorEvents.falcoRulesEvents)
        XCTAssertEqual(result.status, 0, result.stderr)
        let alerts = try SyscallAlert.all(result)
        let byTime = Dictionary(grouping: alerts, by: \.eventTime)
        let times = try SensorEvents.times(ofFile: SensorEvents.falcoRulesEvents)
        XCTAssertEqual(times.count, Self.falcoVerdicts.count)
        for (index, time) in times.enumerated() {
            XCTAssertEqual(byTime[time]?.map(\.rule) ?? [], Self.falcoVerdicts[index].map { [$0] } ?? [], "line \(index + 1)")
        }
        XCTAssertEqual(alerts.count, Self.falcoVerdicts.compactMap { $0 }.count, "one alert per event at most")
        XCTAssertTrue(alerts.allSatisfy { $0.source == "syscall" })
        XCTAssertTrue(result.stderr.hasSuffix("pspctl watch: 18 lines, 18 events, \(alerts.count) alerts\n"), result.stderr)

        // The text alert and JSON fields of one rule, in Falco's layout (%container.info expanded).
        let shell = try XCTUnwrap(alerts.first)
        let text = "05:20:00.001000000: Notice A shell was spawned in a container with an attached terminal (user=root "
            + "user_loginuid=-1 web (id=0123456789ab) shell=bash parent=runc cmdline=bash terminal=34816 "
            + "container_id=0123456789ab image=docker.io/library/nginx)"
        XCTAssertEqual(shell.output, text)
        XCTAssertEqual(shell.priority, "Notice")
        XCTAssertEqual(shell.time, "2022-04-15T05:20:00.001000000Z")
        XCTAssertEqual(shell.tags, ["container", "mitre_execution", "shell"])
        XCTAssertEqual(shell.fields["evt.time"] as? NSNumber, NSNumber(value: 1_650_000_000_001_000_000 as UInt64))
        XCTAssertEqual(shell.fields["proc.tty"] as? NSNumber, 34816, "numbers stay JSON numbers")
        XCTAssertEqual(shell.fields["user.loginuid"] as? NSNumber, -1)
        XCTAssertEqual(shell.fields["proc.name"] as? String, "bash")
        XCTAssertEqual(Set(shell.fields.keys), ["evt.time", "user.name", "user.loginuid", "container.name", "container.id",
                                                "proc.name", "proc.pname", "proc.cmdline", "proc.tty",
                                                "container.image.repository"])
        let textRun = try SensorEvents.watch(rules: [rules], file: SensorEvents.falcoRulesEvents, output: "text")
        XCTAssertEqual(textRun.stdoutLines, alerts.map(\.output), "text lines are the JSON alerts' output")

        // A field the event lacks is <NA> in text and null in output_fields (here proc.aname[3]).
        let etc = try XCTUnwrap(alerts.first { $0.rule == "Write below etc" })
        XCTAssertTrue(etc.output.contains("gparent=sshd ggparent=<NA> gggparent=<NA>"), etc.output)
        XCTAssertTrue(etc.fields["proc.aname[3]"] is NSNull)
    }

    func testAllMatchesReportsEveryRuleInLoadOrder() throws {
        let rules = FalcoRulesFiles.syscall
        guard FileManager.default.fileExists(atPath: rules) else { throw XCTSkip("no falco_rules.yaml in ../shared") }
        let line = try String(contentsOfFile: SensorEvents.falcoRulesEvents, encoding: .utf8).split(separator: "\n")[14]
        let first = try SensorEvents.watch(rules: [rules], lines: [String(line)])
        XCTAssertEqual(try SyscallAlert.all(first).map(\.rule), ["Netcat Remote Code Execution in Container"])
        let all = try SensorEvents.watch(rules: [rules], lines: [String(line)], options: ["--all-matches"])
        XCTAssertEqual(try SyscallAlert.all(all).map(\.rule),
                       ["Netcat Remote Code Execution in Container", "Launch Suspicious Network Tool in Container"])
    }

    /// Every System Activity rule `pspctl convert` emits, with an event that fires it and one that must not.
    func testPSPSystemActivityRulesFireAndNearMissesDoNot() throws {
        let directory = try ScratchDirectory.make()
        var rulesFiles: [String] = []
        var activityRules: [String] = []
        for name in ["strict", "nonroot"] {
            let rules = directory.appendingPathComponent("\(name).rules.yaml").path
            let psp = SensorEvents.directory.appendingPathComponent("\(name)-psp.yaml").path
            let convert = try Pspctl.run(["convert", "--psp-path", psp, "--rules-path", rules, "--quiet"])
            XCTAssertEqual(convert.status, 0, convert.stderr)
            rulesFiles.append(rules)
            activityRules += try String(contentsOfFile: rules, encoding: .utf8).split(separator: "\n")
                .filter { $0.hasPrefix("- rule: ") && $0.hasSuffix("System Activity") }.map { String($0.dropFirst(8)) }
        }
        let kinds = ["privileged", "readOnlyRootFilesystem", "runAsUser=MustRunAs", "runAsGroup=MustRunAs",
                     "runAsUser=MustRunAsNonRoot"]
        for kind in kinds {
            XCTAssertTrue(activityRules.contains { $0.contains("(\(kind))") }, "\(kind) in \(activityRules)")
        }
        let container: [String: Any] = ["container.id": "0123456789ab", "container.name": "web",
                                        "container.image.repository": "nginx", "container.image.tag": "1.21",
                                        "proc.name": "sh", "proc.cmdline": "sh -c id", "user.name": "app"]
        func event(_ type: String, _ direction: String = "<", _ extra: [String: Any]) -> [String: Any] {
            container.merging(extra) { $1 }.merging(["evt.type": type, "evt.dir": direction]) { $1 }
        }
        // (rules file, event, the rule it fires: a System Activity rule kind, or nil)
        let cases: [(Int, [String: Any], String?)] = [
            (0, event("container", ">", ["container.privileged": true]), "privileged"),
            (0, event("container", ">", ["container.privileged": false]), nil),
            (0, event("openat", "<", ["evt.arg.flags": "O_WRONLY|O_CREAT", "fd.typechar": "f", "fd.num": 3, "fd.name": "/usr/share/x"]),
             "readOnlyRootFilesystem"),
            (0, event("openat", "<", ["evt.arg.flags": "O_RDONLY", "fd.typechar": "f", "fd.num": 3, "fd.name": "/usr/share/x"]), nil),
            (0, event("open", "<", ["evt.is_open_write": true, "fd.typechar": "f", "fd.num": -2, "fd.name": "/usr/share/x"]), nil),
            (0, event("execve", "<", ["user.uid": 0, "group.gid": 1500]), "runAsUser=MustRunAs"),
            (0, event("execve", "<", ["user.uid": 1500, "group.gid": 1500]), nil),
            (0, event("setgid", "<", ["user.uid": 1500, "group.gid": 0]), "runAsGroup=MustRunAs"),
            (0, event("setgid", ">", ["user.uid": 1500, "group.gid": 0]), nil),
            (0, event("execve", "<", ["user.uid": 0, "group.gid": 0, "container.id": "host"]), nil),
            (1, event("setuid", "<", ["user.uid": 0]), "runAsUser=MustRunAsNonRoot"),
            (1, event("setuid", "<", ["user.uid": 1000]), nil),
        ]
        for (index, (file, fields, expected)) in cases.enumerated() {
            var fields = fields
            fields["evt.rawtime"] = String(1_650_000_000_000_000_000 + UInt64(index))
            let data = try JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])
            let result = try SensorEvents.watch(rules: [rulesFiles[file]], lines: [String(decoding: data, as: UTF8.self)])
            XCTAssertEqual(result.status, 0, result.stderr)
            let alerts = try SyscallAlert.all(result)
            XCTAssertEqual(alerts.map { $0.rule.hasSuffix("System Activity") }, expected == nil ? [] : [true], "case \(index)")
            if let expected {
                let alert = try XCTUnwrap(alerts.first)
                XCTAssertTrue(alert.rule.contains("(\(expected))"), "case \(index): \(alert.rule)")
                XCTAssertEqual(alert.priority, "Warning")
                XCTAssertTrue(alert.output.contains("validation failure--"), alert.output)
                XCTAssertTrue(alert.output.contains("0123456789ab"), alert.output)
            }
        }
    }

    /// Rules indexed by event type (syscall-fields.md §4.4): a rule without an evt.type restriction is
    /// never evaluated for a generic event; a rule whose set is empty (a syscall-only name) is, after the
    /// indexed ones; events Falco skips by default are not evaluated.
    func testEventTypeIndexingGenericAndSkippedEvents() throws {
        let rules = try Pspctl.temporaryFile("""
            - rule: Any event of x
              desc: no evt.type restriction
              condition: proc.name = x
              output: any (proc=%proc.name type=%evt.type)
              priority: NOTICE
            - rule: Generic mknod
              desc: a syscall-only name, an empty event-type set
              condition: evt.type = mknod
              output: mknod (proc=%proc.name)
              priority: WARNING
              warn_evttypes: false
            - rule: Open by y
              desc: indexed under open
              condition: evt.type = open and proc.name = y
              output: open (proc=%proc.name)
              priority: ERROR
            - rule: Read by z
              desc: read events are skipped by default (EF_DROP_SIMPLE_CONS), as Falco without -A skips them
              condition: evt.type = read and proc.name = z
              output: read (proc=%proc.name)
              priority: ERROR
            """)
        let lines = [
            SensorEvents.line("open", time: 1, ["proc.name": "x"]),            // the ALL rule, first in order
            SensorEvents.line("mknod", time: 2, ["proc.name": "x"]),           // generic: only the empty-set rule
            SensorEvents.line("open", time: 3, ["proc.name": "y"]),            // indexed rule, then empty-set: first wins
            SensorEvents.line("read", time: 4, ["proc.name": "z"]),            // skipped by default: not evaluated
        ]
        let result = try SensorEvents.watch(rules: [rules], lines: lines, output: "text")
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdoutLines, [
            "00:00:00.000000001: Notice any (proc=x type=open)",
            "00:00:00.000000002: Warning mknod (proc=x)",
            "00:00:00.000000003: Error open (proc=y)",
        ])
        XCTAssertTrue(result.stderr.contains("4 lines, 4 events, 3 alerts"), result.stderr)
        // --all-events (Falco's -A) judges the skipped read event too, and drops the warning.
        let all = try SensorEvents.watch(rules: [rules], lines: lines, output: "text", options: ["--all-events"])
        XCTAssertEqual(all.stdoutLines.last, "00:00:00.000000004: Error read (proc=z)")
        XCTAssertEqual(all.stdoutLines.count, 4)
        XCTAssertFalse(all.stderr.contains("ignored-evttype"), all.stderr)
        // Falco's ignored-evttype warning, in pspctl's words: `Any event of x` covers every type, `Read by z` read.
        XCTAssertTrue(result.stderr.hasPrefix("pspctl watch: warning (ignored-evttype): loaded rules match the following events: "),
                      result.stderr)
        XCTAssertTrue(result.stderr.contains(",read,") && result.stderr.contains(
            "; but events of these types are skipped, as Falco skips them unless run with -A\n"), result.stderr)
    }

    /// Upstream quirk reproduced (falco-rules.md §7.4): a negated compound gets the complement of its
    /// whole set, so `not (evt.type = open and proc.name = x)` is never evaluated on open events.
    func testANegatedCompoundIsNeverEvaluatedOnItsEventTypes() throws {
        let rules = try Pspctl.temporaryFile("""
            - rule: Not an open by x
              desc: a negated compound
              condition: not (evt.type = open and proc.name = x)
              output: not open by x (type=%evt.type proc=%proc.name)
              priority: NOTICE
            """)
        let result = try SensorEvents.watch(rules: [rules], lines: [
            SensorEvents.line("open", time: 1, ["proc.name": "y"]),    // true, but open is not in the rule's set
            SensorEvents.line("execve", time: 2, ["proc.name": "y"]),  // evaluated: true
        ], output: "text")
        XCTAssertEqual(result.stdoutLines, ["00:00:00.000000002: Notice not open by x (type=execve proc=y)"])
    }

    /// Correction (falco-rules.md §10.4): a rule that matches only through a leading `not` is reported
    /// under its own name (Falco reports whichever rule last stamped the event, or stops).
    func testALeadingNegationIsReportedUnderItsOwnName() throws {
        let rules = try Pspctl.temporaryFile("""
            - rule: Stamping rule
              desc: its first check is true for execve, then it fails
              condition: evt.type = execve and proc.name = never
              output: stamping
              priority: ERROR
            - rule: Not bash
              desc: matches through a leading negation
              condition: not proc.name in (bash, sh)
              output: not bash (proc=%proc.name)
              priority: WARNING
            """)
        let result = try SensorEvents.watch(rules: [rules], lines: [
            SensorEvents.line("execve", time: 1, ["proc.name": "curl"]),
            SensorEvents.line("execve", time: 2, ["proc.name": "bash"]),
        ])
        XCTAssertEqual(try SyscallAlert.all(result).map(\.rule), ["Not bash"])
    }

    /// Missing fields behave as values libsinsp could not extract (syscall-fields.md §6.4): every
    /// comparison is false, `!=` included; `not` flips it.
    func testAbsentFieldsMakeComparisonsFalse() throws {
        let rules = try Pspctl.temporaryFile("""
            - rule: Not equal
              desc: proc.name != bash
              condition: evt.type = execve and proc.name != bash
              output: ne (proc=%proc.name)
              priority: NOTICE
            - rule: Negated
              desc: not proc.name = bash
              condition: evt.type = execve and not proc.name = bash
              output: not (proc=%proc.name)
              priority: NOTICE
            """)
        let result = try SensorEvents.watch(rules: [rules], lines: [
            SensorEvents.line("execve", time: 1, ["proc.name": "sh"]),
            SensorEvents.line("execve", time: 2),
        ], output: "text")
        XCTAssertEqual(result.stdoutLines, ["00:00:00.000000001: Notice ne (proc=sh)", "00:00:00.000000002: Notice not (proc=<NA>)"])
    }

    func testStandardInputAndSummary() throws {
        let rules = try Pspctl.temporaryFile("""
            - rule: Shell
              desc: a shell
              condition: evt.type = execve and proc.name = bash
              output: shell (num=%evt.num reltime=%evt.reltime)
              priority: NOTICE
            """)
        let input = [SensorEvents.line("execve", time: 1_000, ["proc.name": "bash"]), "",
                     #"{"evt.type":"bogus"}"#,
                     SensorEvents.line("execve", time: 3_000, ["proc.name": "bash"])].joined(separator: "\n") + "\n"
        let result = try SensorEvents.watch(rules: [rules], file: "-", output: "text", options: ["--keep-going"], stdin: input)
        XCTAssertEqual(result.status, 1, "a rejected line makes the exit status 1")
        // evt.num counts the run's items (not the blank line), evt.reltime counts from the first valid event.
        XCTAssertEqual(result.stdoutLines, ["00:00:00.000001000: Notice shell (num=1 reltime=000000000)",
                                            "00:00:00.000003000: Notice shell (num=3 reltime=000002000)"])
        XCTAssertEqual(result.stderr, """
            pspctl watch: Could not read sensor event line #3, "{"evt.type":"bogus"}": sensor event: missing required field evt.dir, skipping
            pspctl watch: 4 lines, 2 events, 2 alerts, 1 rejected lines

            """)
    }

    /// Bad sensor events give the spec's errors (syscall-fields.md §6.1–§6.5), per line, never a crash.
    func testBadSensorEventsGiveTheSpecErrors() throws {
        let head = #"{"evt.type":"open","evt.dir":"<","evt.rawtime":1"#
        let cases: [(String, String)] = [
            (#"{"evt.type":"open","evt.dir":"<""#, "sensor event: [json.exception.parse_error.101] parse error at 33: syntax error - unexpected end of input; expected '}'"),
            ("[1,2]", "sensor event: not a JSON object (a sensor event is one flat object of Falco field names and values)"),
            (head + #","foo.bar":1}"#, "sensor event: unknown field foo.bar"),
            (head + #","fd.ip":"10.0.0.1"}"#, "sensor event: field fd.ip is computed and cannot be supplied"),
            (head + #","evt.time":"x"}"#, "sensor event: field evt.time is computed and cannot be supplied"),
            (#"{"evt.type":"open","evt.dir":"<"}"#, "sensor event: missing required field evt.rawtime"),
            (#"{"evt.dir":"<","evt.rawtime":1}"#, "sensor event: missing required field evt.type"),
            (head + #","proc.pid":"x"}"#, "sensor event: invalid value for proc.pid"),
            (head + #","fd.sport":70000}"#, "sensor event: invalid value for fd.sport"),
            (head + #","proc.name":{"a":[1]}}"#, "sensor event: invalid value for proc.name"),
            (#"{"evt.type":"open","evt.dir":"<","evt.rawtime":1.5}"#, "sensor event: invalid value for evt.rawtime"),
            (#"{"evt.type":"nosuch","evt.dir":"<","evt.rawtime":1}"#, "sensor event: invalid value for evt.type"),
            (#"{"evt.type":"procexit","evt.dir":"<","evt.rawtime":1}"#, "sensor event: invalid value for evt.dir"),
            (head + #","proc.aname[02]":"x"}"#, "sensor event: field proc.aname[02] is not in canonical form (write proc.aname[2])"),
            (head + #","evt.is_open_write":true,"evt.type":"execve"}"#, "sensor event: invalid value for evt.is_open_write"),
        ]
        let rules = try Pspctl.temporaryFile("""
            - rule: Open
              desc: any open
              condition: evt.type = open
              output: open (proc=%proc.name)
              priority: NOTICE
            """)
        for (index, (line, reason)) in cases.enumerated() {
            let stopped = try SensorEvents.watch(rules: [rules], lines: [line, SensorEvents.line("open", time: 2)])
            XCTAssertEqual(stopped.status, 1, "case \(index)")
            XCTAssertEqual(stopped.stdout, "", "case \(index): the run stops at the bad line")
            XCTAssertEqual(stopped.stderr, "pspctl watch: Could not read sensor event line #1, \"\(line)\": \(reason), stopping\n"
                + "pspctl watch: 1 lines, 0 events, 0 alerts, 1 rejected lines\n", "case \(index)")
        }
        // --keep-going skips them all, evaluates the good event, and ends with exit status 1.
        let all = try SensorEvents.watch(rules: [rules], lines: cases.map(\.0) + [SensorEvents.line("open", time: 2)],
                                         options: ["--keep-going"])
        XCTAssertEqual(all.status, 1)
        XCTAssertEqual(try SyscallAlert.all(all).map(\.rule), ["Open"])
        XCTAssertTrue(all.stderr.hasSuffix("pspctl watch: \(cases.count + 1) lines, 1 events, 1 alerts, \(cases.count) rejected lines\n"),
                      all.stderr)

        // Hostile nesting, a huge key, a line over --max-line-bytes: errors of bounded size, no crash.
        let nested = head + #","proc.name":"# + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}"
        let hugeKey = head + ",\"" + String(repeating: "é", count: 100_000) + "\":1}"
        let overlong = head + #","proc.name":""# + String(repeating: "a", count: 5_000) + "\"}"
        let hostile = try SensorEvents.watch(rules: [rules], lines: [nested, hugeKey, overlong],
                                             options: ["--keep-going", "--max-line-bytes", "300000"])
        XCTAssertEqual(hostile.status, 1)
        let errors = hostile.stderr.split(separator: "\n")
        XCTAssertEqual(errors.count, 3, hostile.stderr)  // two line errors and the summary
        XCTAssertEqual(try SyscallAlert.all(hostile).map(\.rule), ["Open"], "the long but valid event")
        XCTAssertTrue(errors[0].hasSuffix("sensor event: invalid value for proc.name, skipping"), String(errors[0].suffix(100)))
        XCTAssertTrue(errors[1].hasSuffix("…, skipping") && errors[1].utf8.count < 1_500, String(errors[1].suffix(100)))
        XCTAssertTrue(errors[1].contains("sensor event: unknown field éé"), String(errors[1].prefix(100)))
        let small = try SensorEvents.watch(rules: [rules], lines: [overlong], options: ["--max-line-bytes", "4096"])
        XCTAssertEqual(small.status, 1)
        XCTAssertTrue(small.stderr.contains("…\": line is longer than 4096 bytes, stopping"), small.stderr)
    }

    /// Issue 16, item 5: one process watching a followed audit log and a followed sensor-event file, the
    /// alerts of both on stdout and the same sinks, each alert once; SIGTERM ends it with both summaries.
    func testOneProcessWatchesAnAuditLogAndSensorEvents() throws {
        let directory = try ScratchDirectory.make()
        let rules = directory.appendingPathComponent("strict.rules.yaml").path
        let convert = try Pspctl.run(["convert", "--psp-path", SensorEvents.directory.appendingPathComponent("strict-psp.yaml").path,
                                      "--rules-path", rules, "--quiet"])
        XCTAssertEqual(convert.status, 0, convert.stderr)
        let audit = try Fixtures.lines(of: "create-privileged-pod")
        let privileged = SensorEvents.line("container", ">", time: 1_650_000_000_000_000_001,
                                           ["container.id": "0123456789ab", "container.privileged": true])
        let rootExec = SensorEvents.line("execve", time: 1_650_000_000_000_000_002, ["container.id": "0123456789ab", "user.uid": 0])
        let auditFile = directory.appendingPathComponent("audit.log").path
        let eventsFile = directory.appendingPathComponent("events.jsonl").path
        try (audit[0] + "\n").write(toFile: auditFile, atomically: true, encoding: .utf8)
        try (privileged + "\n").write(toFile: eventsFile, atomically: true, encoding: .utf8)
        let alertsFile = directory.appendingPathComponent("alerts.log").path

        // Read once: every alert of each single-source run, in some interleaving.
        let once = try Pspctl.run(["watch", "--rules", rules, "--audit-log", Fixtures.auditLog("create-privileged-pod"),
                                   "--syscall-events", eventsFile, "--output", "json", "--alerts-file", alertsFile])
        XCTAssertEqual(once.status, 0, once.stderr)
        let auditOnly = try Pspctl.run(["watch", "--rules", rules, "--audit-log", Fixtures.auditLog("create-privileged-pod"), "--output", "json"])
        let sensorOnly = try SensorEvents.watch(rules: [rules], file: eventsFile)
        XCTAssertEqual(once.stdoutLines.sorted(), (auditOnly.stdoutLines + sensorOnly.stdoutLines).sorted())
        XCTAssertEqual(try String(contentsOfFile: alertsFile, encoding: .utf8), once.stdout, "the sink gets both sources")
        XCTAssertTrue(once.stderr.contains("pspctl watch: audit log: \(audit.count) lines, \(audit.count) events"), once.stderr)
        XCTAssertTrue(once.stderr.contains("pspctl watch: sensor events file: 1 lines, 1 events, 1 alerts\n"), once.stderr)

        // Followed: lines appended to both files are alerted as they come, once each.
        let running = try RunningProcess(["watch", "--rules", rules, "--audit-log", auditFile, "--syscall-events", eventsFile,
                                         "--follow", "--poll-interval", "20", "--output", "json"])
        try running.waitForLines(2)
        let audits = try FileHandle(forWritingTo: URL(fileURLWithPath: auditFile))
        audits.seekToEndOfFile()
        audits.write(Data((audit[1] + "\n").utf8))
        try audits.close()
        let events = try FileHandle(forWritingTo: URL(fileURLWithPath: eventsFile))
        events.seekToEndOfFile()
        events.write(Data((rootExec + "\n").utf8))
        try events.close()
        try running.waitForLines(4)
        let result = running.stop(with: SIGTERM)
        XCTAssertEqual(result.status, 0, result.stderr)
        let alerts = result.stdoutLines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        XCTAssertEqual(alerts.count, 4, result.stdout)
        XCTAssertEqual(alerts.filter { $0["source"] as? String == "syscall" }.count, 2)
        XCTAssertEqual(alerts.filter { $0["source"] as? String == "k8s_audit" }.count, 2)
        XCTAssertTrue(result.stderr.contains("pspctl watch: audit log: 2 lines, 2 events, 2 alerts\n"), result.stderr)
        XCTAssertTrue(result.stderr.contains("pspctl watch: sensor events file: 2 lines, 2 events, 2 alerts\n"), result.stderr)

        // A bad line of one source stops both (exit 1); --evaluator and --state-file take one source.
        let bad = try Pspctl.temporaryFile("not json\n", suffix: ".jsonl")
        let stopped = try Pspctl.run(["watch", "--rules", rules, "--audit-log", auditFile, "--syscall-events", bad])
        XCTAssertEqual(stopped.status, 1)
        XCTAssertTrue(stopped.stderr.contains("Could not read sensor event line #1, \"not json\""), stopped.stderr)
        for extra in [["--evaluator", "127.0.0.1:1"], ["--state-file", directory.appendingPathComponent("s.json").path]] {
            let refused = try Pspctl.run(["watch", "--rules", rules, "--audit-log", auditFile, "--syscall-events", eventsFile] + extra)
            XCTAssertEqual(refused.status, 2, "\(extra)")
            XCTAssertTrue(refused.stderr.contains("give --audit-log or --syscall-events"), refused.stderr)
        }
    }

    func testUsageErrorsAndHelp() throws {
        let events = try Pspctl.temporaryFile("", suffix: ".jsonl")
        let both = try Pspctl.run(["watch", "--rules", events, "--syscall-events", "-", "--audit-log", "-"])
        XCTAssertEqual(both.status, 2, "a usage error")
        XCTAssertTrue(both.stderr.contains("--audit-log and --syscall-events cannot both read standard input"), both.stderr)
        let webhook = try Pspctl.run(["watch", "--rules", events, "--syscall-events", events, "--listen-webhook", "127.0.0.1:0"])
        XCTAssertEqual(webhook.status, 2, "a usage error")
        XCTAssertTrue(webhook.stderr.contains("give --syscall-events or --listen-webhook, not both"), webhook.stderr)
        let missing = try Pspctl.run(["watch", "--rules", events, "--syscall-events", "/nonexistent/events.jsonl"])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("cannot open sensor events file /nonexistent/events.jsonl: No such file or directory"),
                      missing.stderr)
        let help = try Pspctl.run(["watch", "--help"])
        XCTAssertTrue(help.stdout.contains("--syscall-events"), help.stdout)
    }
}
