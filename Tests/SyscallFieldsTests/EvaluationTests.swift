import XCTest
import ConditionLanguage
import SyscallFields

/// Evaluating checks on sensor events (syscall-fields.md §3.5, §3.6, §6.4, §6.5), including pspctl's
/// corrections of upstream defects (fidelity policy).
final class EvaluationTests: XCTestCase {
    private func event(_ type: String, _ fields: [String: SensorValue], direction: String = "<") throws -> SensorEvent {
        var all = fields
        all["evt.type"] = .string(type)
        all["evt.dir"] = .string(direction)
        all["evt.rawtime"] = all["evt.rawtime"] ?? .string("1650000000123456789")
        return try SensorEvent(fields: all, sequenceNumber: 7)
    }

    private func matches(_ field: String, _ op: ComparisonOperator, _ values: [String], _ event: SensorEvent,
                         file: StaticString = #filePath, line: UInt = #line) throws -> Bool {
        try SyscallCheck(Comparison(field: field, op: op, values: values)).matches(event)
    }

    // MARK: Missing values

    func testMissingValueIsFalseForEveryOperator() throws {
        let empty = try event("execve", [:])
        for (op, values) in [(ComparisonOperator.equal, ["x"]), (.notEqual, ["x"]), (.exists, []), (.in, ["x"]),
                             (.pmatch, ["/"]), (.startswith, [""]), (.contains, [""])] {
            XCTAssertFalse(try matches("proc.pname", op, values, empty), "\(op)")
        }
        XCTAssertTrue(try matches("proc.pname", .exists, [], try event("execve", ["proc.pname": .string("")])))
    }

    // MARK: Strings

    func testStringOperators() throws {
        let e = try event("execve", ["proc.cmdline": .string("curl http://169.254.169.254/ -o /tmp/x"),
                                     "proc.name": .string("curl"), "fd.name": .string("/etc/shadow")])
        XCTAssertTrue(try matches("proc.name", .equal, ["curl"], e))
        XCTAssertFalse(try matches("proc.name", .equal, ["Curl"], e))
        XCTAssertTrue(try matches("proc.name", .notEqual, ["wget"], e))
        XCTAssertTrue(try matches("proc.name", .less, ["curlx"], e))
        XCTAssertTrue(try matches("proc.name", .greater, ["cur"], e))
        XCTAssertTrue(try matches("proc.cmdline", .contains, ["169.254"], e))
        XCTAssertTrue(try matches("proc.cmdline", .icontains, ["HTTP://"], e))
        XCTAssertTrue(try matches("proc.cmdline", .startswith, ["curl "], e))
        XCTAssertTrue(try matches("proc.cmdline", .endswith, ["/tmp/x"], e))
        XCTAssertTrue(try matches("proc.cmdline", .contains, [""], e), "the empty value always matches")
        XCTAssertTrue(try matches("proc.cmdline", .glob, ["curl *169.254.*"], e), "`*` crosses `/`")
        XCTAssertFalse(try matches("proc.cmdline", .glob, ["curl"], e), "the whole text must match")
        XCTAssertTrue(try matches("proc.name", .glob, ["c[a-v]r?"], e))
        XCTAssertTrue(try matches("proc.name", .in, ["wget", "curl"], e))
        XCTAssertTrue(try matches("proc.name", .intersects, ["curl"], e))
        XCTAssertFalse(try matches("proc.name", .in, [], e), "an empty list never matches")
    }

    func testPathPrefixMatch() throws {
        let prefixes = ["/var/run", "/etc", "/usr"]
        for (path, expected) in [("/var/run/docker.sock", true), ("/var/run", true), ("/var", false), ("/var/runx", false),
                                 ("/usr/lib/x", true), ("etc/passwd", true), ("/etc/../root", true), ("//etc//", true)] {
            let e = try event("openat", ["fd.name": .string(path), "fd.typechar": .string("f")])
            XCTAssertEqual(try matches("fd.name", .pmatch, prefixes, e), expected, path)
        }
        let root = try event("openat", ["fd.name": .string(""), "fd.typechar": .string("f")])
        XCTAssertTrue(try matches("fd.name", .pmatch, ["/"], root), "`/` matches every value")
        // Path-typed raw parameters: pmatch is equality (and every listed value counts: corrected).
        let raw = try event("openat", ["evt.rawarg.name": .string("/etc/passwd")])
        XCTAssertTrue(try matches("evt.rawarg.name", .pmatch, ["/etc/passwd", "/etc/shadow"], raw))
        XCTAssertTrue(try matches("evt.rawarg.name", .in, ["/etc/passwd", "/etc/shadow"], raw))
        XCTAssertFalse(try matches("evt.rawarg.name", .pmatch, ["/etc"], raw))
    }

    // MARK: Numbers and booleans

