import XCTest
import Foundation
import K8sAuditFields
import SyscallFields
@testable import RulesEngine

/// Golden alert lines in Falco's text and json_output formats (falco-rules.md §11.4–§11.6).
final class AlertFormatterTests: EngineTestCase {
    override func setUp() {
        super.setUp()
        setenv("TZ", "UTC", 1)
        tzset()
    }

    private let rules = """
    - rule: Privileged pod
      desc: d
      condition: ka.verb=create and ka.req.pod.containers.privileged intersects (true)
      output: Privileged pod (user=%ka.user.name images=%ka.req.pod.containers.image priv=%ka.req.pod.containers.privileged missing=%ka.target.subresource)
      priority: WARNING
      source: k8s_audit
      tags: [k8s, pods, k8s]
    """

    private var podEvent: String {
        event(#""requestObject":{"spec":{"containers":[{"name":"a","image":"nginx","securityContext":{"privileged":true}},{"name":"b","image":"busybox:1.2"}]}}"#)
    }

    private func alert(_ style: AlertFormatter.Style, options: RulesEngine.Options = .init()) throws -> String {
        let engine = try self.engine(rules, options: options)
        let event = try XCTUnwrap(K8sAuditDocument.events(from: Array(podEvent.utf8)).first)
        let context = K8sEventContext(event: event)
        let rule = try XCTUnwrap(engine.matches(for: context).first)
        return AlertFormatter(style: style).format(rule, context)
    }

    func testTextAlert() throws {
        XCTAssertEqual(try alert(.text),
                       "12:00:00.654321000: Warning Privileged pod (user=alice images=(nginx,busybox:1.2) priv=(true,<NA>) missing=<NA>)")
    }

    func testISO8601TextAlert() throws {
        var options = RulesEngine.Options()
        options.timeFormatISO8601 = true
        XCTAssertEqual(try alert(.text, options: options),
                       "2022-03-01T12:00:00.654321000+0000: Warning Privileged pod (user=alice images=(nginx,busybox:1.2) priv=(true,<NA>) missing=<NA>)")
    }

    func testJSONAlert() throws {
        XCTAssertEqual(try alert(.json), #"{"output":"12:00:00.654321000: Warning Privileged pod (user=alice images=(nginx,busybox:1.2) priv=(true,<NA>) missing=<NA>)","priority":"Warning","rule":"Privileged pod","source":"k8s_audit","tags":["k8s","pods"],"time":"2022-03-01T12:00:00.654321000Z", "output_fields": {"jevt.time":"12:00:00.654321000","ka.req.pod.containers.image":"(nginx,busybox:1.2)","ka.req.pod.containers.privileged":"(true,<NA>)","ka.target.subresource":"<NA>","ka.user.name":"alice"}}"#)
    }

    func testWrittenAlertsEqualFormattedOnes() throws {
        let engine = try self.engine(rules)
        let event = try XCTUnwrap(K8sAuditDocument.events(from: Array(podEvent.utf8)).first)
        let context = K8sEventContext(event: event)
        let rule = try XCTUnwrap(engine.matches(for: context).first)
        for style in AlertFormatter.Style.allCases {
            var out: [UInt8] = Array("earlier\n".utf8)
            AlertFormatter(style: style).write(rule, context, to: &out)
            XCTAssertEqual(String(decoding: out, as: UTF8.self), "earlier\n" + AlertFormatter(style: style).format(rule, context))
        }
    }

    func testJSONEscaping() {
        var out: [UInt8] = []
        AlertFormatter.appendEscaped("a\"b\\c\n\u{1B}é/\t", to: &out, upperHex: true)
        XCTAssertEqual(String(decoding: out, as: UTF8.self), #""a\"b\\c\n\u001Bé/\t""#)
        out = []
        AlertFormatter.appendEscaped("\u{1B}", to: &out, upperHex: false)
        XCTAssertEqual(String(decoding: out, as: UTF8.self), #""\u001b""#)
    }

    /// Text alerts escape the control characters of event data (C0, DEL, C1) as JSON does, so an alert is
    /// one line; backslashes and other characters stay as they are; JSON alerts keep Falco's escaping.
    func testTextAlertsEscapeControlCharactersOfEventData() throws {
        let engine = try self.engine(rules)
        let user = #"a\u001b[2J\n\r\t\u0000\u007f\u0085é\\b"#
        let line = event(#""requestObject":{"spec":{"containers":[{"image":"nginx","securityContext":{"privileged":true}}]}}"#)
            .replacingOccurrences(of: #""username":"alice""#, with: #""username":"\#(user)""#)
        XCTAssertTrue(line.contains(user))
        let event = try XCTUnwrap(K8sAuditDocument.events(from: Array(line.utf8)).first)
        let context = K8sEventContext(event: event)
        let rule = try XCTUnwrap(engine.matches(for: context).first)
        XCTAssertEqual(AlertFormatter(style: .text).format(rule, context),
                       #"12:00:00.654321000: Warning Privileged pod (user=a\u001b[2J\n\r\t\u0000\u007f\u0085é\b images=nginx priv=true missing=<NA>)"#)
        let json = AlertFormatter(style: .json).format(rule, context)
        XCTAssertTrue(json.contains(#""ka.user.name":"a\u001b[2J\n\r\t\u0000\#u{7F}\#u{85}é\\b""#), json)
    }

    /// Syscall outputs (the sensors' text alerts) escape the same way; their JSON values stay raw.
    func testSyscallTextOutputsEscapeControlCharacters() throws {
        let event = try SensorEvent(fields: [
            "evt.type": .string("execve"), "evt.dir": .string("<"), "evt.rawtime": .string("1646136000654320896"),
            "proc.name": .string("ba\u{1B}[2Jsh"), "user.name": .string("ro\not\r\u{7F}\u{9B}\\x"),
        ], sequenceNumber: 1)
        let format = try SyscallOutputFormat(parsing: "Shell (user=%user.name proc=%proc.name)")
        XCTAssertEqual(format.render(event), #"Shell (user=ro\not\r\u007f\u009b\x proc=ba\u001b[2Jsh)"#)
        let values = Dictionary(uniqueKeysWithValues: format.outputFields(event).map { ($0.key, $0.value) })
        XCTAssertEqual(values["user.name"], .string("ro\not\r\u{7F}\u{9B}\\x"))
        XCTAssertEqual(try SyscallOutputFormat(parsing: "[%5proc.name]").render(event), #"[ba\u001b[2]"#,
                       "the width counts the value's own bytes, as upstream")
    }

    func testAlertTimeIsUTCWithNanoseconds() throws {
        let event = try XCTUnwrap(K8sAuditDocument.events(from: Array(self.event().utf8)).first)
        XCTAssertEqual(event.alertTime, "2022-03-01T12:00:00.654321000Z")
    }
}
