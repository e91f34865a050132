import XCTest
import SyscallFields

/// Reading sensor events (syscall-fields.md §6.1–§6.4, §6.6 step 1) and their error messages.
final class SensorEventTests: XCTestCase {
    private let base: [String: SensorValue] = [
        "evt.type": .string("openat"), "evt.dir": .string("<"), "evt.rawtime": .string("1650000000123456789"),
    ]

    private func event(_ extra: [String: SensorValue]) throws -> SensorEvent {
        try SensorEvent(fields: base.merging(extra) { $1 }, sequenceNumber: 1)
    }

    private func assertInvalid(_ fields: [String: SensorValue], _ message: String,
                               file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try SensorEvent(fields: fields, sequenceNumber: 1), file: file, line: line) { error in
            XCTAssertEqual(error as? SensorEventError, SensorEventError(message), file: file, line: line)
        }
    }

    func testIdentity() throws {
        let open = try event([:])
        XCTAssertEqual(open.eventType, "openat")
        XCTAssertEqual(open.direction, .exit)
        XCTAssertEqual(open.rawTime, 1_650_000_000_123_456_789)
        XCTAssertEqual(open.eventID, 307, "the latest openat exit id")
        XCTAssertFalse(open.isGeneric)
        XCTAssertFalse(open.isSkippedByDefault)

        let execve = try event(["evt.type": .string("execve"), "evt.dir": .string(">"), "evt.rawtime": .integer(5)])
        XCTAssertEqual(execve.eventID, 292, "execve has two current versions; the latest is used")

        let generic = try event(["evt.type": .string("mknod")])
        XCTAssertTrue(generic.isGeneric)
        XCTAssertEqual(generic.eventID, 1)
        XCTAssertFalse(generic.isSkippedByDefault)
        XCTAssertTrue(try event(["evt.type": .string("getpid")]).isSkippedByDefault)
        XCTAssertTrue(try event(["evt.type": .string("read")]).isSkippedByDefault, "EF_DROP_SIMPLE_CONS")
        XCTAssertTrue(try event(["evt.type": .string("procinfo"), "evt.dir": .string(">")]).isSkippedByDefault)
    }

    func testRequiredMembers() {
        assertInvalid(["evt.dir": .string("<"), "evt.rawtime": .integer(1)], "sensor event: missing required field evt.type")
        assertInvalid(["evt.type": .string("open"), "evt.rawtime": .integer(1)], "sensor event: missing required field evt.dir")
        assertInvalid(["evt.type": .string("open"), "evt.dir": .string("<"), "evt.rawtime": .null],
                      "sensor event: missing required field evt.rawtime")
        assertInvalid(["evt.type": .integer(2), "evt.dir": .string("<"), "evt.rawtime": .integer(1)],
                      "sensor event: invalid value for evt.type")
        assertInvalid(["evt.type": .string("open"), "evt.dir": .string("in"), "evt.rawtime": .integer(1)],
                      "sensor event: invalid value for evt.dir")
        assertInvalid(["evt.type": .string("open"), "evt.dir": .string("<"), "evt.rawtime": .number(1.5)],
                      "sensor event: invalid value for evt.rawtime")
        assertInvalid(["evt.type": .string("open"), "evt.dir": .string("<"), "evt.rawtime": .string("-1")],
                      "sensor event: invalid value for evt.rawtime")
    }

    func testEventTypeAndDirection() {
        assertInvalid(base.merging(["evt.type": .string("opn")]) { $1 }, "sensor event: invalid value for evt.type")
        assertInvalid(base.merging(["evt.type": .string("syscall")]) { $1 }, "sensor event: invalid value for evt.type")
        assertInvalid(base.merging(["evt.type": .string("NA1")]) { $1 }, "sensor event: invalid value for evt.type")
        assertInvalid(base.merging(["evt.type": .string("procexit")]) { $1 }, "sensor event: invalid value for evt.dir")
    }

    func testKeys() throws {
        XCTAssertNoThrow(try event(["proc.aname[2]": .string("sshd"), "container.mount.dest[/var/run/docker.sock]": .string("/x"),
                                    "k8s.pod.label.app": .string("web"), "evt.arg.flags": .string("O_RDONLY"),
                                    "proc.name": .null]))
        assertInvalid(base.merging(["proc.nosuch": .string("x")]) { $1 }, "sensor event: unknown field proc.nosuch")
        assertInvalid(base.merging(["evt.arg.foo": .string("x")]) { $1 }, "sensor event: unknown field evt.arg.foo")
        assertInvalid(base.merging(["proc.aname[02]": .string("x")]) { $1 },
                      "sensor event: field proc.aname[02] is not in canonical form (write proc.aname[2])")
        for computed in ["fd.ip", "fd.net", "fd.port", "fd.cnet", "proc.aname", "proc.apid", "evt.time", "evt.reltime",
                         "evt.is_io", "syscall.type", "evt.count", "evt.type.is.open", "evt.around[5]"] {
            assertInvalid(base.merging([computed: .string("x")]) { $1 },
                          "sensor event: field \(computed) is computed and cannot be supplied")
        }
    }

    func testValueTypes() throws {
        XCTAssertNoThrow(try event(["proc.pid": .integer(-4), "proc.vpid": .string("7"), "user.uid": .string("0"),
                                    "fd.sport": .integer(443), "fd.sip": .string("10.0.0.1"), "fd.cip": .string("::1"),
                                    "container.privileged": .bool(true), "proc.fdusage": .number(0.5),
                                    "evt.buffer": .string("GET / HTTP/1.1"), "evt.rawarg.res": .integer(-2)]))
        let invalid: [(String, SensorValue)] = [
            ("proc.name", .integer(1)), ("proc.pid", .number(1.5)), ("proc.pid", .string("12a")),
            ("proc.tty", .integer(Int64(Int32.max) + 1)), ("user.uid", .integer(-1)), ("user.uid", .integer(1 << 32)),
            ("fd.sport", .integer(70000)), ("fd.sport", .string("80")), ("fd.sip", .string("010.0.0.1")),
            ("fd.sip", .string("host")), ("container.privileged", .string("true")), ("proc.fdusage", .string("1")),
            ("evt.rawarg.res_or_fd", .integer(1)),
        ]
        for (key, value) in invalid {
            assertInvalid(base.merging([key: value]) { $1 }, "sensor event: invalid value for \(key)")
        }
    }

    func testOpenFlagsMustBeFalseOutsideOpenExits() {
        assertInvalid(["evt.type": .string("execve"), "evt.dir": .string("<"), "evt.rawtime": .integer(1),
                       "evt.is_open_read": .bool(true)], "sensor event: invalid value for evt.is_open_read")
        XCTAssertNoThrow(try SensorEvent(fields: ["evt.type": .string("execve"), "evt.dir": .string("<"),
                                                  "evt.rawtime": .integer(1), "evt.is_open_read": .bool(false)],
                                         sequenceNumber: 1))
        XCTAssertNoThrow(try event(["evt.type": .string("creat"), "evt.is_open_exec": .bool(true)]))
    }
}
