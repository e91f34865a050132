import XCTest
@testable import PSPConverter

/// Which rules each PSP setting produces, their exact texts, and the falcoctl corrections.
final class RuleSelectionTests: XCTestCase {
    private func names(_ spec: String, name: String = "t", file: StaticString = #filePath, line: UInt = #line) throws -> [String] {
        try GeneratedRules.converting(name: name, spec: spec, file: file, line: line).ruleNames
    }

    /// Rules every PSP gets unless it allows everything: the four host/privileged rules, the inert
    /// fsGroup rule (no rule given) and the two extensions whose defaults forbid something.
    private let defaults = ["(privileged) K8s Audit", "(privileged) System Activity", "(hostPID)", "(hostIPC)",
                            "(hostNetwork)", "(fsGroup)", "(allowedUnsafeSysctls)", "(seccomp)"].map { "PSP t Violation \($0)" }

    func testEmptySpecGetsFalcoctlDefaults() throws {
        XCTAssertEqual(try names(""), defaults)
    }

    func testPolicyAllowingEverythingHasNoRules() throws {
        let spec = """
            privileged: true
            hostPID: true
            hostIPC: true
            hostNetwork: true
            fsGroup: {rule: RunAsAny}
            runAsUser: {rule: RunAsAny}
            supplementalGroups: {rule: RunAsAny}
            seLinux: {rule: RunAsAny}
            volumes: ['*']
            allowedCapabilities: ['*']
            allowedUnsafeSysctls: ['*']
            runtimeClass: {allowedRuntimeClassNames: ['*']}
            """
        let conversion = try PSPFixtures.convert(PSPFixtures.psp(name: "t", annotations: [
            "seccomp.security.alpha.kubernetes.io/allowedProfileNames": "*"], spec: spec))
        XCTAssertEqual(conversion.ruleNames, [])
        XCTAssertTrue(conversion.summary.contains("volumes (*) -> no rule: every volume type allowed"), "\(conversion.summary)")
    }

    func testBooleanFieldsFireUnlessTrue() throws {
        for field in ["hostPID", "hostIPC", "hostNetwork"] {
            XCTAssertFalse(try names("\(field): true").contains("PSP t Violation (\(field))"))
            XCTAssertTrue(try names("\(field): false").contains("PSP t Violation (\(field))"))
        }
        XCTAssertFalse(try names("privileged: yes").contains("PSP t Violation (privileged) K8s Audit"), "YAML 1.1 yes is true")
        XCTAssertTrue(try names("privileged: off").contains("PSP t Violation (privileged) K8s Audit"))
    }

    func testListFieldsNeedEntries() throws {
        XCTAssertFalse(try names("hostPorts: []").contains("PSP t Violation (hostPorts)"))
        XCTAssertFalse(try names("volumes: []").contains("PSP t Violation (volumes)"))
        let rules = try GeneratedRules.converting(name: "t", spec: """
            hostPorts: [{min: 80, max: 80}, {min: 8000, max: 8080}]
            volumes: [configMap, cephFS]
            allowedHostPaths: [{pathPrefix: /var/log, readOnly: true}]
            allowedFlexVolumes: [{driver: example.com/lvm}]
            allowedCapabilities: [NET_ADMIN]
            defaultAddCapabilities: [CHOWN]
            allowedProcMountTypes: [Default, Unmasked]
            """)
        XCTAssertEqual(try rules.rule("PSP t Violation (hostPorts)").keys["condition"],
                       "t_psp_ka_container and not ka.req.pod.containers.host_port in (\"80:80\",\"8000:8080\",\"<NA>\")")
        // Correction: the FSType cephFS is the pod volume key cephfs.
        XCTAssertEqual(try rules.rule("PSP t Violation (volumes)").keys["condition"],
                       "t_psp_ka_container and not ka.req.pod.volumes.volume_type in (configMap,cephfs,\"<NA>\")")
        XCTAssertTrue(try rules.rule("PSP t Violation (volumes)").keys["output"]!.contains("outside of allowed set (configMap,cephFS)"))
        XCTAssertEqual(try rules.rule("PSP t Violation (allowedHostPaths)").keys["condition"],
                       "t_psp_ka_container and not ka.req.pod.volumes.hostpath pmatch (/var/log,\"<NA>\")")
        XCTAssertEqual(try rules.rule("PSP t Violation (allowedFlexVolumes)").keys["condition"],
                       "t_psp_ka_container and not ka.req.pod.volumes.flexvolume_driver in (example.com/lvm,\"<NA>\")")
        // Correction: the defaultAddCapabilities are allowed too.
        let capabilities = try rules.rule("PSP t Violation (allowedCapabilities)")
        XCTAssertEqual(capabilities.keys["condition"],
                       "t_psp_ka_container and not ka.req.pod.containers.add_capabilities in (NET_ADMIN,CHOWN,\"<NA>\")")
        XCTAssertTrue(capabilities.keys["output"]!.contains("outside of allowed set \"(NET_ADMIN,CHOWN)\" (user="))
        XCTAssertEqual(try rules.rule("PSP t Violation (allowedProcMountTypes)").keys["condition"],
                       "t_psp_ka_container and not ka.req.pod.containers.proc_mount in (Default,Unmasked,\"<NA>\")")
    }

