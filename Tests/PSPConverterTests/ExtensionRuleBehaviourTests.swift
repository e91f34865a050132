import XCTest
@testable import PSPConverter

/// pspctl's rules for the fields falcoctl ignored, judged on audit events by `pspctl watch`.
final class ExtensionRuleBehaviourTests: XCTestCase {
    typealias Pod = AuditedRequest

    /// Set options are compared with the policy's; unset ones would be filled in by admission.
    func testSELinuxMustRunAs() throws {
        let psp = PSPFixtures.allowingEverythingBut("seLinux: {rule: MustRunAs, seLinuxOptions: {type: container_t, level: \"s0:c1,c2\"}}")
        func options(_ values: [String: String]) -> [String: Any] { ["seLinuxOptions": values] }
        var initDiffers = Pod.pod("init-container-differs")
        initDiffers.spec["initContainers"] = [Container.make("init", securityContext: options(["type": "spc_t", "level": "s0:c1,c2"]))]
        var secondDiffers = Pod.pod("second-container-differs")
        secondDiffers.spec["containers"] = [Container.make("a"), Container.make("b", securityContext: options(["type": "spc_t"]))]
        try DryRun.assertVerdicts(psp: psp, [
            (Pod.pod("unset"), nil),
            (Pod.pod("same", container: options(["type": "container_t", "level": "s0:c1,c2"])), nil),
            (Pod.pod("categories-reordered", container: options(["type": "container_t", "level": "s0:c2,c1"])), nil),
            (Pod.pod("empty-user-allowed", container: options(["user": "", "type": "container_t", "level": "s0:c1,c2"])), nil),
            (Pod.pod("other-type", container: options(["type": "spc_t", "level": "s0:c1,c2"])), "(seLinux=MustRunAs)"),
            (Pod.pod("other-level", container: options(["type": "container_t", "level": "s0:c1,c3"])), "(seLinux=MustRunAs)"),
            (Pod.pod("extra-user", container: options(["user": "system_u", "type": "container_t", "level": "s0:c1,c2"])), "(seLinux=MustRunAs)"),
            (Pod.pod("missing-level", container: options(["type": "container_t"])), "(seLinux=MustRunAs)"),
            (Pod.pod("pod-level-differs", pod: ["securityContext": options(["type": "spc_t"])]), "(seLinux=MustRunAs)"),
            (Pod.pod("pod-level-same", pod: ["securityContext": options(["type": "container_t", "level": "s0:c1,c2"])]), nil),
            (initDiffers, "(seLinux=MustRunAs)"),
            (secondDiffers, "(seLinux=MustRunAs)"),
        ])
    }

    func testSysctls() throws {
        func sysctls(_ names: [String]) -> [String: Any] {
            ["securityContext": ["sysctls": names.map { ["name": $0, "value": "1"] }]]
        }
        let psp = PSPFixtures.allowingEverythingBut("""
            allowedUnsafeSysctls: [net.core.somaxconn, kernel.msg*]
            forbiddenSysctls: [kernel.shm_rmid_forced, kernel.msgmax]
            """)
        try DryRun.assertVerdicts(psp: psp, [
            (Pod.pod("none"), nil),
            (Pod.pod("safe", pod: sysctls(["net.ipv4.ip_local_port_range", "net.ipv4.tcp_syncookies"])), nil),
            (Pod.pod("allowed-unsafe", pod: sysctls(["net.core.somaxconn"])), nil),
            (Pod.pod("allowed-by-prefix", pod: sysctls(["kernel.msgmnb"])), nil),
            (Pod.pod("unsafe", pod: sysctls(["net.ipv4.ip_local_port_range", "kernel.sem"])), "(allowedUnsafeSysctls)"),
            // Forbidding beats the safe set and the allow list.
            (Pod.pod("forbidden-safe", pod: sysctls(["kernel.shm_rmid_forced"])), "(forbiddenSysctls)"),
            (Pod.pod("forbidden-allowed-prefix", pod: sysctls(["kernel.msgmax"])), "(forbiddenSysctls)"),
            (Pod.pod("forbidden-and-unsafe", pod: sysctls(["kernel.sem", "kernel.msgmax"])), "(forbiddenSysctls)"),
        ])
        // Without allowedUnsafeSysctls only the safe set passes.
        try DryRun.assertVerdicts(psp: PSPFixtures.allowingEverythingBut("allowedUnsafeSysctls: []"), [
            (Pod.pod("safe", pod: sysctls(["net.ipv4.ping_group_range"])), nil),
            (Pod.pod("unsafe", pod: sysctls(["net.core.somaxconn"])), "(allowedUnsafeSysctls)"),
        ])
    }

