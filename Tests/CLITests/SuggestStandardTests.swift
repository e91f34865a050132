import Foundation
import XCTest
import TestSupport

/// `pspctl convert --psp-path X --suggest-standard`, run as a user runs it: the Kubernetes documentation's
/// example PSPs (restricted, privileged; written here from their settings, psp-to-pss-mapping.md §7) and a
/// baseline-like one, in text and JSON, several PSPs in one file, and the options it refuses.
final class SuggestStandardTests: XCTestCase {
    // MARK: Policies

    /// The settings of the documentation's `restricted-psp.yaml` (psp-to-pss-mapping.md §7).
    static let restricted = """
        apiVersion: policy/v1beta1
        kind: PodSecurityPolicy
        metadata:
          name: restricted
          annotations:
            seccomp.security.alpha.kubernetes.io/allowedProfileNames: 'docker/default,runtime/default'
            apparmor.security.beta.kubernetes.io/allowedProfileNames: 'runtime/default'
            apparmor.security.beta.kubernetes.io/defaultProfileName: 'runtime/default'
        spec:
          privileged: false
          allowPrivilegeEscalation: false
          requiredDropCapabilities: [ALL]
          volumes: [configMap, emptyDir, projected, secret, downwardAPI, csi, persistentVolumeClaim, ephemeral]
          hostNetwork: false
          hostIPC: false
          hostPID: false
          runAsUser: {rule: MustRunAsNonRoot}
          seLinux: {rule: RunAsAny}
          supplementalGroups: {rule: MustRunAs, ranges: [{min: 1, max: 65535}]}
          fsGroup: {rule: MustRunAs, ranges: [{min: 1, max: 65535}]}
          readOnlyRootFilesystem: false

        """

    /// The settings of the documentation's `privileged-psp.yaml`.
    static let privileged = """
        apiVersion: policy/v1beta1
        kind: PodSecurityPolicy
        metadata:
          name: privileged
          annotations:
            seccomp.security.alpha.kubernetes.io/allowedProfileNames: '*'
        spec:
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

        """

    /// Baseline-like: root, added default capabilities, an nfs volume, seccomp optional.
    static let baselineLike = """
        apiVersion: policy/v1beta1
        kind: PodSecurityPolicy
        metadata:
          name: baseline-like
          annotations:
            seccomp.security.alpha.kubernetes.io/allowedProfileNames: 'runtime/default,'
            apparmor.security.beta.kubernetes.io/allowedProfileNames: 'runtime/default'
        spec:
          allowedCapabilities: [CHOWN, NET_BIND_SERVICE]
          volumes: [configMap, secret, nfs]
          runAsUser: {rule: RunAsAny}
          seLinux: {rule: MustRunAs, seLinuxOptions: {type: container_t}}
          supplementalGroups: {rule: RunAsAny}
          fsGroup: {rule: RunAsAny}
          allowedHostPaths: [{pathPrefix: /var/log, readOnly: true}]

        """

    func suggest(_ policy: String, _ extra: [String] = []) throws -> Pspctl.Result {
        let path = try Pspctl.temporaryFile(policy)
        return try Pspctl.run(["convert", "--psp-path", path, "--suggest-standard"] + extra)
    }

    func json(_ result: Pspctl.Result) throws -> [[String: Any]] {
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        return try XCTUnwrap(object["policies"] as? [[String: Any]])
    }

    /// `[field: [check ids rejecting its allowance]]` from the JSON `limits`.
    func limits(_ policy: [String: Any]) -> [String: Set<String>] {
        var result: [String: Set<String>] = [:]
        for limit in policy["limits"] as? [[String: Any]] ?? [] {
            let checks = (limit["rejectedBy"] as? [[String: Any]] ?? []).compactMap { $0["check"] as? String }
            result[limit["field"] as? String ?? "", default: []].formUnion(checks)
        }
        return result
    }

