import PSPAdmission
import XCTest

/// readOnlyRootFilesystem, allowPrivilegeEscalation / defaultAllowPrivilegeEscalation, capabilities, procMount.
final class ContainerSettingsTests: XCTestCase {
    func testReadOnlyRootFilesystemIsDefaultedAndAnExplicitFalseRejected() throws {
        let psp = try Admission.psp(["readOnlyRootFilesystem": "true"])
        XCTAssertEqual(try Admission.errors(psp, "spec: {containers: [{name: a}]}"), [])
        XCTAssertEqual(try Admission.errors(psp, "spec: {containers: [{name: a, securityContext: {readOnlyRootFilesystem: false}}]}"), [
            "spec.containers[0].securityContext.readOnlyRootFilesystem: Invalid value: false: ReadOnlyRootFilesystem must be set to true",
        ])
        XCTAssertEqual(try Admission.checks(psp, "spec: {containers: [{name: a, securityContext: {readOnlyRootFilesystem: false}}]}"),
                       ["readOnlyRootFilesystem"])
    }

    func testAllowPrivilegeEscalation() throws {
        let forbidden = try Admission.psp(["allowPrivilegeEscalation": "false"])
        // Unset: mutated to false.
        XCTAssertEqual(try Admission.errors(forbidden, "spec: {containers: [{name: a}]}"), [])
        XCTAssertEqual(try Admission.errors(forbidden, "spec: {containers: [{name: a, securityContext: {allowPrivilegeEscalation: true}}]}"), [
            "spec.containers[0].securityContext.allowPrivilegeEscalation: Invalid value: true: Allowing privilege escalation for containers is not allowed",
        ])
        // A default of true on a PSP that forbids escalation makes unset containers fail (the API server refuses
        // such a PSP; the default still wins the mutation).
        let contradictory = try Admission.psp(["allowPrivilegeEscalation": "false", "defaultAllowPrivilegeEscalation": "true"])
        XCTAssertEqual(try Admission.checks(contradictory, "spec: {containers: [{name: a}]}"), ["allowPrivilegeEscalation"])
        let defaulted = try Admission.psp(["defaultAllowPrivilegeEscalation": "false"])
        XCTAssertEqual(defaulted.admitted(try Admission.pod("spec: {containers: [{name: a}]}")).spec.containers[0].securityContext?.allowPrivilegeEscalation, false)
        XCTAssertEqual(try Admission.errors(try Admission.psp(), "spec: {containers: [{name: a, securityContext: {allowPrivilegeEscalation: true}}]}"), [])
    }

    /// falcoctl writes no capability rule for an empty allowedCapabilities and ignores the default adds and
    /// required drops; PSP admission admits only the default adds then, and adds/drops by mutation.
    func testCapabilities() throws {
        let none = try Admission.psp()
        XCTAssertEqual(try Admission.errors(none, "spec: {containers: [{name: a, securityContext: {capabilities: {add: [NET_ADMIN], drop: [ALL]}}}]}"), [
            #"spec.containers[0].securityContext.capabilities.add: Invalid value: "NET_ADMIN": capability may not be added"#,
        ])
        XCTAssertEqual(try Admission.checks(none, "spec: {containers: [{name: a, securityContext: {capabilities: {add: [NET_ADMIN]}}}]}"),
                       ["allowedCapabilities"])
        let psp = try Admission.psp(["allowedCapabilities": "[NET_BIND_SERVICE]", "defaultAddCapabilities": "[CHOWN]",
                                     "requiredDropCapabilities": "[NET_RAW]"])
        // Mutation adds CHOWN and drops NET_RAW: nothing to reject.
        XCTAssertEqual(try Admission.errors(psp, "spec: {containers: [{name: a}]}"), [])
        let admitted = psp.admitted(try Admission.pod("spec: {containers: [{name: a, securityContext: {capabilities: {drop: [CHOWN]}}}]}"))
        XCTAssertEqual(admitted.spec.containers[0].securityContext?.capabilities?.add, [])
        XCTAssertEqual(admitted.spec.containers[0].securityContext?.capabilities?.drop, ["CHOWN", "NET_RAW"])
        XCTAssertEqual(try Admission.errors(psp, "spec: {containers: [{name: a, securityContext: {capabilities: {add: [NET_BIND_SERVICE, CHOWN, SYS_ADMIN]}}}]}"), [
            #"spec.containers[0].securityContext.capabilities.add: Invalid value: "SYS_ADMIN": capability may not be added"#,
        ])
        // A wildcard allows every capability.
        XCTAssertEqual(try Admission.errors(try Admission.psp(["allowedCapabilities": "['*']"]),
                                            "spec: {containers: [{name: a, securityContext: {capabilities: {add: [SYS_ADMIN]}}}]}"), [])
    }

    func testProcMount() throws {
        let pod = "spec: {containers: [{name: a, securityContext: {procMount: Unmasked}}, {name: b}]}"
        XCTAssertEqual(try Admission.errors(try Admission.psp(), pod), [
            #"spec.containers[0].securityContext.procMount: Invalid value: "Unmasked": ProcMountType is not allowed"#,
        ])
        XCTAssertEqual(try Admission.checks(try Admission.psp(), pod), ["allowedProcMountTypes"])
        XCTAssertEqual(try Admission.errors(try Admission.psp(["allowedProcMountTypes": "[Default, Unmasked]"]), pod), [])
        XCTAssertEqual(try Admission.checks(try Admission.psp(["allowedProcMountTypes": "[Unmasked]"]), pod), ["allowedProcMountTypes"])
    }
}
