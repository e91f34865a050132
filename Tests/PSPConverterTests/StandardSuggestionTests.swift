import PodSecurity
import XCTest
import YAMLKit
@testable import PSPConverter

/// `PSPMigration.suggest` (psp-to-pss-mapping.md §6): levels, limits, defaults, gaps, versions; and each
/// suggestion checked against Pod Security Admission's own checks on pod manifests written here, pods the
/// PSP admits (after its mutation): admitted by the suggested level, rejected by the next stricter one.
final class StandardSuggestionTests: XCTestCase {
    // MARK: Helpers

    static func suggestion(_ spec: String, annotations: [String: String] = [:], version: String = "latest",
                           file: StaticString = #filePath, line: UInt = #line) throws -> StandardSuggestion {
        let result = try PSPMigration.suggest(yaml: PSPFixtures.psp(annotations: annotations, spec: spec), version: version)
        XCTAssertEqual(result.policies.count, 1, file: file, line: line)
        return try XCTUnwrap(result.policies.first, file: file, line: line)
    }

    /// A pod manifest judged by PodSecurity's registry.
    static func verdict(_ podYAML: String, _ level: PolicyLevel, _ version: PolicyVersion = .latest) throws -> AggregateCheckResult {
        let node = try XCTUnwrap(try YAML.parseDocuments(podYAML).first)
        return CheckRegistry.standard.evaluate(PodSpecView(podOrTemplate: node), level: level, version: version)
    }

    /// Settings of a PSP meeting every restricted check, to which a test adds the field it is about.
    static let restrictedSpec = """
        privileged: false
        allowPrivilegeEscalation: false
        requiredDropCapabilities: [ALL]
        volumes: [configMap, emptyDir, projected, secret, downwardAPI, csi, persistentVolumeClaim, ephemeral]
        runAsUser: {rule: MustRunAsNonRoot}
        seLinux: {rule: MustRunAs, seLinuxOptions: {type: container_t, level: "s0:c1,c2"}}
        supplementalGroups: {rule: RunAsAny}
        fsGroup: {rule: RunAsAny}
        """
    static let restrictedAnnotations = [
        "seccomp.security.alpha.kubernetes.io/allowedProfileNames": "runtime/default",
        "seccomp.security.alpha.kubernetes.io/defaultProfileName": "runtime/default",
        "apparmor.security.beta.kubernetes.io/allowedProfileNames": "runtime/default",
    ]

    /// `restrictedSpec` with other volume types.
    static func restricted(volumes: String) -> String {
        restrictedSpec.replacingOccurrences(of: "volumes: [configMap, emptyDir, projected, secret, downwardAPI, csi, persistentVolumeClaim, ephemeral]",
                                            with: "volumes: \(volumes)")
    }

    func limit(_ suggestion: StandardSuggestion, _ field: String) -> StandardSuggestion.Limit? {
        suggestion.limits.first { $0.field == field }
    }

    // MARK: Levels

    func testWitnessBasePodPassesRestrictedAtEveryVersion() {
        for minor in 0...CheckRegistry.standard.maxVersion.minor {
            XCTAssertTrue(CheckRegistry.standard.evaluate(WitnessPod.base, level: .restricted, version: .v(1, minor)).allowed, "v1.\(minor)")
        }
    }

