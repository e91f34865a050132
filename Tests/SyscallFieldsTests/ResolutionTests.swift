import XCTest
import SyscallFields

/// Field resolution in condition mode (syscall-fields.md §1.4, §1.5), argument forms and every
/// parser error message.
final class ResolutionTests: XCTestCase {
    private func resolve(_ text: String) throws -> SyscallField { try SyscallFieldCatalog.resolve(text) }

    private func assertError(_ text: String, _ kind: SyscallFieldError.Kind, _ message: String,
                             file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try resolve(text), file: file, line: line) { error in
            XCTAssertEqual(error as? SyscallFieldError, SyscallFieldError(kind, message), file: file, line: line)
        }
        XCTAssertFalse(SyscallFieldCatalog.isKnownField(text), file: file, line: line)
    }

    private func assertUnknown(_ text: String, file: StaticString = #filePath, line: UInt = #line) {
        assertError(text, .unknownField, "filter_check called with nonexistent field \(text)", file: file, line: line)
    }

    func testLongestPrefixAndExactLength() throws {
        XCTAssertEqual(try resolve("fd.name").name, "fd.name")
        XCTAssertEqual(try resolve("fd.cip.name").name, "fd.cip.name")
        XCTAssertEqual(try resolve("evt.time.iso8601").name, "evt.time.iso8601")
        assertUnknown("fd.namex")
        assertUnknown("proc.namex")
        assertUnknown("nosuch.field")
        assertUnknown("evt.timezone")     // claimed by class 1 through `evt.time`, wrong length
        assertUnknown("container.mountsx")
    }

    func testEventArguments() throws {
        let byName = try resolve("evt.arg.fd")
        XCTAssertEqual(byName.name, "evt.arg")
        XCTAssertEqual(byName.argumentValue, .name("fd"))
        XCTAssertEqual(byName.type, .charbuf)
        XCTAssertEqual(try resolve("evt.arg[0]").argumentValue, .index(0))
        XCTAssertEqual(try resolve("evt.arg[02]").key, "evt.arg[2]", "integer arguments are canonicalised")
        XCTAssertEqual(try resolve("evt.args").name, "evt.args")
        assertUnknown("evt.arg.fdx")  // longest parameter prefix is `fd`
        assertError("evt.arg.foo", .invalidArgument, "unknown event argument foo")
        assertError("evt.arg", .invalidArgument, "filter syntax error: evt.arg")
        assertError("evt.argx", .invalidArgument, "filter syntax error: evt.argx")
        assertError("evt.arg[x]", .invalidArgument, "x is not a valid number")
        let raw = try resolve("evt.rawarg.res")
        XCTAssertEqual(raw.name, "evt.rawarg")
        XCTAssertEqual(raw.type, .errno)
        assertError("evt.rawarg[0]", .invalidArgument, "evt.arg fields must be expressed explicitly")
        assertError("evt.rawarg", .invalidArgument, "filter syntax error: evt.rawarg")
        assertError("evt.rawarg.nosuch", .invalidArgument, "unknown event argument nosuch")
    }

    func testAroundAbspathAndTypeIs() throws {
        XCTAssertEqual(try resolve("evt.around[100]").argumentValue, .timestamp(100))
        assertError("evt.around.x", .invalidArgument, "wrong syntax for evt.around")
        assertError("evt.around", .invalidArgument, "filter syntax error: evt.around")
        assertError("evt.around[abc]", .invalidArgument, "abc is not a valid number")
        XCTAssertNil(try resolve("evt.abspath").argument)
        XCTAssertEqual(try resolve("evt.abspath.dst").argument, "dst")
        assertUnknown("evt.abspathx")
        assertUnknown("evt.abspath.srcx")
        XCTAssertEqual(try resolve("evt.type.is.open").argumentValue, .name("open"))
        XCTAssertEqual(try resolve("evt.type.is.NA1").argumentValue, .name("NA1"), "obsolete names count")
        assertUnknown("evt.type.is.nosuch")
        assertError("evt.type.isx", .invalidArgument, "filter syntax error: evt.type.isx")
        XCTAssertEqual(try resolve("evt.latency.ns").name, "evt.latency.ns")
    }

    func testAncestors() throws {
        let second = try resolve("proc.aname[2]")
        XCTAssertEqual(second.name, "proc.aname")
        XCTAssertEqual(second.argumentValue, .index(2))
        XCTAssertFalse(second.isAnyAncestor)
        let any = try resolve("proc.aname")
        XCTAssertNil(any.argument)
        XCTAssertTrue(any.isAnyAncestor)
        XCTAssertTrue(try resolve("proc.apid[-1]").isAnyAncestor, "[-1] is the no-index form")
        XCTAssertEqual(try resolve("proc.apid[1]").type, .int64)
        assertUnknown("proc.aname[x]")
        assertUnknown("proc.anamex")
        assertError("args.x", .invalidArgument, "filter error: proc.arg filter not implemented yet")
    }

    func testCgroupsMountsAndLabels() throws {
        XCTAssertEqual(try resolve("thread.cgroup.cpuacct").argument, "cpuacct")
        XCTAssertEqual(try resolve("thread.cgroups").name, "thread.cgroups")
        assertError("thread.cgroup", .invalidArgument, "filter syntax error: thread.cgroup")
        assertUnknown("thread.cgroup.cpu1")  // subsystem is letters and `_` only

        let dest = try resolve("container.mount.dest[/var/run/docker.sock]")
        XCTAssertEqual(dest.name, "container.mount.dest")
        XCTAssertEqual(dest.argumentValue, .glob("/var/run/docker.sock"))
        XCTAssertEqual(try resolve("container.mount.destXY[/a]").key, "container.mount.dest[/a]", "upstream quirk")
        XCTAssertEqual(try resolve("container.mount[1]").argumentValue, .index(1))
        XCTAssertEqual(try resolve("container.mounts").name, "container.mounts")
        assertError("container.mount", .invalidArgument, "filter syntax error: container.mount")
        assertError("container.mount.foo[0]", .invalidArgument, "filter syntax error: container.mount.foo[0]")
        assertError("container.mount.dest", .invalidArgument, "filter syntax error: container.mount.dest")

        let label = try resolve("k8s.pod.label.app")
        XCTAssertEqual(label.name, "k8s.pod.label")
        XCTAssertEqual(label.argument, "app")
        XCTAssertEqual(try resolve("k8s.pod.label.app.kubernetes.io").argument, "app.kubernetes.io")
        XCTAssertEqual(try resolve("marathon.app.label.team").argument, "team")
        XCTAssertEqual(try resolve("k8s.pod.labels").name, "k8s.pod.labels")
        assertError("k8s.pod.label[app]", .invalidArgument, "filter syntax error: k8s.pod.label[app]")
        assertError("k8s.ns.label", .invalidArgument, "filter syntax error: k8s.ns.label")
    }

    func testTracerFields() throws {
        assertError("span.tag.x", .invalidArgument, "invalid syntax for span.tag")
        assertError("span.idtag.x", .invalidArgument, "invalid syntax for span.idtag")
        assertError("span.arg", .invalidArgument, "filter syntax error: span.arg")
        assertError("span.tag[x]", .invalidArgument, "x is not a valid number")
        XCTAssertEqual(try resolve("span.tags").name, "span.tags")
        XCTAssertEqual(try resolve("evtin.span.p.arg.name").argument, "name")
        assertError("evtin.span.m.tag.zzz", .invalidArgument, "unknown event argument zzz")
        assertError("evtin.span.s.tag", .invalidArgument, "filter syntax error: evtin.span.s.tag")
        XCTAssertEqual(try resolve("evtin.span.tags").name, "evtin.span.tags")
    }

    /// Bad input never crashes: odd texts give an unknown-field or argument error.
    func testOddTextsAreErrorsNotCrashes() {
        for text in ["", ".", "a.", "evt.", "evt.arg[", "evt.arg[1", "proc.aname[", "container.mount[",
                     "container.mount.dest[", "span.tag[", "évt.type", "fd.name\u{0}", "evt.type.is."] {
            XCTAssertThrowsError(try resolve(text), "\(text.debugDescription)")
        }
    }
}
