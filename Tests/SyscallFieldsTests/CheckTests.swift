import XCTest
import ConditionLanguage
import SyscallFields

/// Load-time compilation of `field op values`: value parsing per type (falco-rules.md §7.2), `evt.type`
/// names, and pspctl's operator/type check.
final class CheckTests: XCTestCase {
    @discardableResult
    private func check(_ field: String, _ op: ComparisonOperator, _ values: [String]) throws -> SyscallCheck {
        try SyscallCheck(Comparison(field: field, op: op, values: values))
    }

    private func assertRejected(_ field: String, _ op: ComparisonOperator, _ values: [String],
                                _ kind: SyscallFieldError.Kind, _ message: String,
                                file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try check(field, op, values), file: file, line: line) { error in
            XCTAssertEqual(error as? SyscallFieldError, SyscallFieldError(kind, message), file: file, line: line)
        }
    }

    private func assertValueError(_ field: String, _ value: String, _ message: String,
                                  file: StaticString = #filePath, line: UInt = #line) {
        assertRejected(field, .equal, [value], .invalidValue, message, file: file, line: line)
    }

    func testFieldErrorsComeFirst() {
        assertRejected("proc.nosuch", .equal, ["x"], .unknownField, "filter_check called with nonexistent field proc.nosuch")
        assertRejected("evt.arg.foo", .equal, ["x"], .invalidArgument, "unknown event argument foo")
    }

    func testStrings() throws {
        try check("proc.name", .equal, ["bash"])
        try check("proc.name", .in, [])
        try check("proc.name", .equal, [String(repeating: "a", count: 255)])
        assertValueError("proc.name", String(repeating: "a", count: 256), "filter parameter too long:" + String(repeating: "a", count: 256))
        try check("evt.buffer", .contains, [String(repeating: "b", count: 255)])
        assertRejected("evt.buffer", .contains, [String(repeating: "b", count: 256)], .invalidValue,
                       "filter parameter too long:" + String(repeating: "b", count: 256))
    }

    func testSignedIntegers() throws {
        for value in ["0", "-1", "+5", " 7", "9223372036854775807"] { try check("proc.pid", .equal, [value]) }
        assertValueError("proc.pid", "1.5", "1.5 is not a valid number")
        assertValueError("proc.pid", "12 ", "12  is not a valid number")
        assertValueError("proc.pid", "abc", "abc is not a valid number")
        assertValueError("proc.pid", "", " is not a valid number")
        assertValueError("proc.tty", "1.2345678901234e+14", "1.2345678901234e+14 is not a valid number")
        try check("evt.cpu", .equal, ["70000"])  // truncated to 16 bits, as upstream
    }

    func testUnsignedIntegersAndTimes() throws {
        for value in ["0", "4294967295", "-1"] { try check("user.uid", .equal, [value]) }
        try check("proc.duration", .lessOrEqual, ["5000000000"])
        try check("evt.rawtime", .greaterOrEqual, ["1650000000123456789"])
        assertValueError("user.uid", "root", "root is not a valid number")
        assertValueError("proc.duration", "5s", "5s is not a valid number")
    }

    func testBooleans() throws {
        try check("fd.connected", .equal, ["true"])
        try check("container.privileged", .equal, ["false"])
        assertValueError("container.privileged", "yes", "filter error: unrecognized boolean value yes")
        assertValueError("container.privileged", "True", "filter error: unrecognized boolean value True")
        assertValueError("evt.is_open_read", "1", "filter error: unrecognized boolean value 1")
    }

    func testPorts() throws {
        for value in ["443", "", "65536", "2147483647", "ssh", "http"] { try check("fd.sport", .equal, [value]) }
        assertValueError("fd.sport", "2147483648", "stoi")
        assertValueError("fd.sport", "no-such-service-xyz", "unrecognized protocol no-such-service-xyz")
        try check("fd.proto", .equal, ["http"])
    }

    func testAddressesAndNetworks() throws {
        try check("fd.sip", .equal, ["169.254.169.254"])
        try check("fd.cip", .in, ["127.0.0.1", "::1"])
        assertValueError("fd.sip", "010.0.0.1", "unrecognized IPv4 address 010.0.0.1")
        assertValueError("fd.sip", "1.2.3", "unrecognized IPv4 address 1.2.3")
        assertValueError("fd.sip", "nothost", "unrecognized IPv6 address nothost")
        assertValueError("fd.sip", "::ffff:1.2.3.4", "unrecognized IPv4 address ::ffff:1.2.3.4")

        try check("fd.cnet", .in, ["10.0.0.0/8", "127.0.0.1/8", "0.0.0.0/0"])
        try check("fd.snet", .equal, ["fe80::"])
        try check("fd.snet", .equal, ["10.0.0.0/264"])  // 8-bit netmask: 264 → 8
        assertValueError("fd.snet", "10.0.0.0", "unrecognized IP network 10.0.0.0")
        assertValueError("fd.snet", "10.0.0.300/8", "unrecognized IP address 10.0.0.300/8")
        assertValueError("fd.snet", "10.0.0.0/x", "x is not a valid number")
        assertValueError("fd.snet", "10.0.0.0/33", "invalid netmask 33")
        assertValueError("fd.snet", "fe80::/64", "unrecognized IPv6 address fe80::/64")
    }

    func testTypesThatTakeNoValue() throws {
        assertValueError("proc.fdusage", "0.5", "wrong parameter type 33")
        try check("proc.fdusage", .exists, [])
        assertValueError("evt.rawarg.pid", "1", "wrong parameter type 15")
        assertValueError("evt.rawarg.args", "x", "wrong parameter type 10")
        assertValueError("evt.rawarg.uid", "x", "x is not a valid number")  // PT_UINT32 first definition
        try check("evt.rawarg.res", .less, ["0"])
        try check("evt.rawarg.name", .pmatch, ["/etc", "/usr"])
    }

    func testEventTypeNames() throws {
        try check("evt.type", .in, ["open", "openat", "accept4", "mknod", "syscall", "NA3", "<unknown>"])
        assertValueError("evt.type", "opn", "unknown event type opn")
        assertRejected("evt.type", .startswith, ["zz"], .invalidValue, "unknown event type zz")
        assertValueError("evt.type", "Open", "unknown event type Open")
    }

    func testAroundTakesOnlyEquals() throws {
        try check("evt.around[1650000000000000000]", .equal, ["100"])
        assertRejected("evt.around[1]", .notEqual, ["100"], .unsupportedOperator,
                       "evt.around supports only '=' comparison operator")
        assertRejected("evt.around[1]", .exists, [], .unsupportedOperator, "evt.around supports only '=' comparison operator")
        assertValueError("evt.around[1]", "1ms", "1ms is not a valid number")
    }

    // MARK: Operator/type fit (pspctl correction: upstream fails at the first evaluated event)

    func testStringOperatorsOnNumbersAreLoadErrors() throws {
        for op in [ComparisonOperator.contains, .icontains, .startswith, .endswith, .glob] {
            assertRejected("proc.pid", op, ["1"], .unsupportedOperator,
                           "operator '\(op.rawValue)' is not supported by field proc.pid (numeric)")
        }
        assertRejected("fd.connected", .contains, ["true"], .unsupportedOperator,
                       "operator 'contains' is not supported by field fd.connected (boolean)")
        assertRejected("fd.sport", .startswith, ["44"], .unsupportedOperator,
                       "operator 'startswith' is not supported by field fd.sport (port)")
        try check("proc.aname[02]", .contains, ["ssh"])  // strings take every operator
    }

    func testBufferIPAndNetworkMisfits() throws {
        try check("evt.buffer", .contains, ["GET /"])
        for op in [ComparisonOperator.icontains, .glob, .less, .greaterOrEqual] {
            assertRejected("evt.buffer", op, ["x"], .unsupportedOperator,
                           "operator '\(op.rawValue)' is not supported by field evt.buffer (byte buffer)")
        }
        try check("fd.sip", .notEqual, ["10.0.0.1"])
        assertRejected("fd.sip", .startswith, ["10.0.0.1"], .unsupportedOperator,
                       "operator 'startswith' is not supported by field fd.sip (IP address)")
        assertRejected("fd.cip", .greater, ["10.0.0.1"], .unsupportedOperator,
                       "operator '>' is not supported by field fd.cip (IP address)")
        assertRejected("fd.cnet", .less, ["10.0.0.0/8"], .unsupportedOperator,
                       "operator '<' is not supported by field fd.cnet (IP network)")
    }

    func testFieldsWithTheirOwnComparisons() throws {
        try check("fd.ip", .equal, ["0.0.0.0"])
        try check("fd.ip", .in, ["10.0.0.1", "10.0.0.2"])
        try check("fd.net", .notEqual, ["127.0.0.0/8"])
        try check("fd.port", .in, ["80", "443"])
        try check("fd.port", .greaterOrEqual, ["1024"])
        for op in [ComparisonOperator.exists, .intersects, .pmatch, .glob, .less] {
            XCTAssertThrowsError(try check("fd.ip", op, op == .exists ? [] : ["1.2.3.4"])) { error in
                XCTAssertEqual((error as? SyscallFieldError)?.message,
                               "operator '\(op.rawValue)' is not supported by field fd.ip (it supports only =, !=, in)")
            }
        }
        assertRejected("fd.port", .exists, [], .unsupportedOperator,
                       "operator 'exists' is not supported by field fd.port (it supports only =, !=, <, <=, >, >=, in)")
        assertRejected("fd.proto", .contains, ["80"], .unsupportedOperator,
                       "operator 'contains' is not supported by field fd.proto (it supports only =, !=, <, <=, >, >=, in)")
    }

    func testValueErrorsWinOverOperatorMisfits() {
        // Upstream rejects the value first; pspctl keeps that message.
        assertValueError("proc.pid", "abc", "abc is not a valid number")
        assertRejected("proc.pid", .contains, ["abc"], .invalidValue, "abc is not a valid number")
    }

    func testCheckKeepsWhatItWasBuiltFrom() throws {
        let compiled = try check("proc.aname[2]", .in, ["sshd", "bash"])
        XCTAssertEqual(compiled.fieldText, "proc.aname[2]")
        XCTAssertEqual(compiled.field.key, "proc.aname[2]")
        XCTAssertEqual(compiled.op, .in)
    }
}