    func testRestrictedPSPIsRestrictedWithItsDefaultsAndGaps() throws {
        let suggestion = try Self.suggestion(Self.restrictedSpec, annotations: Self.restrictedAnnotations)
        XCTAssertEqual(suggestion.suggested, .init(level: "restricted", version: "v1.37"))
        XCTAssertEqual(suggestion.strict, suggestion.suggested)
        XCTAssertEqual(suggestion.assumes, [])
        XCTAssertEqual(suggestion.limits, [])
        // Every default a restricted check reads: drop ALL, runAsNonRoot, allowPrivilegeEscalation, seccomp.
        XCTAssertEqual(Set(suggestion.mutationDependencies.flatMap { $0.rejectedBy.map(\.check) }),
                       ["capabilities_restricted", "runAsNonRoot", "allowPrivilegeEscalation", "seccompProfile_restricted"])
        // G1 and, at v1.34+, probe hosts.
        XCTAssertEqual(suggestion.gaps.map { $0.rejectedBy.map(\.check) }, [["runAsNonRoot"], ["hostProbesAndHostLifecycle"]])
        XCTAssertTrue(suggestion.notCovered.contains { $0.field == "seLinux" && $0.text.contains("level") })

        // A pod this PSP admits after its mutation passes restricted.
        let admitted = """
            metadata: {annotations: {container.apparmor.security.beta.kubernetes.io/app: runtime/default}}
            spec:
              securityContext: {seccompProfile: {type: RuntimeDefault}, seLinuxOptions: {type: container_t, level: "s0:c1,c2"}}
              containers:
              - name: app
                securityContext: {runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: {drop: [ALL], add: []}}
                volumeMounts: []
              volumes: [{name: c, configMap: {name: c}}, {name: e, ephemeral: {}}]
            """
        XCTAssertTrue(try Self.verdict(admitted, .restricted).allowed)
    }

    func testPrivilegedPSPIsPrivilegedFieldByField() throws {
        let suggestion = try Self.suggestion("""
            privileged: true
            allowPrivilegeEscalation: true
            allowedCapabilities: ['*']
            volumes: ['*']
            hostNetwork: true
            hostPorts: [{min: 0, max: 65535}]
            hostIPC: true
            hostPID: true
            runAsUser: {rule: RunAsAny}
            seLinux: {rule: RunAsAny}
            supplementalGroups: {rule: RunAsAny}
            fsGroup: {rule: RunAsAny}
            """, annotations: ["seccomp.security.alpha.kubernetes.io/allowedProfileNames": "*"])
        XCTAssertEqual(suggestion.suggested.level, "privileged")
        XCTAssertEqual(suggestion.strict.level, "privileged")
        let blocking = Dictionary(grouping: suggestion.limits.filter { $0.allows == "privileged" }, by: \.field)
            .mapValues { Set($0.flatMap { $0.rejectedBy.map(\.check) }) }
        XCTAssertEqual(blocking["privileged"], ["privileged"])
        XCTAssertEqual(blocking["hostNetwork"], ["hostNamespaces"])
        XCTAssertEqual(blocking["hostPorts"], ["hostPorts"])
        XCTAssertEqual(blocking["volumes"], ["hostPathVolumes"])
        XCTAssertEqual(blocking["allowedCapabilities"], ["capabilities_baseline"])
        XCTAssertEqual(blocking["seLinux"], ["seLinuxOptions"])
        XCTAssertEqual(blocking["seccomp allowedProfileNames"], ["seccompProfile_baseline"])
        XCTAssertEqual(blocking["apparmor allowedProfileNames"], ["appArmorProfile"])
        // Baseline-level limits are named too, with the restricted checks rejecting them.
        XCTAssertEqual(limit(suggestion, "runAsUser")?.rejectedBy.map(\.check), ["runAsNonRoot", "runAsUser"])
        XCTAssertEqual(limit(suggestion, "allowPrivilegeEscalation")?.rejectedAt, "restricted")
    }