    /// Correction: `*` allows every volume type and every capability (falcoctl compared it literally).
    func testWildcardsAllowEverything() throws {
        let rules = try names("volumes: [configMap, '*']\nallowedCapabilities: ['*']")
        XCTAssertFalse(rules.contains("PSP t Violation (volumes)"))
        XCTAssertFalse(rules.contains("PSP t Violation (allowedCapabilities)"))
    }

    /// Correction: no `FOO=` debug field in the runAsUser output.
    func testRunAsUserMustRunAsTexts() throws {
        let rules = try GeneratedRules.converting(name: "t", spec: "runAsUser: {rule: MustRunAs, ranges: [{min: 1000, max: 2000}, {min: 5000, max: 5000}]}")
        let audit = try rules.rule("PSP t Violation (runAsUser=MustRunAs) K8s Audit")
        XCTAssertEqual(audit.keys["condition"], "t_psp_ka_container and not (ka.req.pod.containers.eff_run_as_user in (\"1000:2000\",\"5000:5000\"))")
        XCTAssertEqual(audit.keys["output"], "Pod Security Policy t validation failure--runAsUser outside of allowed set. runAsUser set=(\"1000:2000\",\"5000:5000\") \(RuleNames.kaTail)")
        XCTAssertFalse(audit.keys["output"]!.contains("FOO="))
        XCTAssertEqual(try rules.macro("t_psp_allowed_uids").keys["condition"],
                       "(\n   (user.uid >= 1000 and user.uid <= 2000)  or (user.uid >= 5000 and user.uid <= 5000)\n)\n")
        XCTAssertEqual(try rules.rule("PSP t Violation (runAsUser=MustRunAs) System Activity").keys["condition"],
                       "t_psp_container and evt.type in (execve, setuid) and evt.dir=< and not t_psp_allowed_uids")
    }

    /// Correction: the runAsGroup output prints the runAsGroup ranges (falcoctl printed runAsUser's).
    func testRunAsGroupMustRunAsTexts() throws {
        let rules = try GeneratedRules.converting(name: "t", spec: """
            runAsUser: {rule: MustRunAs, ranges: [{min: 1000, max: 2000}]}
            runAsGroup: {rule: MustRunAs, ranges: [{min: 100, max: 200}, {min: 300, max: 400}]}
            """)
        let audit = try rules.rule("PSP t Violation (runAsGroup=MustRunAs) K8s Audit")
        XCTAssertTrue(audit.keys["output"]!.contains("runAsGroup MustRunAs set=(\"100:200\",\"300:400\") (user="), audit.keys["output"]!)
        XCTAssertEqual(try rules.macro("t_psp_allowed_gids").keys["condition"],
                       "(\n  (group.gid >= 100 and group.gid <= 200) or (group.gid >= 300 and group.gid <= 400)\n)\n")
    }