    func testNumbersAndBooleans() throws {
        let e = try event("execve", ["proc.pid": .integer(-5), "user.uid": .integer(1000), "proc.duration": .string("4000000000"),
                                     "container.privileged": .bool(true), "proc.vpid": .integer(1)])
        XCTAssertTrue(try matches("proc.pid", .less, ["0"], e), "signed comparison")
        XCTAssertTrue(try matches("user.uid", .greaterOrEqual, ["1000"], e))
        XCTAssertFalse(try matches("user.uid", .equal, ["-1"], e))
        XCTAssertTrue(try matches("proc.duration", .lessOrEqual, ["5000000000"], e))
        XCTAssertTrue(try matches("container.privileged", .equal, ["true"], e))
        XCTAssertFalse(try matches("container.privileged", .equal, ["false"], e))
        XCTAssertTrue(try matches("proc.vpid", .in, ["1", "2"], e))
    }

    // MARK: Network fields (§3.6, D5–D7)

    private func connect(_ extra: [String: SensorValue] = [:]) throws -> SensorEvent {
        try event("connect", ["fd.typechar": .string("4"), "fd.cip": .string("172.17.0.2"), "fd.cport": .integer(51234),
                              "fd.sip": .string("169.254.169.254"), "fd.sport": .integer(80),
                              "fd.lip": .string("172.17.0.2"), "fd.rip": .string("169.254.169.254")].merging(extra) { $1 })
    }

    func testSpecConnectExample() throws {
        let e = try connect()
        XCTAssertTrue(try matches("fd.net", .notEqual, ["127.0.0.0/8"], e))
        XCTAssertTrue(try matches("fd.ip", .notEqual, ["0.0.0.0"], e))
        XCTAssertTrue(try matches("fd.sip", .equal, ["169.254.169.254"], e))
        XCTAssertTrue(try matches("fd.port", .in, ["80"], e))
    }

    func testEitherEndpointAndBothEndpoints() throws {
        let e = try connect()
        XCTAssertTrue(try matches("fd.ip", .equal, ["172.17.0.2"], e), "client")
        XCTAssertTrue(try matches("fd.ip", .equal, ["169.254.169.254"], e), "server")
        XCTAssertFalse(try matches("fd.ip", .notEqual, ["172.17.0.2"], e), "!= needs both to differ")
        XCTAssertTrue(try matches("fd.port", .equal, ["51234"], e))
        XCTAssertFalse(try matches("fd.port", .notEqual, ["80"], e))
        XCTAssertTrue(try matches("fd.port", .greater, ["50000"], e), "ordering: either port")
        XCTAssertFalse(try matches("fd.net", .equal, ["10.0.0.0/8"], e))
        XCTAssertTrue(try matches("fd.net", .equal, ["169.254.0.0/16"], e))
        XCTAssertTrue(try matches("fd.proto", .equal, ["http"], e), "service names")
    }

    /// Corrections: `fd.ip in` matches (upstream never), `fd.net in` tests every network (upstream
    /// only the first), an empty network list matches nothing (upstream: every IPv4 address).
    func testCorrectedNetworkMembership() throws {
        let e = try connect()
        XCTAssertTrue(try matches("fd.ip", .in, ["10.1.1.1", "169.254.169.254"], e))
        XCTAssertFalse(try matches("fd.ip", .in, ["10.1.1.1"], e))
        XCTAssertTrue(try matches("fd.net", .in, ["10.0.0.0/8", "172.16.0.0/12"], e))
        XCTAssertFalse(try matches("fd.cnet", .in, [], e))
        XCTAssertFalse(try matches("fd.net", .in, [], e))
        XCTAssertTrue(try matches("fd.snet", .in, ["10.0.0.0/8", "169.254.0.0/16"], e))
        XCTAssertTrue(try matches("fd.cnet", .pmatch, ["172.16.0.0/12"], e))
        XCTAssertTrue(try matches("fd.rnet", .notEqual, ["10.0.0.0/8"], e))
        XCTAssertTrue(try matches("fd.lnet", .equal, ["0.0.0.0/0"], e))
    }

    func testListeningSocketAndNonSockets() throws {
        let listening = try event("listen", ["fd.typechar": .string("4"), "fd.sip": .string("0.0.0.0"), "fd.sport": .integer(22)])
        XCTAssertTrue(try matches("fd.ip", .equal, ["0.0.0.0"], listening))
        XCTAssertTrue(try matches("fd.port", .equal, ["22"], listening))
        XCTAssertFalse(try matches("fd.port", .notEqual, ["22"], listening))
        let file = try event("openat", ["fd.typechar": .string("f"), "fd.sip": .string("1.2.3.4")])
        XCTAssertFalse(try matches("fd.ip", .equal, ["1.2.3.4"], file), "only IP sockets")
        XCTAssertFalse(try matches("fd.ip", .notEqual, ["9.9.9.9"], file))
    }