    func level(_ policy: [String: Any], _ key: String) -> String? {
        (policy[key] as? [String: Any])?["level"] as? String
    }

    // MARK: The documentation's PSPs

    func testRestrictedExampleSuggestsRestrictedAssumingNoSELinuxOptions() throws {
        let result = try suggest(Self.restricted)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stderr, "")
        let lines = result.stdoutLines
        XCTAssertEqual(lines.first, "PodSecurityPolicy restricted")
        XCTAssertTrue(lines.contains("  suggested: restricted at v1.37 (latest)"), result.stdout)
        XCTAssertTrue(lines.contains { $0.hasPrefix("    assuming pods set no SELinux user or role") }, result.stdout)
        XCTAssertTrue(lines.contains("  strictly:  privileged (the only level that admits every pod the PSP admits)"), result.stdout)
        XCTAssertTrue(lines.contains("  namespace labels: pod-security.kubernetes.io/enforce=restricted pod-security.kubernetes.io/enforce-version=v1.37"))
        XCTAssertEqual(lines.filter { $0.hasPrefix("  on real traffic: ") }.count, 1)
        // The one field keeping it from baseline, with the check that would reject its pods.
        XCTAssertTrue(lines.contains("    seLinux: any SELinux options (rule RunAsAny), e.g. type spc_t: allows privileged (assumed away)"), result.stdout)
        XCTAssertTrue(lines.contains { $0.hasPrefix("      baseline rejects: seLinuxOptions: seLinuxOptions (") && $0.contains(#""spc_t""#) }, result.stdout)

        let policy = try XCTUnwrap(try json(try suggest(Self.restricted, ["--format", "json"])).first)
        XCTAssertEqual(level(policy, "suggested"), "restricted")
        XCTAssertEqual(level(policy, "strict"), "privileged")
        XCTAssertEqual(limits(policy), ["seLinux": ["seLinuxOptions"]])
        let dependencies = (policy["mutationDependencies"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
        XCTAssertEqual(dependencies, ["requiredDropCapabilities", "runAsUser", "allowPrivilegeEscalation"])
        let notCovered = Set((policy["notCovered"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String })
        XCTAssertEqual(notCovered, ["supplementalGroups", "fsGroup", "seccomp allowedProfileNames", "apparmor allowedProfileNames"])
        let gaps = (policy["gaps"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
        XCTAssertEqual(gaps, ["seLinux", "runAsUser", "(no PSP field: probe and lifecycle hosts)"])
    }

    func testPrivilegedExampleIsPrivileged() throws {
        let result = try suggest(Self.privileged, ["--format", "json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let policy = try XCTUnwrap(try json(result).first)
        XCTAssertEqual(level(policy, "suggested"), "privileged")
        XCTAssertEqual(level(policy, "strict"), "privileged")
        XCTAssertTrue(policy["stricterAtOlderVersion"] is NSNull)
        XCTAssertEqual(policy["assumes"] as? [String], [])
        // Nothing is assumed away when the suggestion is the strict level.
        XCTAssertFalse((policy["limits"] as? [[String: Any]] ?? []).contains { $0["assumed"] as? Bool == true })
        let limits = limits(policy)
        for (field, check) in [("privileged", "privileged"), ("hostNetwork", "hostNamespaces"), ("hostPID", "hostNamespaces"),
                               ("hostIPC", "hostNamespaces"), ("hostPorts", "hostPorts"), ("volumes", "hostPathVolumes"),
                               ("allowedCapabilities", "capabilities_baseline"), ("seLinux", "seLinuxOptions"),
                               ("seccomp allowedProfileNames", "seccompProfile_baseline"),
                               ("apparmor allowedProfileNames", "appArmorProfile")] {
            XCTAssertEqual(limits[field], [check], field)
        }
        XCTAssertEqual(limits["runAsUser"], ["runAsNonRoot", "runAsUser"])
        XCTAssertEqual(limits["allowPrivilegeEscalation"], ["allowPrivilegeEscalation"])
    }

    func testBaselineLikePolicyIsBaselineFieldByField() throws {
        let result = try suggest(Self.baselineLike)
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = result.stdoutLines
        XCTAssertTrue(lines.contains("  suggested: baseline at v1.37 (latest)"), result.stdout)
        XCTAssertFalse(lines.contains { $0.hasPrefix("  strictly:") })
        XCTAssertTrue(lines.contains("    volumes: volumes of type configMap, secret and nfs: allows baseline"), result.stdout)
        XCTAssertTrue(lines.contains(#"      restricted rejects: restrictedVolumes: restricted volume types (volume "nfs" uses restricted volume type "nfs")"#), result.stdout)

        let policy = try XCTUnwrap(try json(try suggest(Self.baselineLike, ["--format", "json"])).first)
        XCTAssertEqual(limits(policy), [
            "allowedCapabilities": ["capabilities_restricted"], "requiredDropCapabilities": ["capabilities_restricted"],
            "volumes": ["restrictedVolumes"], "runAsUser": ["runAsNonRoot", "runAsUser"],
            "allowPrivilegeEscalation": ["allowPrivilegeEscalation"], "seccomp allowedProfileNames": ["seccompProfile_restricted"],
        ])
        // hostPath is not among its volumes: the prefixes are moot, not a lost protection.
        let notCovered = (policy["notCovered"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
        XCTAssertFalse(notCovered.contains("allowedHostPaths"))
    }

    func testVersionDependentAdvice() throws {
        let noSeccomp = Self.restricted.replacingOccurrences(
            of: "    seccomp.security.alpha.kubernetes.io/allowedProfileNames: 'docker/default,runtime/default'\n", with: "")
        let latest = try XCTUnwrap(try json(try suggest(noSeccomp, ["--format", "json"])).first)
        XCTAssertEqual(level(latest, "suggested"), "baseline")
        XCTAssertEqual(limits(latest)["seccomp allowedProfileNames"], ["seccompProfile_restricted"])
        XCTAssertEqual(latest["stricterAtOlderVersion"] as? [String: String], ["level": "restricted", "version": "v1.18"])
        let text = try suggest(noSeccomp)
        XCTAssertTrue(text.stdoutLines.contains { $0.hasPrefix("  also:      restricted at v1.18 admits every pod") }, text.stdout)

        let old = try suggest(noSeccomp, ["--standard-version", "v1.18"])
        XCTAssertTrue(old.stdoutLines.contains("  suggested: restricted at v1.18"), old.stdout)
        let future = try suggest(noSeccomp, ["--standard-version", "v1.40"])
        XCTAssertEqual(future.status, 0)
        XCTAssertTrue(future.stdoutLines.contains("  suggested: baseline at v1.37 (v1.40)"), future.stdout)
        XCTAssertTrue(future.stderr.hasPrefix("pspctl convert: warning: --standard-version v1.40 is newer"), future.stderr)
    }

    func testSeveralPoliciesInOneFileGetAdviceEach() throws {
        let result = try suggest(Self.restricted + "---\n" + Self.privileged + "---\n" + Self.baselineLike, ["--format", "json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let policies = try json(result)
        XCTAssertEqual(policies.map { $0["name"] as? String }, ["restricted", "privileged", "baseline-like"])
        XCTAssertEqual(policies.map { $0["location"] as? String }, ["document 1", "document 2", "document 3"])
        XCTAssertEqual(policies.map { level($0, "suggested") }, ["restricted", "privileged", "baseline"])
        // The report line it proposes is one `pspctl report` runs: the PSPs of the file and the suggested level.
        let command = try XCTUnwrap(policies[2]["reportCommand"] as? String)
        let path = try XCTUnwrap(command.split(separator: " ").first { $0.hasPrefix("psp:") }).dropFirst(4)
        XCTAssertEqual(command, "pspctl report --audit-log LOG --policy psp:\(path) --policy pss:baseline:v1.37")
        let log = Pspctl.packageRoot.appendingPathComponent("examples/audit.jsonl").path
        let report = try Pspctl.run(command.replacingOccurrences(of: "LOG", with: log).split(separator: " ").dropFirst().map(String.init)
                                    + ["--format", "json"])
        XCTAssertEqual(report.status, 0, report.stderr)
        let reported = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? [String: Any])
        XCTAssertEqual((reported["policies"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String },
                       ["psp:restricted", "psp:privileged", "psp:baseline-like", "pss:baseline:v1.37"])

        let text = try Pspctl.run(["convert", "--psp-path", "-", "--suggest-standard"], stdin: Self.restricted + "---\n" + Self.privileged)
        XCTAssertEqual(text.stdoutLines.filter { $0.hasPrefix("PodSecurityPolicy ") },
                       ["PodSecurityPolicy restricted (document 1)", "PodSecurityPolicy privileged (document 2)"])
        XCTAssertEqual(text.stdoutLines.filter { $0.hasPrefix("  on real traffic: ") }, [
            "  on real traffic: pspctl report --audit-log LOG --policy psp:FILE --policy pss:restricted:v1.37",
            "  on real traffic: pspctl report --audit-log LOG --policy psp:FILE --policy pss:privileged:v1.37",
        ])
    }

    // MARK: Usage

    func testOptionsItRefusesExitTwoWithAClearMessage() throws {
        let path = try Pspctl.temporaryFile(Self.restricted)
        let cases: [([String], String)] = [
            (["--psp-path", path, "--suggest-standard", "--converter", "127.0.0.1:1"],
             "pspctl convert: --suggest-standard is computed by pspctl itself, not by a ConverterService: drop --converter\n"),
            (["--psp-path", path, "--suggest-standard", "--rules-path", "-"],
             "pspctl convert: --suggest-standard prints advice instead of writing rules: drop --rules-path\n"),
            (["--psp-path", path, "--format", "json"], "pspctl convert: --format applies to --suggest-standard only\n"),
            (["--suggest-standard"], "pspctl convert: --suggest-standard needs --psp-path (the PodSecurityPolicies to advise on)\n"),
            (["--psp-path", path, "--suggest-standard", "--exempt-namespace", "kube-system"],
             "pspctl convert: --exempt-namespace cannot be combined with --suggest-standard (which judges a PSP)\n"),
            (["--psp-path", path, "--suggest-standard", "--standard-version", "1.30"],
             "pspctl convert: --standard-version \"1.30\": must be \"latest\" or \"v1.x\"\n"),
            (["--psp-path", "/nonexistent/psp.yaml", "--suggest-standard"], "pspctl convert: cannot read /nonexistent/psp.yaml: no such file\n"),
        ]
        for (arguments, message) in cases {
            let result = try Pspctl.run(["convert"] + arguments)
            XCTAssertEqual(result.status, 2, arguments.joined(separator: " "))
            XCTAssertEqual(result.stderr, message, arguments.joined(separator: " "))
            XCTAssertEqual(result.stdout, "")
        }
    }

    func testBadPolicyNamesDocumentAndField() throws {
        let result = try suggest(Self.restricted + "---\n" + Self.privileged.replacingOccurrences(of: "rule: RunAsAny}\n  seLinux", with: "rule: Root}\n  seLinux"))
        XCTAssertEqual(result.status, 2)
        XCTAssertEqual(result.stderr, "pspctl convert: document 2: spec.runAsUser.rule: unknown strategy \"Root\": expected MustRunAs, MustRunAsNonRoot or RunAsAny\n")
    }

    func testHelpShowsAnExample() throws {
        let result = try Pspctl.run(["convert", "--help"])
        XCTAssertEqual(result.status, 0)
        XCTAssertTrue(result.stdout.contains("pspctl convert --psp-path psps.yaml --suggest-standard"), result.stdout)
        XCTAssertTrue(result.stdout.contains("--suggest-standard"))
    }
}