    func testIDStrategiesSelectSections() throws {
        XCTAssertTrue(try names("runAsUser: {rule: MustRunAsNonRoot}").contains("PSP t Violation (runAsUser=MustRunAsNonRoot) K8s Audit"))
        XCTAssertFalse(try names("runAsUser: {rule: RunAsAny}").contains { $0.contains("runAsUser") })
        XCTAssertTrue(try names("runAsGroup: {rule: MayRunAs, ranges: [{min: 1, max: 2}]}").contains("PSP t Violation (runAsGroup=MayRunAs)"))
        XCTAssertFalse(try names("runAsGroup: {rule: RunAsAny}").contains { $0.contains("runAsGroup") })
        XCTAssertTrue(try names("supplementalGroups: {rule: MustRunAs, ranges: [{min: 1, max: 2}]}").contains("PSP t Violation (supplementalGroups=MustRunAs)"))
        XCTAssertTrue(try names("supplementalGroups: {rule: MayRunAs, ranges: [{min: 1, max: 2}]}").contains("PSP t Violation (supplementalGroups=MayRunAs)"))
        XCTAssertFalse(try names("fsGroup: {rule: RunAsAny}").contains("PSP t Violation (fsGroup)"))
        XCTAssertTrue(try names("allowPrivilegeEscalation: false").contains("PSP t Violation (allowPrivilegeEscalation)"))
        XCTAssertFalse(try names("allowPrivilegeEscalation: true").contains("PSP t Violation (allowPrivilegeEscalation)"))
        XCTAssertFalse(try names("defaultAllowPrivilegeEscalation: false").contains("PSP t Violation (allowPrivilegeEscalation)"))
        XCTAssertTrue(try names("readOnlyRootFilesystem: true").contains("PSP t Violation (readOnlyRootFilesystem) System Activity"))
    }

    func testFSGroupMacros() throws {
        let must = try GeneratedRules.converting(name: "t", spec: "fsGroup: {rule: MustRunAs, ranges: [{min: 1, max: 100}]}")
        XCTAssertEqual(try must.macro("t_psp_fs_group_must_run_matches").keys["condition"], "ka.req.pod.fs_group in (\"1:100\")")
        XCTAssertEqual(try must.macro("t_psp_fs_group_may_run_matches").keys["condition"], "(t_psp_ka_always_true)")
        let may = try GeneratedRules.converting(name: "t", spec: "fsGroup: {rule: MayRunAs, ranges: [{min: 1, max: 100}]}")
        XCTAssertEqual(try may.macro("t_psp_fs_group_may_run_matches").keys["condition"], "ka.req.pod.fs_group in (\"1:100\",\"<NA>\")")
        // No rule: falcoctl's inert section (both macros always true).
        let inert = try GeneratedRules.converting(name: "t", spec: "")
        XCTAssertEqual(try inert.macro("t_psp_fs_group_must_run_matches").keys["condition"], "(t_psp_ka_always_true)")
        XCTAssertTrue(try inert.rule("PSP t Violation (fsGroup)").keys["output"]!.contains("Rule= ranges= () (user="))
    }

    func testNamePrefix() throws {
        let dashed = try GeneratedRules.converting(name: "my-psp", spec: "")
        XCTAssertEqual(dashed.ruleNames.first, "PSP my_psp Violation (privileged) K8s Audit")
        XCTAssertTrue(try dashed.rule("PSP my_psp Violation (hostPID)").keys["output"]!.hasPrefix("Pod Security Policy my-psp validation failure--"))
        XCTAssertEqual(try GeneratedRules.converting(name: "restricted pods", spec: "").ruleNames.first,
                       "PSP restricted_pods Violation (privileged) K8s Audit")
        // Correction: dots and a leading digit make unloadable macro names in falcoctl.
        let dotted = try GeneratedRules.converting(name: "1.example.com", spec: "")
        XCTAssertEqual(dotted.ruleNames.first, "PSP _1_example_com Violation (privileged) K8s Audit")
        XCTAssertNoThrow(try dotted.macro("_1_example_com_psp_ka_container"))
        let unnamed = try GeneratedRules.converting(name: nil, spec: "")
        XCTAssertEqual(unnamed.ruleNames.first, "PSP psp Violation (privileged) K8s Audit")
        XCTAssertTrue(try unnamed.rule("PSP psp Violation (hostPID)").keys["output"]!.hasPrefix("Pod Security Policy  validation failure--"))
    }