    func testSeccompAllowedProfiles() throws {
        let psp = PSPFixtures.allowingEverythingBut("", annotations: [
            "seccomp.security.alpha.kubernetes.io/allowedProfileNames": "runtime/default,localhost/profiles/audit.json",
        ])
        func profile(_ type: String, _ path: String? = nil) -> [String: Any] {
            var value: [String: Any] = ["type": type]
            if let path { value["localhostProfile"] = path }
            return ["seccompProfile": value]
        }
        let podAnnotation = "seccomp.security.alpha.kubernetes.io/pod"
        let podDefault: [String: Any] = ["securityContext": profile("RuntimeDefault")]
        var initUnconfined = Pod.pod("init-container-unconfined", pod: podDefault)
        initUnconfined.spec["initContainers"] = [Container.make("init", securityContext: profile("Unconfined"))]
        try DryRun.assertVerdicts(psp: psp, [
            (Pod.pod("runtime-default", container: profile("RuntimeDefault"), pod: podDefault), nil),
            (Pod.pod("pod-runtime-default", pod: podDefault), nil),
            // The pod-level profile is judged on its own: containers setting theirs do not fill it in.
            (Pod.pod("container-level-only", container: profile("RuntimeDefault")), "(seccomp)"),
            (Pod.pod("allowed-localhost", pod: ["securityContext": profile("Localhost", "profiles/audit.json")]), nil),
            (Pod.pod("other-localhost", pod: ["securityContext": profile("Localhost", "profiles/other.json")]), "(seccomp)"),
            (Pod.pod("unconfined", container: profile("Unconfined"), pod: podDefault), "(seccomp)"),
            (Pod.pod("annotation-allowed", annotations: [podAnnotation: "runtime/default"]), nil),
            (Pod.pod("annotation-unconfined", annotations: [podAnnotation: "unconfined"]), "(seccomp)"),
            // No default profile in the PSP: a pod without one is rejected.
            (Pod.pod("unset"), "(seccomp)"),
            (initUnconfined, "(seccomp)"),
        ])
    }

    func testSeccompDefaultAndAbsentAnnotation() throws {
        // With a default profile that is allowed, a pod without a profile gets it and passes.
        try DryRun.assertVerdicts(psp: PSPFixtures.allowingEverythingBut("", name: "d", annotations: [
            "seccomp.security.alpha.kubernetes.io/allowedProfileNames": "runtime/default",
            "seccomp.security.alpha.kubernetes.io/defaultProfileName": "runtime/default",
        ]), prefix: "d", [
            (Pod.pod("unset"), nil),
            (Pod.pod("unconfined", pod: ["securityContext": ["seccompProfile": ["type": "Unconfined"]]]), "(seccomp)"),
        ])
        // Without allowedProfileNames no profile may be set.
        let noAnnotation = PSPFixtures.psp(name: "t", spec: "privileged: true\nhostPID: true\nhostIPC: true\nhostNetwork: true\nfsGroup: {rule: RunAsAny}\nallowedUnsafeSysctls: ['*']")
        try DryRun.assertVerdicts(psp: noAnnotation, [
            (Pod.pod("unset"), nil),
            (Pod.pod("runtime-default", container: ["seccompProfile": ["type": "RuntimeDefault"]]), "(seccomp)"),
        ])
    }

