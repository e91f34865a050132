import PSPAdmission
import XCTest

/// seLinux, sysctls, seccomp and AppArmor annotations, runtimeClass.
final class ProfileTests: XCTestCase {
    func testSELinuxMustRunAs() throws {
        let psp = try Admission.psp(["seLinux": "{rule: MustRunAs, seLinuxOptions: {user: system_u, role: system_r, type: container_t, level: 's0:c1,c2'}}"])
        // Unset: the PSP's options are filled in.
        XCTAssertEqual(try Admission.errors(psp, "spec: {containers: [{name: a}]}"), [])
        // Categories in another order are the same level.
        XCTAssertEqual(try Admission.errors(psp, "spec: {securityContext: {seLinuxOptions: {user: system_u, role: system_r, type: container_t, level: 's0:c2,c1'}}, containers: [{name: a}]}"), [])
        XCTAssertEqual(try Admission.errors(psp, "spec: {containers: [{name: a, securityContext: {seLinuxOptions: {type: spc_t, level: s0}}}]}"), [
            #"spec.containers[0].securityContext.seLinuxOptions.level: Invalid value: "s0": must be s0:c1,c2"#,
            #"spec.containers[0].securityContext.seLinuxOptions.role: Invalid value: "": must be system_r"#,
            #"spec.containers[0].securityContext.seLinuxOptions.type: Invalid value: "spc_t": must be container_t"#,
            #"spec.containers[0].securityContext.seLinuxOptions.user: Invalid value: "": must be system_u"#,
        ])
    }

    /// falcoctl ignores sysctls; PSP admission forbids unsafe ones unless allowed, and forbidden ones always.
    func testSysctls() throws {
        let pod = "spec: {securityContext: {sysctls: [{name: kernel.shm_rmid_forced, value: '1'}, {name: kernel.msgmax, value: '1'}, {name: net.core.somaxconn, value: '1'}]}, containers: [{name: a}]}"
        XCTAssertEqual(try Admission.errors(try Admission.psp(), pod), [
            #"spec.securityContext.sysctls[1]: Forbidden: unsafe sysctl "kernel.msgmax" is not allowed"#,
            #"spec.securityContext.sysctls[2]: Forbidden: unsafe sysctl "net.core.somaxconn" is not allowed"#,
        ])
        let psp = try Admission.psp(["allowedUnsafeSysctls": "[net.*, kernel.msgmax]", "forbiddenSysctls": "[kernel.shm_rmid_forced]"])
        XCTAssertEqual(try Admission.errors(psp, pod), [
            #"spec.securityContext.sysctls[0]: Forbidden: sysctl "kernel.shm_rmid_forced" is not allowed"#,
        ])
        XCTAssertEqual(try Admission.checks(psp, pod), ["forbiddenSysctls"])
        XCTAssertEqual(try Admission.checks(try Admission.psp(), pod), ["allowedUnsafeSysctls", "allowedUnsafeSysctls"])
    }

    func testSeccompAnnotationsAndFields() throws {
        let annotations = ["seccomp.security.alpha.kubernetes.io/allowedProfileNames": "runtime/default,localhost/audit",
                           "seccomp.security.alpha.kubernetes.io/defaultProfileName": "runtime/default"]
        let psp = try Admission.psp(annotations: annotations)
        // Unset: the default is written into the pod annotation, which the containers inherit.
        XCTAssertEqual(try Admission.errors(psp, "spec: {containers: [{name: a}]}"), [])
        XCTAssertEqual(try Admission.errors(psp, """
            metadata: {annotations: {container.seccomp.security.alpha.kubernetes.io/b: unconfined}}
            spec:
              containers:
              - {name: a, securityContext: {seccompProfile: {type: Localhost, localhostProfile: audit}}}
              - {name: b}
            """), [
            "pod.metadata.annotations[container.seccomp.security.alpha.kubernetes.io/b]: Forbidden: unconfined is not an allowed seccomp profile. Valid values are runtime/default,localhost/audit",
        ])
        // Without a default, an unset profile is rejected.
        let noDefault = try Admission.psp(annotations: ["seccomp.security.alpha.kubernetes.io/allowedProfileNames": "runtime/default"])
        XCTAssertEqual(try Admission.checks(noDefault, "spec: {containers: [{name: a}]}"), ["seccomp", "seccomp"])
        // Without allowed names no profile may be set.
        XCTAssertEqual(try Admission.errors(try Admission.psp(), "spec: {securityContext: {seccompProfile: {type: RuntimeDefault}}, containers: [{name: a}]}"), [
            "pod.metadata.annotations[seccomp.security.alpha.kubernetes.io/pod]: Forbidden: seccomp may not be set",
            "pod.metadata.annotations[container.seccomp.security.alpha.kubernetes.io/a]: Forbidden: seccomp may not be set",
        ])
        XCTAssertEqual(try Admission.errors(try Admission.psp(annotations: ["seccomp.security.alpha.kubernetes.io/allowedProfileNames": "*"]),
                                            "spec: {securityContext: {seccompProfile: {type: Unconfined}}, containers: [{name: a}]}"), [])
    }

    func testAppArmorAnnotations() throws {
        let psp = try Admission.psp(annotations: ["apparmor.security.beta.kubernetes.io/allowedProfileNames": "runtime/default"])
        XCTAssertEqual(try Admission.errors(psp, """
            metadata: {annotations: {container.apparmor.security.beta.kubernetes.io/b: unconfined}}
            spec: {containers: [{name: a}, {name: b}]}
            """), [
            "pod.metadata.annotations[container.apparmor.security.beta.kubernetes.io/a]: Forbidden: AppArmor profile must be set",
            #"pod.metadata.annotations[container.apparmor.security.beta.kubernetes.io/b]: Forbidden: unconfined is not an allowed profile. Allowed values: "runtime/default""#,
        ])
        let defaulted = try Admission.psp(annotations: ["apparmor.security.beta.kubernetes.io/allowedProfileNames": "runtime/default",
                                                        "apparmor.security.beta.kubernetes.io/defaultProfileName": "runtime/default"])
        XCTAssertEqual(try Admission.errors(defaulted, "spec: {containers: [{name: a}]}"), [])
        XCTAssertEqual(try Admission.errors(try Admission.psp(), "metadata: {annotations: {container.apparmor.security.beta.kubernetes.io/a: unconfined}}\nspec: {containers: [{name: a}]}"), [])
    }

    func testRuntimeClass() throws {
        let psp = try Admission.psp(["runtimeClass": "{allowedRuntimeClassNames: [gvisor], defaultRuntimeClassName: gvisor}"])
        XCTAssertEqual(try Admission.errors(psp, "spec: {containers: [{name: a}]}"), [])
        XCTAssertEqual(psp.admitted(try Admission.pod("spec: {containers: [{name: a}]}")).spec.runtimeClassName, "gvisor")
        XCTAssertEqual(try Admission.errors(psp, "spec: {runtimeClassName: kata, containers: [{name: a}]}"),
                       [#"spec.runtimeClassName: Invalid value: "kata""#])
        XCTAssertEqual(try Admission.checks(psp, "spec: {runtimeClassName: kata, containers: [{name: a}]}"), ["runtimeClass"])
    }
}