    func testBaselineLikePSPIsBaselineAndItsPodsProveIt() throws {
        let suggestion = try Self.suggestion("""
            allowedCapabilities: [CHOWN, NET_BIND_SERVICE]
            volumes: [configMap, secret, nfs]
            runAsUser: {rule: RunAsAny}
            seLinux: {rule: MustRunAs, seLinuxOptions: {type: container_t}}
            supplementalGroups: {rule: RunAsAny}
            fsGroup: {rule: MustRunAs, ranges: [{min: 1000, max: 2000}]}
            """, annotations: ["seccomp.security.alpha.kubernetes.io/allowedProfileNames": "runtime/default,",
                               "apparmor.security.beta.kubernetes.io/allowedProfileNames": "runtime/default"])
        XCTAssertEqual(suggestion.suggested.level, "baseline")
        XCTAssertEqual(suggestion.strict.level, "baseline")
        XCTAssertEqual(Set(suggestion.limits.map(\.field)),
                       ["allowedCapabilities", "requiredDropCapabilities", "volumes", "runAsUser", "allowPrivilegeEscalation",
                        "seccomp allowedProfileNames"])
        XCTAssertTrue(suggestion.limits.allSatisfy { $0.allows == "baseline" && $0.rejectedAt == "restricted" })
        XCTAssertEqual(limit(suggestion, "volumes")?.rejectedBy.first?.check, "restrictedVolumes")
        XCTAssertEqual(limit(suggestion, "volumes")?.rejectedBy.first?.detail, #"volume "nfs" uses restricted volume type "nfs""#)
        XCTAssertTrue(suggestion.notCovered.contains { $0.field == "fsGroup" && $0.text.hasPrefix("MustRunAs 1000-2000") })

        // A pod it admits: root, no seccomp profile, CHOWN added, an nfs volume, privilege escalation.
        let admitted = """
            spec:
              securityContext: {fsGroup: 1000, seLinuxOptions: {type: container_t}}
              containers:
              - name: app
                securityContext: {runAsUser: 0, allowPrivilegeEscalation: true, capabilities: {add: [CHOWN]}}
              volumes: [{name: data, nfs: {server: nfs.example, path: /srv}}]
            """
        XCTAssertTrue(try Self.verdict(admitted, .baseline).allowed)
        let restricted = try Self.verdict(admitted, .restricted)
        XCTAssertEqual(Set(restricted.violations.map(\.checkID)),
                       ["allowPrivilegeEscalation", "capabilities_restricted", "restrictedVolumes", "runAsNonRoot",
                        "runAsUser", "seccompProfile_restricted"])
    }

    func testSELinuxRunAsAnyAndMissingAppArmorListAreAssumedAwayButNamed() throws {
        var annotations = Self.restrictedAnnotations
        annotations["apparmor.security.beta.kubernetes.io/allowedProfileNames"] = nil
        let spec = Self.restrictedSpec.replacingOccurrences(
            of: #"seLinux: {rule: MustRunAs, seLinuxOptions: {type: container_t, level: "s0:c1,c2"}}"#, with: "seLinux: {rule: RunAsAny}")
        let suggestion = try Self.suggestion(spec, annotations: annotations)
        XCTAssertEqual(suggestion.suggested.level, "restricted")
        XCTAssertEqual(suggestion.strict.level, "privileged")
        XCTAssertEqual(suggestion.assumes.count, 2)
        XCTAssertEqual(limit(suggestion, "seLinux")?.assumed, true)
        XCTAssertEqual(limit(suggestion, "seLinux")?.rejectedBy.map(\.check), ["seLinuxOptions"])
        XCTAssertEqual(limit(suggestion, "apparmor allowedProfileNames")?.rejectedBy.map(\.check), ["appArmorProfile"])
        XCTAssertTrue(suggestion.gaps.contains { $0.field == "seLinux" && $0.rejectedBy.map(\.check) == ["seLinuxOptions"] })
        // The pod behind the seLinux limit, written out: admitted by privileged only.
        let pod = """
            spec:
              securityContext: {seccompProfile: {type: RuntimeDefault}, seLinuxOptions: {type: spc_t}}
              containers: [{name: app, securityContext: {runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}}]
            """
        XCTAssertEqual(try Self.verdict(pod, .baseline).violations.map(\.checkID), ["seLinuxOptions"])
    }

    func testFieldsTheStandardsCannotExpressAndTheirDefaults() throws {
        let suggestion = try Self.suggestion(Self.restricted(volumes: "[configMap, hostPath, flexVolume, csi, cephFS]") + """

            allowedHostPaths: [{pathPrefix: /var/log, readOnly: true}]
            allowedFlexVolumes: [{driver: example/lvm}]
            allowedCSIDrivers: [{name: csi.example.com}]
            hostPorts: [{min: 0, max: 0}, {min: 8000, max: 8080}]
            readOnlyRootFilesystem: true
            forbiddenSysctls: [kernel.shm_rmid_forced]
            defaultAddCapabilities: [NET_BIND_SERVICE]
            runtimeClass: {allowedRuntimeClassNames: [gvisor], defaultRuntimeClassName: gvisor}
            runAsGroup: {rule: MustRunAs, ranges: [{min: 100, max: 200}]}
            """, annotations: Self.restrictedAnnotations)
        XCTAssertEqual(suggestion.suggested.level, "privileged")
        // hostPath and the 8000-8080 ports make it privileged; 0-0 admits no port and is not named.
        XCTAssertEqual(limit(suggestion, "hostPorts")?.allowance, "host ports 8000-8080")
        XCTAssertEqual(limit(suggestion, "hostPorts")?.rejectedBy.first?.detail, #"container "app" uses hostPort 8000"#)
        XCTAssertEqual(limit(suggestion, "volumes")?.rejectedBy.map(\.check), ["hostPathVolumes"])
        XCTAssertEqual(Set(suggestion.notCovered.map(\.field)), [
            "hostPorts", "seLinux", "runAsGroup", "readOnlyRootFilesystem", "allowedHostPaths", "allowedFlexVolumes",
            "allowedCSIDrivers", "forbiddenSysctls", "runtimeClass", "seccomp allowedProfileNames", "apparmor allowedProfileNames",
        ])
        XCTAssertEqual(Set(suggestion.lostDefaults.map(\.field)), [
            "defaultAddCapabilities", "requiredDropCapabilities", "seLinux", "runAsUser", "runAsGroup", "readOnlyRootFilesystem",
            "allowPrivilegeEscalation", "runtimeClass", "seccomp defaultProfileName",
        ])
        XCTAssertEqual(suggestion.mutationDependencies, [])

        // Without hostPath and host ports: cephFS and flexVolume keep it at baseline, judged by restrictedVolumes.
        let volumesOnly = try Self.suggestion(Self.restricted(volumes: "[configMap, flexVolume, cephFS]"),
                                              annotations: Self.restrictedAnnotations)
        XCTAssertEqual(volumesOnly.suggested.level, "baseline")
        XCTAssertEqual(limit(volumesOnly, "volumes")?.rejectedBy.first?.detail,
                       #"volumes "flexVolume", "cephFS" use restricted volume types "cephfs", "flexVolume""#)
    }

    func testUnmaskedProcMountAndAddedCapabilities() throws {
        let unmasked = try Self.suggestion(Self.restrictedSpec + "\nallowedProcMountTypes: [Default, Unmasked]",
                                           annotations: Self.restrictedAnnotations)
        XCTAssertEqual(unmasked.suggested.level, "privileged")
        XCTAssertEqual(limit(unmasked, "allowedProcMountTypes")?.rejectedBy.map(\.check), ["procMount"])

        let netBindService = try Self.suggestion(Self.restrictedSpec + "\ndefaultAddCapabilities: [NET_BIND_SERVICE]",
                                                 annotations: Self.restrictedAnnotations)
        XCTAssertEqual(netBindService.suggested.level, "restricted")
        let netRaw = try Self.suggestion(Self.restrictedSpec + "\nallowedCapabilities: [NET_RAW]", annotations: Self.restrictedAnnotations)
        XCTAssertEqual(netRaw.suggested.level, "privileged")
        XCTAssertEqual(limit(netRaw, "allowedCapabilities")?.rejectedBy.map(\.check), ["capabilities_baseline"])
        // Before v1.22 restricted judges added capabilities with the baseline list.
        let chown = try Self.suggestion(Self.restrictedSpec + "\nallowedCapabilities: [CHOWN]", annotations: Self.restrictedAnnotations,
                                        version: "v1.21")
        XCTAssertEqual(chown.suggested.level, "restricted")
    }

    func testSeccompDefaultWithoutAllowListIsNoted() throws {
        let suggestion = try Self.suggestion(Self.restrictedSpec, annotations: [
            "seccomp.security.alpha.kubernetes.io/defaultProfileName": "runtime/default",
            "apparmor.security.beta.kubernetes.io/allowedProfileNames": "runtime/default",
        ])
        XCTAssertTrue(suggestion.notes.contains { $0.field == "seccomp allowedProfileNames" && $0.text.contains("admits no pod") })
    }

    // MARK: Versions

    func testSeccompWithoutAllowListIsRestrictedOnlyBeforeV1_19() throws {
        var annotations = Self.restrictedAnnotations
        annotations["seccomp.security.alpha.kubernetes.io/allowedProfileNames"] = nil
        annotations["seccomp.security.alpha.kubernetes.io/defaultProfileName"] = nil
        let latest = try Self.suggestion(Self.restrictedSpec, annotations: annotations)
        XCTAssertEqual(latest.suggested.level, "baseline")
        XCTAssertEqual(limit(latest, "seccomp allowedProfileNames")?.rejectedBy.map(\.check), ["seccompProfile_restricted"])
        XCTAssertEqual(latest.stricterAtOlderVersion, .init(level: "restricted", version: "v1.18"))
        XCTAssertEqual(try Self.suggestion(Self.restrictedSpec, annotations: annotations, version: "v1.18").suggested.level, "restricted")
        XCTAssertEqual(try Self.suggestion(Self.restrictedSpec, annotations: annotations, version: "v1.19").suggested.level, "baseline")
    }

    func testPrivilegeEscalationCapsAtBaselineFromV1_8() throws {
        // allowPrivilegeEscalation unset in the PSP is true (API defaulting).
        let spec = Self.restrictedSpec.replacingOccurrences(of: "allowPrivilegeEscalation: false\n", with: "")
        XCTAssertEqual(try Self.suggestion(spec, annotations: Self.restrictedAnnotations, version: "v1.7").suggested.level, "restricted")
        let v18 = try Self.suggestion(spec, annotations: Self.restrictedAnnotations, version: "v1.8")
        XCTAssertEqual(v18.suggested.level, "baseline")
        XCTAssertEqual(limit(v18, "allowPrivilegeEscalation")?.rejectedBy.map(\.check), ["allowPrivilegeEscalation"])
        XCTAssertEqual(v18.stricterAtOlderVersion, .init(level: "restricted", version: "v1.7"))
    }

    func testDroppingLessThanAllCapsAtBaselineFromV1_22() throws {
        let spec = Self.restrictedSpec.replacingOccurrences(of: "requiredDropCapabilities: [ALL]", with: "requiredDropCapabilities: [NET_RAW]")
        XCTAssertEqual(try Self.suggestion(spec, annotations: Self.restrictedAnnotations, version: "v1.21").suggested.level, "restricted")
        let v122 = try Self.suggestion(spec, annotations: Self.restrictedAnnotations, version: "v1.22")
        XCTAssertEqual(v122.suggested.level, "baseline")
        XCTAssertEqual(limit(v122, "requiredDropCapabilities")?.rejectedBy.map(\.check), ["capabilities_restricted"])
    }

    func testContainerEngineTypeIsAllowedFromV1_31() throws {
        let spec = Self.restrictedSpec.replacingOccurrences(of: "type: container_t", with: "type: container_engine_t")
        let v130 = try Self.suggestion(spec, annotations: Self.restrictedAnnotations, version: "v1.30")
        XCTAssertEqual(v130.suggested.level, "privileged")
        XCTAssertEqual(limit(v130, "seLinux")?.rejectedBy.map(\.check), ["seLinuxOptions"])
        XCTAssertEqual(try Self.suggestion(spec, annotations: Self.restrictedAnnotations, version: "v1.31").suggested.level, "restricted")
    }

    func testUnsafeSysctlOnTheSafeListOfTheVersionDoesNotLowerTheLevel() throws {
        let spec = Self.restrictedSpec + "\nallowedUnsafeSysctls: [net.ipv4.tcp_rmem]"
        XCTAssertEqual(try Self.suggestion(spec, annotations: Self.restrictedAnnotations, version: "v1.31").suggested.level, "privileged")
        XCTAssertEqual(try Self.suggestion(spec, annotations: Self.restrictedAnnotations, version: "v1.32").suggested.level, "restricted")
        let pattern = try Self.suggestion(Self.restrictedSpec + "\nallowedUnsafeSysctls: ['net.ipv4.*']", annotations: Self.restrictedAnnotations)
        XCTAssertEqual(pattern.suggested.level, "privileged")
        XCTAssertEqual(limit(pattern, "allowedUnsafeSysctls")?.rejectedBy.map(\.check), ["sysctls"])
    }

    func testProbeHostGapOnlyFromV1_34() throws {
        let v133 = try Self.suggestion(Self.restrictedSpec, annotations: Self.restrictedAnnotations, version: "v1.33")
        XCTAssertFalse(v133.gaps.contains { $0.rejectedBy.contains { $0.check == "hostProbesAndHostLifecycle" } })
        let v134 = try Self.suggestion(Self.restrictedSpec, annotations: Self.restrictedAnnotations, version: "v1.34")
        XCTAssertTrue(v134.gaps.contains { $0.rejectedBy.contains { $0.check == "hostProbesAndHostLifecycle" } })
    }

    func testVersionNewerThanKnownIsEvaluatedAsNewestWithAWarning() throws {
        let result = try PSPMigration.suggest(yaml: PSPFixtures.psp(spec: Self.restrictedSpec), version: "v1.99")
        XCTAssertEqual(result.policies[0].evaluatedVersion, "v1.37")
        XCTAssertEqual(result.policies[0].targetVersion, "v1.99")
        XCTAssertEqual(result.warnings.count, 1)
        XCTAssertThrowsError(try PSPMigration.suggest(yaml: PSPFixtures.psp(spec: ""), version: "1.30")) { error in
            XCTAssertEqual("\(error)", #"--standard-version "1.30": must be "latest" or "v1.x""#)
        }
    }

    // MARK: Input

    func testSeveralPoliciesFromDocumentsAndLists() throws {
        let stream = PSPFixtures.psp(name: "one", spec: "privileged: true") + "---\n# only a comment\n---\n"
            + """
            apiVersion: v1
            kind: List
            items:
            - {apiVersion: policy/v1beta1, kind: PodSecurityPolicy, metadata: {name: two}, spec: {hostPID: true}}
            - {apiVersion: policy/v1beta1, kind: PodSecurityPolicy, metadata: {name: three}, spec: {}}
            """
        let result = try PSPMigration.suggest(yaml: stream)
        XCTAssertEqual(result.policies.map(\.name), ["one", "two", "three"])
        XCTAssertEqual(result.policies.map(\.location), ["document 1", "document 3, items[0]", "document 3, items[1]"])
        XCTAssertEqual(result.policies[1].limits.first?.rejectedBy.first?.check, "hostNamespaces")
    }

    func testErrorsNameTheDocumentAndField() {
        let stream = PSPFixtures.psp(name: "one") + "---\n" + PSPFixtures.psp(name: "two", spec: "runAsUser: {rule: Sometimes}")
        XCTAssertThrowsError(try PSPMigration.suggest(yaml: stream)) { error in
            XCTAssertEqual("\(error)", #"document 2: spec.runAsUser.rule: unknown strategy "Sometimes": expected MustRunAs, MustRunAsNonRoot or RunAsAny"#)
        }
        XCTAssertThrowsError(try PSPMigration.suggest(yaml: "# nothing\n")) { error in
            XCTAssertEqual("\(error)", "the input holds no PodSecurityPolicy")
        }
    }
}