    func testRuntimeClass() throws {
        try DryRun.assertVerdicts(psp: PSPFixtures.allowingEverythingBut("runtimeClass: {allowedRuntimeClassNames: [gvisor, kata], defaultRuntimeClassName: gvisor}"), [
            (Pod.pod("unset"), nil),
            (Pod.pod("allowed", pod: ["runtimeClassName": "kata"]), nil),
            (Pod.pod("other", pod: ["runtimeClassName": "runc"]), "(runtimeClass)"),
        ])
        // A backslash inside a quoted condition value is kept as written (Falco does not unescape).
        try DryRun.assertVerdicts(psp: PSPFixtures.allowingEverythingBut("runtimeClass: {allowedRuntimeClassNames: [\"a\\\\b\"]}"), [
            (Pod.pod("backslash", pod: ["runtimeClassName": "a\\b"]), nil),
            (Pod.pod("other", pod: ["runtimeClassName": "ab"]), "(runtimeClass)"),
        ])
    }

    func testRequiredDropCapabilities() throws {
        func adds(_ capabilities: [String]) -> [String: Any] { ["capabilities": ["add": capabilities]] }
        var initAdds = Pod.pod("init-container-adds")
        initAdds.spec["initContainers"] = [Container.make("init", securityContext: adds(["CHOWN", "NET_RAW"]))]
        try DryRun.assertVerdicts(psp: PSPFixtures.allowingEverythingBut("requiredDropCapabilities: [NET_RAW, SYS_ADMIN]"), [
            (Pod.pod("drops", container: ["capabilities": ["drop": ["NET_RAW"]]]), nil),
            (Pod.pod("adds-other", container: adds(["CHOWN"])), nil),
            (Pod.pod("adds-required-drop", container: adds(["SYS_ADMIN"])), "(requiredDropCapabilities)"),
            (initAdds, "(requiredDropCapabilities)"),
            (Pod.pod("unset"), nil),
        ])
    }

    func testAllowedCSIDrivers() throws {
        func csi(_ driver: String) -> [String: Any] { ["volumes": [["name": "e", "emptyDir": [:]], ["name": "c", "csi": ["driver": driver]]]] }
        try DryRun.assertVerdicts(psp: PSPFixtures.allowingEverythingBut("allowedCSIDrivers: [{name: csi.example.com}]"), [
            (Pod.pod("allowed", pod: csi("csi.example.com")), nil),
            (Pod.pod("other", pod: csi("csi.other.org")), "(allowedCSIDrivers)"),
            (Pod.pod("no-csi", pod: ["volumes": [["name": "e", "emptyDir": [:]]]]), nil),
        ])
    }
}

extension ExtensionRuleBehaviourTests {
    /// The AppArmor rule reads pspctl's `ka.req.pod.containers.apparmor_profile` (Falco 0.31.1 would skip
    /// it, `skip-if-unknown-filter`): a container whose profile annotation is not allowed alerts.
    func testAppArmorRuleFlagsContainersWithProfilesOutsideTheAllowedSet() throws {
        let psp = PSPFixtures.allowingEverythingBut("privileged: false", annotations: [
            "apparmor.security.beta.kubernetes.io/allowedProfileNames": "runtime/default"])
        let conversion = try PSPConverter.convert(yaml: psp)
        XCTAssertTrue(conversion.ruleNames.contains("PSP t Violation (apparmor)"))
        try DryRun.assertVerdicts(psp: psp, [
            (Pod.pod("privileged", container: ["privileged": true],
                     annotations: ["container.apparmor.security.beta.kubernetes.io/main": "runtime/default"]), "(privileged) K8s Audit"),
            (Pod.pod("allowed-profile",
                     annotations: ["container.apparmor.security.beta.kubernetes.io/main": "runtime/default"]), nil),
            (Pod.pod("unconfined",
                     annotations: ["container.apparmor.security.beta.kubernetes.io/main": "unconfined"]), "(apparmor)"),
            (Pod.pod("no-profile"), "(apparmor)"),
        ])
    }
}
