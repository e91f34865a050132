import XCTest
import SyscallFields

/// Syscall output formats (falco-rules.md §11.1, syscall-fields.md §1.4 output mode, §1.6).
final class OutputFormatTests: XCTestCase {
    private func assertInvalid(_ format: String, _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try SyscallOutputFormat(parsing: format), file: file, line: line) { error in
            XCTAssertEqual(error as? SyscallFieldError, SyscallFieldError(.invalidOutputFormat, message),
                           file: file, line: line)
        }
    }

    func testFieldsAndLiterals() throws {
        let format = try SyscallOutputFormat(parsing: "Shell (user=%user.name cmd=%proc.cmdline parent=%proc.aname[2])")
        XCTAssertEqual(format.fieldReferences, ["user.name", "proc.cmdline", "proc.aname[2]"])
        XCTAssertFalse(format.isPermissive)
        guard case .literal("Shell (user=") = format.segments.first,
              case .literal(")") = format.segments.last else {
            return XCTFail("unexpected segments \(format.segments)")
        }
    }

    func testFieldIsTheLongestPrefixAndTheRestIsLiteral() throws {
        let cipher = try SyscallOutputFormat(parsing: "%fd.cipher")
        XCTAssertEqual(cipher.fieldReferences, ["fd.cip"])
        XCTAssertEqual(cipher.segments.last, .literal("her"))
        let name = try SyscallOutputFormat(parsing: "%evt.arg.name foo")
        XCTAssertEqual(name.fieldReferences, ["evt.arg.name"])
        XCTAssertEqual(name.segments.last, .literal(" foo"))
        XCTAssertEqual(try SyscallOutputFormat(parsing: "x=%proc.name)").fieldReferences, ["proc.name"])
        XCTAssertEqual(try SyscallOutputFormat(parsing: "%container.mount.dest[/var/run/docker.sock] mounted")
            .fieldReferences, ["container.mount.dest[/var/run/docker.sock]"])
    }

    func testWidthAndPermissiveMode() throws {
        let format = try SyscallOutputFormat(parsing: "*%12proc.name|%0user.uid")
        XCTAssertTrue(format.isPermissive)
        guard case .field(let field, let token, let width) = format.segments[0] else { return XCTFail() }
        XCTAssertEqual(field.name, "proc.name")
        XCTAssertEqual(token, "proc.name")
        XCTAssertEqual(width, 12)
        guard case .field(_, _, let noWidth) = format.segments[2] else { return XCTFail() }
        XCTAssertNil(noWidth)
        XCTAssertTrue(try SyscallOutputFormat(parsing: "*").segments.isEmpty)
        XCTAssertEqual(try SyscallOutputFormat(parsing: "no fields at all").segments, [.literal("no fields at all")])
    }

    func testErrors() {
        assertInvalid("", "empty formatting token")
        assertInvalid("cmd=%", "invalid formatting syntax: formatting cannot end with a %")
        assertInvalid("cmd=%12", "invalid formatting syntax: formatting cannot end with a number")
        assertInvalid("%nosuch.field x", "invalid formatting token nosuch.field x")
        assertInvalid("100%% sure", "invalid formatting token % sure")
        assertInvalid("%(proc.name)", "invalid formatting token (proc.name)")
        assertInvalid("ip=%fd.ip x", "fd.ip x is filter only and cannot be used as a display field")
        assertInvalid("%fd.rnet", "fd.rnet is filter only and cannot be used as a display field")
        assertInvalid("%evt.arg.foo bar", "unknown event argument foo bar")
        assertInvalid("%evt.arg x", "filter syntax error: evt.arg x")
        assertInvalid("%k8s.pod.label[app]", "filter syntax error: k8s.pod.label[app]")
    }

    /// Upstream quirks kept: `evt.around` passes (custom parser), and the any-ancestor forms only parse
    /// at the very end of the string; elsewhere they match nothing and their text stays literal.
    func testUpstreamQuirks() throws {
        XCTAssertEqual(try SyscallOutputFormat(parsing: "%evt.around[5]").fieldReferences, ["evt.around[5]"])
        let atEnd = try SyscallOutputFormat(parsing: "ancestors %proc.aname")
        XCTAssertEqual(atEnd.fieldReferences, ["proc.aname"])
        let inside = try SyscallOutputFormat(parsing: "%proc.aname here")
        XCTAssertEqual(inside.fieldReferences, [])
        XCTAssertEqual(inside.segments.last, .literal("proc.aname here"))
        XCTAssertEqual(try SyscallOutputFormat(parsing: "%evt.rawarg.flags").fieldReferences, ["evt.rawarg.flags"])
        XCTAssertEqual(try SyscallOutputFormat(parsing: "%evt.outputtime").fieldReferences, ["evt.outputtime"])
    }
}