    func testIPv6() throws {
        let e = try event("connect", ["fd.typechar": .string("6"), "fd.cip": .string("::1"), "fd.sip": .string("fe80::1")])
        XCTAssertTrue(try matches("fd.sip", .equal, ["fe80::1"], e))
        XCTAssertFalse(try matches("fd.sip", .equal, ["127.0.0.1"], e))
        XCTAssertTrue(try matches("fd.snet", .equal, ["fe80::"], e), "first 64 bits")
        XCTAssertFalse(try matches("fd.cnet", .equal, ["127.0.0.0/8"], e))
        XCTAssertTrue(try matches("fd.cip", .in, ["::1"], e))
    }

    /// D13: fd fields do not exist for event types without an fd (e.g. execve) nor generic events.
    func testFDFieldsNeedAnFDEvent() throws {
        let exec = try event("execve", ["fd.name": .string("/bin/sh"), "fd.typechar": .string("f")])
        XCTAssertFalse(try matches("fd.name", .exists, [], exec))
        XCTAssertFalse(try matches("fd.typechar", .equal, ["f"], exec))
        let generic = try event("mknod", ["fd.name": .string("/dev/x")])
        XCTAssertFalse(try matches("fd.name", .exists, [], generic))
    }

    // MARK: Ancestors (D8, D9)

    func testAncestors() throws {
        let e = try event("execve", ["proc.name": .string("sh"), "proc.pname": .string("bash"), "proc.pid": .integer(30),
                                     "proc.ppid": .integer(20), "proc.aname[2]": .string("sshd"), "proc.apid[2]": .integer(10)])
        XCTAssertTrue(try matches("proc.aname[0]", .equal, ["sh"], e), "[0] defaults to proc.name")
        XCTAssertTrue(try matches("proc.aname[1]", .equal, ["bash"], e), "[1] defaults to proc.pname")
        XCTAssertTrue(try matches("proc.aname[-3]", .equal, ["sh"], e), "other negative levels are [0]")
        XCTAssertTrue(try matches("proc.aname", .equal, ["sshd"], e), "any ancestor")
        XCTAssertFalse(try matches("proc.aname", .equal, ["sh"], e), "the process itself is not an ancestor")
        XCTAssertTrue(try matches("proc.aname[-1]", .equal, ["bash"], e))
        XCTAssertTrue(try matches("proc.aname", .notEqual, ["bash"], e), "!= : some ancestor differs")
        XCTAssertTrue(try matches("proc.aname", .in, ["init", "sshd"], e))
        XCTAssertTrue(try matches("proc.apid", .in, ["10", "99"], e), "corrected: upstream never matches")
        XCTAssertTrue(try matches("proc.apid", .greater, ["15"], e))
        XCTAssertFalse(try matches("proc.aname[3]", .exists, [], e))
    }

    // MARK: Derived values

    func testContainerMounts() throws {
        let e = try event("execve", ["container.mounts": .string("/var/run/docker.sock:/host/docker.sock::true:rprivate,/proc:/host/proc:ro:false:rslave")])
        XCTAssertTrue(try matches("container.mount.dest[/var/run/docker.sock]", .equal, ["/host/docker.sock"], e),
                      "the glob is matched on the source (upstream quirk)")
        XCTAssertTrue(try matches("container.mount.dest[/proc*]", .notEqual, ["N/A"], e))
        XCTAssertFalse(try matches("container.mount.dest[/etc]", .notEqual, ["N/A"], e), "no mount: not extracted")
        XCTAssertTrue(try matches("container.mount.source[/host/proc]", .equal, ["/proc"], e),
                      "container.mount.source matches on the destination")
        XCTAssertTrue(try matches("container.mount.mode[1]", .equal, ["ro"], e))
        XCTAssertTrue(try matches("container.mount.rdwr[0]", .equal, ["true"], e))
        XCTAssertTrue(try matches("container.mount.propagation[1]", .equal, ["rslave"], e))
        XCTAssertTrue(try matches("container.mount[0]", .startswith, ["/var/run/docker.sock:"], e))
        XCTAssertFalse(try matches("container.mount[2]", .exists, [], e))
        let supplied = try event("execve", ["container.mounts": .string(""), "container.mount.dest[/x]": .string("/y")])
        XCTAssertTrue(try matches("container.mount.dest[/x]", .equal, ["/y"], supplied))
    }