    /// A name YAML cannot hold as a plain scalar still gives a loadable file (its output is quoted).
    func testNameNeedingYAMLQuotes() throws {
        let rules = try GeneratedRules.converting(name: "a: #b", spec: "")
        XCTAssertTrue(try rules.rule("PSP a___b Violation (hostPID)").keys["output"]!.hasPrefix("Pod Security Policy a: #b validation failure--"))
    }

    func testImagesList() throws {
        let rules = try GeneratedRules.converting(images: "[nginx, 'docker.io/library/redis', myreg:5000/app, 123.dkr.ecr.aws/x]", spec: "")
        let list = try XCTUnwrap(rules.items.first { $0.kind == "list" })
        XCTAssertEqual(list.name, "test_psp_images")
        // Items the condition grammar would misread are Falco-quoted inside the YAML string.
        XCTAssertEqual(list.keys["items"], "[nginx, docker.io/library/redis, \"myreg:5000/app\", \"123.dkr.ecr.aws/x\"]")
        XCTAssertEqual(try rules.macro("test_psp_ka_match_image").keys["condition"],
                       "(ka.req.pod.containers.image.repository in (test_psp_images))")
        XCTAssertEqual(try rules.macro("test_psp_match_image").keys["condition"], "(container.image.repository in (test_psp_images))")
    }

    /// Correction: without images the System Activity rules still apply only to containers.
    func testWithoutImages() throws {
        let rules = try GeneratedRules.converting(spec: "")
        XCTAssertFalse(rules.items.contains { $0.kind == "list" && $0.name == "test_psp_images" })
        XCTAssertEqual(try rules.macro("test_psp_ka_match_image").keys["condition"], "test_psp_ka_always_true")
        XCTAssertEqual(try rules.macro("test_psp_match_image").keys["condition"], "(container.id != host)")
        XCTAssertEqual(try rules.macro("test_psp_container").keys["condition"], "(test_psp_enabled and  test_psp_match_image)")
    }

    func testEmptyImagesAnnotationMeansEveryImage() throws {
        let rules = try GeneratedRules.converting(images: "", spec: "")
        XCTAssertEqual(try rules.macro("test_psp_ka_match_image").keys["condition"], "test_psp_ka_always_true")
    }

    func testSummary() throws {
        let conversion = try PSPFixtures.convert(PSPFixtures.psp(name: "t", images: "[nginx:1.21]", spec: """
            privileged: false
            hostPID: true
            runAsUser: {rule: MustRunAs, ranges: [{min: 1, max: 5}]}
            """))
        XCTAssertTrue(conversion.summary.contains("privileged (false) -> PSP t Violation (privileged) K8s Audit, PSP t Violation (privileged) System Activity"), "\(conversion.summary)")
        XCTAssertTrue(conversion.summary.contains("hostPID (true) -> no rule: allowed"))
        XCTAssertTrue(conversion.summary.contains("runAsUser (MustRunAs 1-5) -> PSP t Violation (runAsUser=MustRunAs) K8s Audit, PSP t Violation (runAsUser=MustRunAs) System Activity"))
        XCTAssertTrue(conversion.summary.contains { $0.hasPrefix("warning: image \"nginx:1.21\" has a tag") })
        XCTAssertEqual(conversion.summary.last, "\(conversion.ruleNames.count) rules for PodSecurityPolicy \"t\" (name prefix t)")
    }
}
