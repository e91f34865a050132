import XCTest
import YAMLKit
@testable import PSPConverter

/// Kubernetes manifests are YAML 1.1 as go-yaml v2 reads them.
final class KubernetesScalarTests: XCTestCase {
    private func typed(_ text: String, style: YAMLScalar.Style = .plain, tag: String? = nil) -> KubernetesScalar {
        KubernetesScalar(YAMLScalar(value: text, style: style, tag: tag, mark: YAMLMark(line: 1, column: 1)))
    }

    func testBooleans() {
        for text in ["true", "True", "TRUE", "yes", "Yes", "YES", "y", "Y", "on", "On", "ON"] { XCTAssertEqual(typed(text), .bool(true), text) }
        for text in ["false", "no", "n", "N", "off", "OFF"] { XCTAssertEqual(typed(text), .bool(false), text) }
        XCTAssertEqual(typed("true", style: .doubleQuoted), .string("true"))
        XCTAssertEqual(typed("yes", tag: "tag:yaml.org,2002:str"), .string("yes"))
    }

    func testIntegers() {
        XCTAssertEqual(typed("1000"), .int(1000))
        XCTAssertEqual(typed("+5"), .int(5))
        XCTAssertEqual(typed("-7"), .int(-7))
        XCTAssertEqual(typed("0x1F"), .int(31))
        XCTAssertEqual(typed("017"), .int(15))
        XCTAssertEqual(typed("0b101"), .int(5))
        XCTAssertEqual(typed("1_000"), .int(1000))
        XCTAssertEqual(typed("9223372036854775807"), .int(.max))
        XCTAssertEqual(typed("1000", style: .singleQuoted), .string("1000"))
    }

    func testNullsFloatsAndStrings() {
        for text in ["", "~", "null", "Null", "NULL"] { XCTAssertEqual(typed(text), .null, text) }
        XCTAssertEqual(typed("1.5"), .float(1.5))
        XCTAssertEqual(typed("1e3"), .float(1000))
        XCTAssertEqual(typed("09"), .float(9), "not octal, so a float as go-yaml reads it")
        XCTAssertEqual(typed("nginx"), .string("nginx"))
        XCTAssertEqual(typed("1:30"), .string("1:30"), "go-yaml v2 has no base-60 integers")
    }

    func testTypedFieldsInAPolicy() throws {
        // An integral float is an integer for Go's JSON decoding; YAML 1.1 booleans are booleans.
        let rules = try GeneratedRules.converting(name: "t", spec: """
            privileged: Yes
            hostPorts: [{min: 0x50, max: 8.0e1}]
            """)
        XCTAssertFalse(rules.ruleNames.contains("PSP t Violation (privileged) K8s Audit"))
        XCTAssertEqual(try rules.rule("PSP t Violation (hostPorts)").keys["condition"],
                       "t_psp_ka_container and not ka.req.pod.containers.host_port in (\"80:80\",\"<NA>\")")
    }

    func testJSONInput() throws {
        let json = #"{"apiVersion":"policy/v1beta1","kind":"PodSecurityPolicy","metadata":{"name":"j"},"spec":{"privileged":true,"hostPID":true,"hostIPC":true,"hostNetwork":true,"fsGroup":{"rule":"RunAsAny"}}}"#
        XCTAssertEqual(try PSPConverter.convert(yaml: json).ruleNames, ["PSP j Violation (allowedUnsafeSysctls)", "PSP j Violation (seccomp)"])
    }
}