    func testDirectoryAndFilename() throws {
        let file = try event("openat", ["fd.name": .string("/etc/cron.d/job"), "fd.typechar": .string("f")])
        XCTAssertTrue(try matches("fd.directory", .equal, ["/etc/cron.d"], file))
        XCTAssertTrue(try matches("fd.filename", .equal, ["job"], file))
        let top = try event("openat", ["fd.name": .string("/.bashrc"), "fd.typechar": .string("f")])
        XCTAssertTrue(try matches("fd.directory", .equal, ["/"], top))
        let dir = try event("openat", ["fd.name": .string("/etc"), "fd.typechar": .string("d")])
        XCTAssertTrue(try matches("fd.directory", .equal, ["/etc"], dir))
        XCTAssertFalse(try matches("fd.filename", .exists, [], dir))
        let socket = try event("connect", ["fd.name": .string("1.2.3.4:1->5.6.7.8:2"), "fd.typechar": .string("4")])
        XCTAssertFalse(try matches("fd.directory", .exists, [], socket))
    }

    func testOpenFlagsFailedAndNumber() throws {
        let write = try event("openat", ["evt.arg.flags": .string("O_TRUNC|O_CREAT|O_WRONLY"), "evt.rawres": .integer(3)])
        XCTAssertTrue(try matches("evt.is_open_write", .equal, ["true"], write))
        XCTAssertTrue(try matches("evt.is_open_read", .equal, ["false"], write))
        XCTAssertFalse(try matches("evt.is_open_exec", .exists, [], write), "not derived")
        let readWrite = try event("open", ["evt.arg.flags": .string("O_RDWR")])
        XCTAssertTrue(try matches("evt.is_open_read", .equal, ["true"], readWrite))
        XCTAssertTrue(try matches("evt.is_open_write", .equal, ["true"], readWrite))
        let enter = try event("openat", ["evt.arg.flags": .string("O_RDWR")], direction: ">")
        XCTAssertTrue(try matches("evt.is_open_write", .equal, ["false"], enter))
        XCTAssertFalse(try matches("evt.failed", .equal, ["true"], write))
        let failed = try event("openat", ["evt.rawres": .integer(-2)])
        XCTAssertTrue(try matches("evt.failed", .equal, ["true"], failed))
        XCTAssertTrue(try matches("evt.num", .equal, ["7"], failed), "the position in the run")
        XCTAssertTrue(try matches("evt.num", .equal, ["42"], try event("openat", ["evt.num": .integer(42)])))
    }

    func testEventTableFields() throws {
        let read = try event("read", ["evt.arg.fd": .string("<f>/etc/passwd")])
        XCTAssertTrue(try matches("evt.is_io_read", .equal, ["true"], read))
        XCTAssertTrue(try matches("evt.io_dir", .equal, ["read"], read))
        XCTAssertTrue(try matches("evt.count", .equal, ["1"], read))
        XCTAssertTrue(try matches("evt.count.exit", .equal, ["1"], read))
        XCTAssertTrue(try matches("syscall.type", .equal, ["read"], read))
        XCTAssertFalse(try matches("evt.io_dir", .exists, [], try event("execve", [:])))
        XCTAssertFalse(try matches("evt.count.exit", .exists, [], try event("execve", [:], direction: ">")))

        XCTAssertTrue(try matches("evt.type.is.open", .equal, ["1"], try event("open", [:])))
        XCTAssertTrue(try matches("evt.type.is.open", .equal, ["0"], try event("openat", [:])))
        XCTAssertTrue(try matches("evt.type.is.execve", .equal, ["0"], try event("execve", [:])),
                      "upstream quirk: the first execve id is an obsolete version")
        XCTAssertTrue(try matches("evt.type.is.mkdir", .equal, ["0"], try event("mkdir", [:])))
        XCTAssertTrue(try matches("evt.type.is.syscall", .equal, ["1"], try event("mknod", [:])))
    }

    func testTimeFields() throws {
        let e = try SensorEvent(fields: ["evt.type": .string("open"), "evt.dir": .string("<"),
                                         "evt.rawtime": .string("1650000000123456789")],
                                sequenceNumber: 2, runStartTime: 1_649_999_999_000_000_000, utcOffsetSeconds: 3600)
        XCTAssertTrue(try matches("evt.time.iso8601", .equal, ["2022-04-15T05:20:00.123456789+0000"], e))
        XCTAssertTrue(try matches("evt.time", .equal, ["06:20:00.123456789"], e), "local time")
        XCTAssertTrue(try matches("evt.datetime.s", .equal, ["2022-04-15 06:20:00"], e))
        XCTAssertTrue(try matches("evt.rawtime.s", .equal, ["1650000000"], e))
        XCTAssertTrue(try matches("evt.rawtime.ns", .equal, ["123456789"], e))
        XCTAssertTrue(try matches("evt.reltime.s", .equal, ["1"], e))
        XCTAssertTrue(try matches("evt.around[1650000000100000000]", .equal, ["100"], e))
        XCTAssertFalse(try matches("evt.around[1650000000100000000]", .equal, ["10"], e))
    }
}
