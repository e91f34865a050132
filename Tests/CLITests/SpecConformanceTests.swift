import Foundation
import XCTest
import TestSupport

/// Spec facts checked end to end through `pspctl watch` that the other CLI tests do not reach: the
/// `stageTimestamp` number syntax, evaluation errors inside a document, the worked example of
/// k8s-audit-fields.md 3.6 written as rules, and the JSON alert's `output_fields`.
final class SpecConformanceTests: XCTestCase {
    /// A `k8s_audit` rules file, one rule per (name, condition), all with `output`.
    private func rulesFile(_ rules: [(name: String, condition: String)], output: String = "%ka.verb") throws -> String {
        let items = rules.map { rule in
            """
            - rule: \(rule.name)
              desc: spec conformance
              condition: '\(rule.condition.replacingOccurrences(of: "'", with: "''"))'
              output: '\(output.replacingOccurrences(of: "'", with: "''"))'
              priority: WARNING
              source: k8s_audit
              tags: [k8s]
            """
        }
        return try Pspctl.temporaryFile(items.joined(separator: "\n") + "\n")
    }

    private func event(stageTimestamp: String, _ members: String = #""verb":"get""#) -> String {
        #"{"kind":"Event","stageTimestamp":"\#(stageTimestamp)",\#(members)}"#
    }

    /// k8s-audit-fields.md 1.3, point 3: the seconds are whatever a C `%lf` reads, "also inf/nan/hex
    /// floats". A hexadecimal number is read as one (`0x10` is 16 s, `0X1.8p3` is 12 s, `0x.8` is half a
    /// second), not as the decimal `0` followed by ignored text. Where C reads no hex digit after `0x` it
    /// reads the `0` alone.
    func testHexadecimalSecondsAreReadAsCReadsThem() throws {
        let stamps = [("2018-10-25T13:58:0x10Z", "2018-10-25T13:58:16.000000000Z"),
                      ("2018-10-25T13:58:0X1.8p3Z", "2018-10-25T13:58:12.000000000Z"),
                      ("2018-10-25T13:58:0x.8Z", "2018-10-25T13:58:00.500000000Z"),
                      ("2018-10-25T13:58:0x1p-70Z", "2018-10-25T13:58:00.000000000Z"),
                      ("2018-10-25T13:58:-0x1p0Z", "2018-10-25T13:57:59.000000000Z"),
                      ("2018-10-25T13:58:0x1pZ", "2018-10-25T13:58:01.000000000Z"),
                      ("2018-10-25T13:58:0xZ", "2018-10-25T13:58:00.000000000Z")]
        let rules = try rulesFile([("Any", "jevt.rawtime exists")])
        let result = try Watch.run(rules: [rules], lines: stamps.map { event(stageTimestamp: $0.0) })
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(try JSONAlert.parseAll(result).map(\.time), stamps.map(\.1))
    }

