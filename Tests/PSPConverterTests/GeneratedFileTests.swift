import XCTest
@testable import PSPConverter

/// Properties of every generated file: loadable YAML, Falco 0.31.1 fields only, extension rule shapes.
final class GeneratedFileTests: XCTestCase {
    /// Every `jevt.*` / `ka.*` field of Falco 0.31.1 (k8s-audit-fields.md §2.3).
    static let falcoK8sAuditFields: Set<String> = Set("""
        jevt.time jevt.time.iso8601 jevt.rawtime jevt.obj jevt.value ka.auditid ka.stage ka.auth.decision ka.auth.reason \
        ka.user.name ka.user.groups ka.impuser.name ka.verb ka.uri ka.uri.param ka.target.name ka.target.namespace \
        ka.target.resource ka.target.subresource ka.req.binding.subjects ka.req.binding.role ka.req.binding.subject.has_name \
        ka.req.configmap.name ka.req.configmap.obj ka.req.pod.containers.image ka.req.container.image \
        ka.req.pod.containers.image.repository ka.req.container.image.repository ka.req.pod.host_ipc ka.req.pod.host_network \
        ka.req.container.host_network ka.req.pod.host_pid ka.req.pod.containers.host_port ka.req.pod.containers.privileged \
        ka.req.container.privileged ka.req.pod.containers.allow_privilege_escalation ka.req.pod.containers.read_only_fs \
        ka.req.pod.run_as_user ka.req.pod.containers.run_as_user ka.req.pod.containers.eff_run_as_user ka.req.pod.run_as_group \
        ka.req.pod.containers.run_as_group ka.req.pod.containers.eff_run_as_group ka.req.pod.containers.proc_mount \
        ka.req.role.rules ka.req.role.rules.apiGroups ka.req.role.rules.nonResourceURLs ka.req.role.rules.verbs \
        ka.req.role.rules.resources ka.req.pod.fs_group ka.req.pod.supplemental_groups ka.req.pod.containers.add_capabilities \
        ka.req.service.type ka.req.service.ports ka.req.pod.volumes.hostpath ka.req.volume.hostpath \
        ka.req.pod.volumes.flexvolume_driver ka.req.pod.volumes.volume_type ka.resp.name ka.response.code \
        ka.response.reason ka.useragent
        """.split(separator: " ").map(String.init))

    /// The syscall fields falcoctl's System Activity rules use (all in libs b7eb0dd).
    static let syscallFields: Set<String> = [
        "evt.num", "evt.type", "evt.dir", "evt.is_open_write", "fd.typechar", "fd.num", "fd.name", "container.privileged",
        "container.id", "container.image.repository", "container.image.tag", "container.info", "user.name", "user.uid",
        "group.gid", "proc.cmdline", "proc.pname",
    ]

    /// A PSP exercising every section, falcoctl's and the extensions.
    static let everything = PSPFixtures.psp(name: "all", images: "[nginx]", annotations: [
        "seccomp.security.alpha.kubernetes.io/allowedProfileNames": "runtime/default,localhost/audit.json",
        "seccomp.security.alpha.kubernetes.io/defaultProfileName": "runtime/default",
        "apparmor.security.beta.kubernetes.io/allowedProfileNames": "runtime/default",
    ], spec: PSPFixtures.myStrictPolicy.components(separatedBy: "spec:\n")[1].replacingOccurrences(of: "\n  ", with: "\n")
        .trimmingCharacters(in: .whitespaces) + """

        seLinux: {rule: MustRunAs, seLinuxOptions: {level: "s0:c1,c2"}}
        forbiddenSysctls: [kernel.msg*, net.core.somaxconn]
        allowedUnsafeSysctls: [net.ipv4.tcp_keepalive_time]
        runtimeClass: {allowedRuntimeClassNames: [gvisor]}
        requiredDropCapabilities: [NET_RAW]
        allowedCSIDrivers: [{name: csi.example.com}]
        """)

    func testEverySectionIsGenerated() throws {
        let rules = try GeneratedRules(PSPFixtures.convert(Self.everything).rulesYAML)
        XCTAssertEqual(rules.ruleNames.count, 28, "\(rules.ruleNames)")
        for suffix in ["(seLinux=MustRunAs)", "(forbiddenSysctls)", "(allowedUnsafeSysctls)", "(seccomp)", "(apparmor)",
                       "(runtimeClass)", "(requiredDropCapabilities)", "(allowedCSIDrivers)"] {
            XCTAssertNoThrow(try rules.rule("PSP all Violation \(suffix)"))
        }
    }

