import PSPAdmission
import XCTest

/// A pod failing several fields gets every error, in the order the API server lists them in
/// `PodSecurityPolicy: unable to admit pod: [...]`: pod-level fields first, then each container's.
final class ErrorOrderTests: XCTestCase {
    func testPodLevelErrorsComeBeforeEachContainersInTheAPIServersOrder() throws {
        let psp = try Admission.psp(["runAsUser": "{rule: MustRunAsNonRoot}", "allowPrivilegeEscalation": "false",
                                     "volumes": "[configMap]"],
                                    annotations: ["seccomp.security.alpha.kubernetes.io/allowedProfileNames": "docker/default,runtime/default"])
        let pod = """
            spec:
              hostPID: true
              volumes: [{name: tmp, emptyDir: {}}]
              containers:
              - name: test
                securityContext: {runAsUser: 0, privileged: true, allowPrivilegeEscalation: true}
            """
        XCTAssertEqual(try Admission.errors(psp, pod), [
            // An unset profile is rejected when the PSP lists profiles without a default (two spaces: the
            // profile is empty).
            "pod.metadata.annotations[seccomp.security.alpha.kubernetes.io/pod]: Forbidden:  is not an allowed seccomp profile. Valid values are docker/default,runtime/default",
            "spec.securityContext.hostPID: Invalid value: true: Host PID is not allowed to be used",
            #"spec.volumes[0]: Invalid value: "emptyDir": emptyDir volumes are not allowed to be used"#,
            "spec.containers[0].securityContext.runAsUser: Invalid value: 0: running with the root UID is forbidden",
            "pod.metadata.annotations[container.seccomp.security.alpha.kubernetes.io/test]: Forbidden:  is not an allowed seccomp profile. Valid values are docker/default,runtime/default",
            "spec.containers[0].securityContext.privileged: Invalid value: true: Privileged containers are not allowed",
            "spec.containers[0].securityContext.allowPrivilegeEscalation: Invalid value: true: Allowing privilege escalation for containers is not allowed",
        ])
        XCTAssertEqual(try Admission.checks(psp, pod),
                       ["seccomp", "hostPID", "volumes", "runAsUser", "seccomp", "privileged", "allowPrivilegeEscalation"])
    }

    /// The same pod, fixed as the errors say, is admitted; the PSP's mutations fill in what it leaves unset.
    func testTheFixedPodIsAdmittedAfterMutation() throws {
        let psp = try Admission.psp(["runAsUser": "{rule: MustRunAsNonRoot}", "allowPrivilegeEscalation": "false",
                                     "volumes": "[configMap]"],
                                    annotations: ["seccomp.security.alpha.kubernetes.io/allowedProfileNames": "docker/default,runtime/default",
                                                  "seccomp.security.alpha.kubernetes.io/defaultProfileName": "runtime/default"])
        let pod = "spec: {volumes: [{name: cfg, configMap: {name: app}}], containers: [{name: test}]}"
        XCTAssertEqual(try Admission.errors(psp, pod), [])
        let admitted = psp.admitted(try Admission.pod(pod))
        XCTAssertEqual(admitted.metadata.annotations["seccomp.security.alpha.kubernetes.io/pod"], "runtime/default")
        XCTAssertEqual(admitted.spec.containers[0].securityContext?.shared.runAsNonRoot, true)
        XCTAssertEqual(admitted.spec.containers[0].securityContext?.allowPrivilegeEscalation, false)
    }
}
