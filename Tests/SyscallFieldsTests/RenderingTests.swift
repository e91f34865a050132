import XCTest
import SyscallFields

/// Output rendering of syscall fields (falco-rules.md §11.1, §11.5; syscall-fields.md §3.7).
final class RenderingTests: XCTestCase {
    private func shellEvent() throws -> SensorEvent {
        try SensorEvent(fields: [
            "evt.type": .string("execve"), "evt.dir": .string("<"), "evt.rawtime": .string("1646136000654320896"),
            "proc.name": .string("bash"), "proc.pid": .integer(-1), "user.uid": .integer(0), "user.name": .string("root"),
            "container.privileged": .bool(true), "proc.fdusage": .number(0.25), "fd.dev": .integer(2049),
        ], sequenceNumber: 1)
    }

    func testTextRendering() throws {
        let format = try SyscallOutputFormat(parsing: "*%evt.time: Warning Shell (user=%user.name uid=%user.uid pid=%proc.pid parent=%proc.pname priv=%container.privileged)")
        XCTAssertEqual(format.render(try shellEvent()),
                       "12:00:00.654320896: Warning Shell (user=root uid=0 pid=-1 parent=<NA> priv=true)")
    }

    func testWidthsAndPrintFormats() throws {
        let event = try shellEvent()
        XCTAssertEqual(try SyscallOutputFormat(parsing: "[%6proc.name]").render(event), "[bash  ]")
        XCTAssertEqual(try SyscallOutputFormat(parsing: "[%2proc.name]").render(event), "[ba]")
        XCTAssertEqual(try SyscallOutputFormat(parsing: "%evt.rawtime.ns %evt.rawtime.s").render(event), "654320896 1646136000")
        XCTAssertEqual(try SyscallOutputFormat(parsing: "%fd.dev %proc.fdusage").render(event), "<NA> 0.2")
        XCTAssertEqual(try SyscallOutputFormat(parsing: "%evt.time.iso8601").render(event), "2022-03-01T12:00:00.654320896+0000")
        XCTAssertEqual(try SyscallOutputFormat(parsing: "%proc.aname here").render(event), "<NA>proc.aname here")
    }

    func testAddressesAndSanitizedNames() throws {
        let event = try SensorEvent(fields: [
            "evt.type": .string("connect"), "evt.dir": .string("<"), "evt.rawtime": .integer(0),
            "fd.typechar": .string("6"), "fd.sip": .string("fe80::0:1"), "fd.cip": .string("10.0.0.5"),
            "fd.sport": .integer(443), "fd.name": .string("na\u{7}mé"), "fd.dev": .integer(-1),
        ], sequenceNumber: 1)
        XCTAssertEqual(try SyscallOutputFormat(parsing: "%fd.cip -> %fd.sip:%fd.sport %fd.name %fd.dev").render(event),
                       "10.0.0.5 -> fe80::1:443 nam FFFFFFFF")
    }

    /// Correction: upstream raises `wrong event type 30` / `14` for these in outputs (Falco stops) and
    /// `wrong event type 33` for doubles in JSON; pspctl prints the numbers.
    func testRawArgumentsAndDoublesRender() throws {
        let event = try SensorEvent(fields: [
            "evt.type": .string("openat"), "evt.dir": .string("<"), "evt.rawtime": .integer(0),
            "evt.rawarg.flags": .integer(577), "evt.rawarg.fd": .integer(3), "evt.rawarg.res": .integer(-2),
            "proc.fdusage": .number(0.75),
        ], sequenceNumber: 1)
        let format = try SyscallOutputFormat(parsing: "%evt.rawarg.flags %evt.rawarg.fd %evt.rawarg.res %proc.fdusage")
        XCTAssertEqual(format.render(event), "577 3 -2 0.8")
        let values = Dictionary(uniqueKeysWithValues: format.outputFields(event).map { ($0.key, $0.value) })
        XCTAssertEqual(values["evt.rawarg.flags"], .number("577"))
        XCTAssertEqual(values["proc.fdusage"], .number("0.8"))
    }

    func testOutputFields() throws {
        let format = try SyscallOutputFormat(parsing: "*%evt.time: Warning %user.name %proc.pname %container.privileged %proc.pid %user.name %fd.dev %evt.rawtime.ns")
        let fields = format.outputFields(try shellEvent())
        XCTAssertEqual(fields.map(\.key), ["container.privileged", "evt.rawtime.ns", "evt.time", "fd.dev", "proc.pid",
                                           "proc.pname", "user.name"])
        let values = Dictionary(uniqueKeysWithValues: fields.map { ($0.key, $0.value) })
        XCTAssertEqual(values["evt.time"], .number("1646136000654320896"))
        XCTAssertEqual(values["user.name"], .string("root"))
        XCTAssertEqual(values["proc.pname"], .null)
        XCTAssertEqual(values["container.privileged"], .bool(true))
        XCTAssertEqual(values["proc.pid"], .number("-1"))
        XCTAssertEqual(values["evt.rawtime.ns"], .number("654320896"))
        XCTAssertEqual(values["fd.dev"], .null, "execve has no fd")
    }
}