    func testEveryRuleHasFalcoctlKeys() throws {
        let rules = try GeneratedRules(PSPFixtures.convert(Self.everything).rulesYAML)
        for rule in rules.rules {
            XCTAssertEqual(rule.keys["priority"], "WARNING", rule.name)
            XCTAssertEqual(rule.keys["tags"], "[k8s-psp]", rule.name)
            XCTAssertTrue(rule.name.hasPrefix("PSP all Violation ("), rule.name)
            let isSyscall = rule.name.hasSuffix("System Activity")
            XCTAssertEqual(rule.keys["source"], isSyscall ? "syscall" : "k8s_audit", rule.name)
            XCTAssertTrue(rule.keys["condition"]!.hasPrefix(isSyscall ? "all_psp_container and " : "all_psp_ka_container and "), rule.name)
            XCTAssertTrue(rule.keys["output"]!.hasPrefix("Pod Security Policy all validation failure--"), rule.name)
        }
    }

    /// The generated conditions and outputs only read fields Falco 0.31.1 has, except the AppArmor rule,
    /// which reads pspctl's field and is skipped by engines without it.
    func testOnlyFalcoFieldsAreUsed() throws {
        let rules = try GeneratedRules(PSPFixtures.convert(Self.everything).rulesYAML)
        let fieldPattern = try NSRegularExpression(pattern: #"(?<![\w.])(?:jevt|ka|evt|fd|container|user|group|proc)\.[A-Za-z0-9_.]*[A-Za-z0-9_]"#)
        for item in rules.items where item.kind == "rule" || item.kind == "macro" {
            for key in ["condition", "output"] {
                guard let text = item.keys[key] else { continue }
                let unquoted = text.replacingOccurrences(of: #""[^"]*"|'[^']*'"#, with: "\"\"", options: .regularExpression)
                for match in fieldPattern.matches(in: unquoted, range: NSRange(unquoted.startIndex..., in: unquoted)) {
                    let field = String(unquoted[Range(match.range, in: unquoted)!])
                    if field == AppArmorSection.profileField {
                        XCTAssertEqual(item.keys["skip-if-unknown-filter"], "true", item.name)
                        continue
                    }
                    XCTAssertTrue(Self.falcoK8sAuditFields.contains(field) || Self.syscallFields.contains(field),
                                  "\(item.name) uses \(field)")
                }
            }
        }
    }

    func testSELinuxRule() throws {
        let rules = try GeneratedRules(PSPFixtures.convert(Self.everything).rulesYAML)
        let check = try rules.macro("all_psp_selinux_options_differ").keys["condition"]!
        let pod = "/requestObject/spec/securityContext/seLinuxOptions"
        XCTAssertTrue(check.hasPrefix("(jevt.value[\(pod)] exists and not (jevt.value[\(pod)/user] in (\"<NA>\",\"\") and "), check)
        XCTAssertTrue(check.contains("jevt.value[\(pod)/level] in (\"s0:c1,c2\",\"s0:c2,c1\")"))
        XCTAssertTrue(check.contains("or (jevt.value[/requestObject/spec/initContainers/15/securityContext/seLinuxOptions] exists"))
        XCTAssertTrue(check.contains("or (jevt.value[/requestObject/spec/containers/15/securityContext/seLinuxOptions] exists"))
        XCTAssertEqual(try rules.rule("PSP all Violation (seLinux=MustRunAs)").keys["condition"], "all_psp_ka_container and all_psp_selinux_options_differ")
    }

    func testSELinuxLevelPermutations() {
        XCTAssertEqual(SELinuxSection.equivalentLevels("s0"), ["s0"])
        XCTAssertEqual(SELinuxSection.equivalentLevels("s0:c1"), ["s0:c1"])
        XCTAssertEqual(Set(SELinuxSection.equivalentLevels("s0:c1,c2,c3")).count, 6)
        XCTAssertEqual(SELinuxSection.equivalentLevels("s0:c1,c2,c3").first, "s0:c1,c2,c3")
        XCTAssertEqual(SELinuxSection.equivalentLevels("s0:c1,c2,c3,c4,c5,c6"), ["s0:c1,c2,c3,c4,c5,c6"], "more than 5 categories: as written")
        // Only MCS categories are reordered (a fuzzed 904-byte PSP with a long odd category became a
        // 3.3 MB rules file: 120 orders × every container slot).
        let odd = "s1:c0,c1" + String(repeating: "x", count: 400) + ",c4,c3"
        XCTAssertEqual(SELinuxSection.equivalentLevels(odd), [odd])
        XCTAssertEqual(SELinuxSection.equivalentLevels("s0:c1,sysadm"), ["s0:c1,sysadm"])
        XCTAssertEqual(Set(SELinuxSection.equivalentLevels("s0:c1023,c7")), ["s0:c1023,c7", "s0:c7,c1023"])
    }

    func testSysctlRules() throws {
        let rules = try GeneratedRules(PSPFixtures.convert(Self.everything).rulesYAML)
        let forbidden = try rules.macro("all_psp_forbidden_sysctls").keys["condition"]!
        XCTAssertTrue(forbidden.hasPrefix("(jevt.value[/requestObject/spec/securityContext/sysctls/0/name] in (\"net.core.somaxconn\") or jevt.value[/requestObject/spec/securityContext/sysctls/0/name] startswith \"kernel.msg\")"), forbidden)
        let list = try XCTUnwrap(rules.items.first { $0.kind == "list" && $0.name == "all_psp_allowed_sysctls" })
        XCTAssertEqual(list.keys["items"], "[kernel.shm_rmid_forced, net.ipv4.ip_local_port_range, net.ipv4.tcp_syncookies, net.ipv4.ping_group_range, net.ipv4.ip_unprivileged_port_start, net.ipv4.tcp_keepalive_time]")
        // Forbidden names are judged first (the forbidden rule comes earlier in the file).
        XCTAssertLessThan(rules.ruleNames.firstIndex(of: "PSP all Violation (forbiddenSysctls)")!,
                          rules.ruleNames.firstIndex(of: "PSP all Violation (allowedUnsafeSysctls)")!)
    }

    func testSeccompRule() throws {
        let rules = try GeneratedRules(PSPFixtures.convert(Self.everything).rulesYAML)
        let check = try rules.macro("all_psp_seccomp_profile_not_allowed").keys["condition"]!
        let annotation = "jevt.value[/requestObject/metadata/annotations/seccomp.security.alpha.kubernetes.io~1pod]"
        XCTAssertTrue(check.hasPrefix("(not \(annotation) in (\"<NA>\",\"\",\"runtime/default\",\"localhost/audit.json\"))"), check)
        XCTAssertTrue(check.contains("(jevt.value[/requestObject/spec/securityContext/seccompProfile/type] = RuntimeDefault or (jevt.value[/requestObject/spec/securityContext/seccompProfile/type] = Localhost and jevt.value[/requestObject/spec/securityContext/seccompProfile/localhostProfile] in (\"audit.json\")))"), check)
        // The default profile is allowed, so a pod setting none passes.
        XCTAssertFalse(check.contains("and not jevt.value[/requestObject/spec/securityContext/seccompProfile/type] exists"))
    }

    func testAppArmorRule() throws {
        let rules = try GeneratedRules(PSPFixtures.convert(Self.everything).rulesYAML)
        let rule = try rules.rule("PSP all Violation (apparmor)")
        XCTAssertEqual(rule.keys["condition"], "all_psp_ka_container and not ka.req.pod.containers.apparmor_profile in (\"runtime/default\")")
        XCTAssertEqual(rule.keys["skip-if-unknown-filter"], "true")
    }

    func testRuntimeClassRequiredDropAndCSIRules() throws {
        let rules = try GeneratedRules(PSPFixtures.convert(Self.everything).rulesYAML)
        XCTAssertEqual(try rules.macro("all_psp_runtime_class_not_allowed").keys["condition"],
                       "not jevt.value[/requestObject/spec/runtimeClassName] in (\"<NA>\",\"gvisor\")\n")
        let drop = try rules.macro("all_psp_adds_required_drop_capability").keys["condition"]!
        XCTAssertTrue(drop.hasPrefix("(ka.req.pod.containers.add_capabilities intersects (NET_RAW)) or (jevt.value[/requestObject/spec/initContainers/0/securityContext/capabilities/add] contains '\"NET_RAW\"')"), drop)
        let csi = try rules.macro("all_psp_csi_driver_not_allowed").keys["condition"]!
        XCTAssertTrue(csi.hasPrefix("(not jevt.value[/requestObject/spec/volumes/0/csi/driver] in (\"<NA>\",\"csi.example.com\"))"), csi)
    }

    /// Extension sections follow falcoctl's, so a pod violating both is reported under falcoctl's rule.
    func testExtensionsComeAfterFalcoctlSections() throws {
        let text = try PSPFixtures.convert(Self.everything).rulesYAML
        let lastFalcoctl = try XCTUnwrap(text.range(of: "# Rule(s) for PSP allowedProcMountTypes property\n"))
        let firstExtension = try XCTUnwrap(text.range(of: "(pspctl extension)\n"))
        XCTAssertLessThan(lastFalcoctl.lowerBound, firstExtension.lowerBound)
        XCTAssertTrue(text.hasSuffix("  tags: [k8s-psp]\n\n"))
    }
}