    /// k8s-audit-fields.md 1.5 and 3.3: an evaluation error (here a malformed `%` escape in a query
    /// parameter name that `ka.uri.param` examines) stops its document with
    /// `unknown error processing audit event`: the alerts of earlier events of the same EventList stay
    /// printed, later events of it are not evaluated. `and`/`or` short-circuit, so the error happens only
    /// where the failing check is reached. pspctl then stops (exit 1), or goes on with `--keep-going`.
    func testAnEvaluationErrorStopsItsDocumentAfterEarlierAlerts() throws {
        let rules = try rulesFile([("Never reaches the parameter", #"ka.verb = nope and ka.uri.param[x] = 1"#),
                                   ("Parameter", #"ka.uri.param[x] exists"#)])
        let item = { (second: Int, uri: String) in
            #"{"stageTimestamp":"2018-10-25T13:58:\#(second)Z","verb":"get","requestURI":"\#(uri)"}"#
        }
        let list = #"{"kind":"EventList","items":[\#(item(11, "/a?x=1")),\#(item(12, "/a?b%zz=2&x=2")),\#(item(13, "/a?x=3"))]}"#
        let lines = [list, event(stageTimestamp: "2018-10-25T13:58:14Z", #""verb":"get","requestURI":"/a?x=4""#)]

        let stopped = try Watch.run(rules: [rules], lines: lines, output: "text")
        XCTAssertEqual(stopped.status, 1, stopped.stderr)
        XCTAssertEqual(stopped.stdoutLines, ["13:58:11.000000000: Warning get"])
        XCTAssertTrue(stopped.stderr.contains("Could not read k8s audit event line #1"), stopped.stderr)
        XCTAssertTrue(stopped.stderr.contains("unknown error processing audit event"), stopped.stderr)

        let kept = try Watch.run(rules: [rules], lines: lines, output: "text", options: ["--keep-going"])
        XCTAssertEqual(kept.status, 1, kept.stderr)
        XCTAssertEqual(kept.stdoutLines, ["13:58:11.000000000: Warning get", "13:58:14.000000000: Warning get"])

        // The same bad URI where no check reads the parameter: no error.
        let quiet = try rulesFile([("Verb", #"ka.verb = get or ka.uri.param[x] = 1"#)])
        let badURI = event(stageTimestamp: "2018-10-25T13:58:15Z", #""verb":"get","requestURI":"/a?b%zz=2""#)
        let fine = try Watch.run(rules: [quiet], lines: [badURI], output: "text")
        XCTAssertEqual(fine.status, 0, fine.stderr)
        XCTAssertEqual(fine.stdoutLines, ["13:58:15.000000000: Warning get"])
    }

    /// The worked example of k8s-audit-fields.md 3.6, each condition a rule, with pspctl's corrections
    /// (spec README "Correct"): `host_port` counts `containerPort` only under `hostNetwork` (so V = [] and
    /// `in` is vacuously true, `> 79` false), `pmatch` honours its paths, `exists` is true for a
    /// multi-valued field, an index selects its element for every operator, `icontains` works.
    func testWorkedExampleConditionsThroughTheCLI() throws {
        let table: [(String, Bool)] = [
            ("ka.req.pod.containers.image.repository in (nginx)", false),
            ("ka.req.pod.containers.image.repository in (nginx, docker.io/library/busybox)", true),
            ("ka.req.pod.containers.image.repository intersects (nginx)", true),
            ("ka.req.pod.containers.image.repository = nginx", false),
            ("ka.req.pod.containers.privileged intersects (true)", true),
            ("ka.req.pod.containers.privileged in (true)", false),
            ("ka.req.pod.containers.privileged = true", false),
            (#"ka.req.pod.containers.eff_run_as_user in ("0:0")"#, false),
            (#"ka.req.pod.containers.eff_run_as_user intersects ("0:0")"#, false),
            ("ka.req.pod.containers.eff_run_as_user = 1000", true),
            ("ka.req.pod.containers.eff_run_as_user > 999", false),
            (#"ka.req.pod.containers.host_port in ("1:1024")"#, true),          // corrected: V = []
            ("ka.req.pod.containers.host_port > 79", false),                    // corrected: V = []
            ("ka.req.pod.volumes.hostpath intersects (/etc)", true),
            (#"ka.req.pod.volumes.hostpath pmatch (/etc, "<NA>")"#, true),      // corrected
            (#"not ka.req.pod.volumes.hostpath pmatch (/usr, "<NA>")"#, true),
            ("ka.req.pod.volumes.volume_type in (emptyDir, hostPath, configMap)", true),
            ("ka.req.pod.host_network intersects (true)", false),
            (#"ka.req.pod.host_network in (true, "<NA>")"#, true),
            ("ka.user.groups exists", true),                                    // corrected
            ("ka.user.groups contains dev", false),
            ("ka.user.groups intersects (dev)", true),
            ("ka.target.subresource exists", false),
            ("not ka.target.subresource exists", true),
            ("ka.response.code startswith 2", true),
            ("ka.response.code >= 200", true),
            (#"ka.response.code = "200:299""#, true),
            ("ka.req.pod.containers.privileged[0] = true", true),               // corrected
            ("ka.req.pod.containers.privileged[0] startswith true", true),
            ("ka.req.pod.containers.image[1] = docker.io/library/busybox@sha256:abc", true), // corrected
            ("ka.user.name icontains ALI", true),                               // corrected
        ]
        let rules = try rulesFile(table.enumerated().map { (name: "Row \($0.offset + 1)", condition: $0.element.0) })
        let result = try Watch.run(rules: [rules], lines: [Self.workedExampleEvent], options: ["--all-matches"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let fired = Set(try JSONAlert.parseAll(result).map(\.rule))
        for (row, (condition, expected)) in table.enumerated() {
            XCTAssertEqual(fired.contains("Row \(row + 1)"), expected, condition)
        }
    }

    /// k8s-audit-fields.md 4.4: `output_fields` keys drop the index, the last of several references with
    /// the same key wins, every value is a string (`"201"`), an empty string stays `""`; control bytes are
    /// `\u00XX` upper-case in the envelope (JsonCpp) and lower-case in `output_fields` (nlohmann).
    func testJSONAlertOutputFields() throws {
        let rules = try rulesFile([("Fields", "ka.verb = create")],
                                  output: "%jevt.value[/verb] %jevt.value[/stage] %ka.req.pod.containers.image[1] %ka.response.code %ka.impuser.name (%ka.user.name)")
        let event = Self.workedExampleEvent
            .replacingOccurrences(of: #""username":"alice""#, with: #""username":"a\u001bb""#)
            .replacingOccurrences(of: #""verb":"create""#, with: #""verb":"create","impersonatedUser":{"username":""}"#)
        let result = try Watch.run(rules: [rules], lines: [event])
        XCTAssertEqual(result.status, 0, result.stderr)
        let expected = #"{"output":"10:00:00.123456000: Warning create ResponseComplete docker.io/library/busybox@sha256:abc 201  (a\u001Bb)","priority":"Warning","rule":"Fields","source":"k8s_audit","tags":["k8s"],"time":"2022-03-01T10:00:00.123456000Z", "output_fields": {"jevt.time":"10:00:00.123456000","jevt.value":"ResponseComplete","ka.impuser.name":"","ka.req.pod.containers.image":"docker.io/library/busybox@sha256:abc","ka.response.code":"201","ka.user.name":"a\u001bb"}}"#
        XCTAssertEqual(result.stdoutLines, [expected])
    }

    /// The event of k8s-audit-fields.md 3.6.
    private static let workedExampleEvent = #"{"kind":"Event","stage":"ResponseComplete","stageTimestamp":"2022-03-01T10:00:00.123456Z","verb":"create","user":{"username":"alice","groups":["dev","system:authenticated"]},"objectRef":{"resource":"pods","namespace":"default","name":"web"},"requestObject":{"kind":"Pod","spec":{"securityContext":{"runAsUser":1000},"containers":[{"name":"nginx","image":"nginx:1.21","securityContext":{"privileged":true},"ports":[{"containerPort":80}]},{"name":"side","image":"docker.io/library/busybox@sha256:abc"}],"volumes":[{"name":"data","emptyDir":{}},{"name":"etc","hostPath":{"path":"/etc","type":"Directory"}}]}},"responseStatus":{"code":201}}"#
}
