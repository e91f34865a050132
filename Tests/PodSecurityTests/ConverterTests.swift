import PodSecurity
import PSSConverter
import XCTest
import YAMLKit

/// The rules file `convert --standard` writes, and its errors.
final class ConverterTests: XCTestCase {
    private func convert(_ level: String, _ version: String = "latest", users: [String] = [], namespaces: [String] = [],
                         runtimeClasses: [String] = [], config: String? = nil) throws -> PSSConversion {
        try PSSConverter.convert(PSSConversionRequest(level: level, version: version, exemptUsers: users,
                                                      exemptNamespaces: namespaces, exemptRuntimeClasses: runtimeClasses,
                                                      admissionConfigYAML: config))
    }

    private func items(_ conversion: PSSConversion) throws -> [YAMLNode] {
        let documents = try YAML.parseDocuments(conversion.rulesYAML)
        return try XCTUnwrap(documents.first?.sequenceItems)
    }

    private func rules(_ conversion: PSSConversion) throws -> [YAMLNode] { try items(conversion).filter { $0["rule"] != nil } }

    private func conversionError(_ body: () throws -> PSSConversion) -> String? {
        do { _ = try body(); return nil } catch { return "\(error)" }
    }

    func testOneRulePerActiveCheckInEvaluationOrder() throws {
        for (level, version) in [("baseline", "latest"), ("baseline", "v1.33"), ("restricted", "v1.22"), ("restricted", "latest"), ("restricted", "v1.0")] {
            let conversion = try convert(level, version)
            let expected = CheckRegistry.standard.activeChecks(level: try PolicyLevel(parsing: level),
                                                               version: try PolicyVersion(parsing: version)).map(\.check.id)
            let rules = try rules(conversion)
            XCTAssertEqual(rules.map { $0["rule"]?.scalarText }, expected.map { "PSS \(level) Violation (\($0))" })
            for (rule, id) in zip(rules, expected) {
                XCTAssertEqual(rule["priority"]?.scalarText, "WARNING")
                XCTAssertEqual(rule["source"]?.scalarText, "k8s_audit")
                XCTAssertEqual(rule["tags"]?.sequenceItems?.compactMap(\.scalarText), ["pss", level, id])
                let condition = try XCTUnwrap(rule["condition"]?.scalarText)
                XCTAssertTrue(condition.hasSuffix("ka.pss.failing[\(level)/\(version)] intersects (\(id))"), condition)
                XCTAssertTrue(condition.hasPrefix("pss_judged_request and not pss_\(level)_exempt_request"), condition)
                let output = try XCTUnwrap(rule["output"]?.scalarText)
                for part in ["%ka.auditid", "%ka.user.name", "%ka.target.namespace", "%ka.req.podspec.kind", "%ka.req.podspec.name",
                             "PodSecurity \"\(level):\(version)\": %ka.pss.forbidden[\(id)/\(version)]"] {
                    XCTAssertTrue(output.contains(part), "\(part) in \(output)")
                }
                XCTAssertNotNil(rule["desc"]?.scalarText)
            }
            XCTAssertTrue(conversion.summary.contains { $0.contains("\(expected.count) rules") }, "\(conversion.summary)")
        }
    }

    func testOnlyCreatesAndUpdatesOfPodsAndControllersAreJudged() throws {
        let macros = Dictionary(uniqueKeysWithValues: try items(try convert("baseline")).compactMap { item in
            item["macro"]?.scalarText.map { ($0, item["condition"]?.scalarText ?? "") }
        })
        XCTAssertEqual(macros["pss_judged_request"],
                       "(ka.stage = ResponseComplete or not ka.stage exists) and ka.verb in (create, update, patch) and (pss_judged_pod_request or pss_judged_controller_request)")
        XCTAssertEqual(macros["pss_judged_pod_request"],
                       "ka.req.podspec.kind = Pod and not ka.target.subresource in (attach, binding, eviction, exec, log, portforward, proxy, resize, status)")
        XCTAssertEqual(macros["pss_judged_controller_request"],
                       "ka.req.podspec.kind in (ReplicationController, PodTemplate, ReplicaSet, Deployment, StatefulSet, DaemonSet, Job, CronJob) and not ka.target.subresource exists")
    }

    func testExemptionsBecomeListsTheExemptionMacroUses() throws {
        let conversion = try convert("restricted", users: ["system:serviceaccount:ops:deployer", "Jane Doe", "007", #"o"brien"#],
                                     namespaces: ["kube-system", "123-abc"], runtimeClasses: ["kata.containers"])
        let lists = Dictionary(uniqueKeysWithValues: try items(conversion).compactMap { item in
            item["list"]?.scalarText.map { ($0, item["items"]?.sequenceItems?.compactMap(\.scalarText) ?? []) }
        })
        XCTAssertEqual(lists["pss_restricted_exempt_users"], ["\"system:serviceaccount:ops:deployer\"", "\"Jane Doe\"", "\"007\"", #"'o"brien'"#])
        XCTAssertEqual(lists["pss_restricted_exempt_namespaces"], ["kube-system", "\"123-abc\""])
        XCTAssertEqual(lists["pss_restricted_exempt_runtime_classes"], ["kata.containers"])
        let exempt = try XCTUnwrap(try items(conversion).first { $0["macro"]?.scalarText == "pss_restricted_exempt_request" })
        XCTAssertEqual(exempt["condition"]?.scalarText, "ka.target.namespace in (pss_restricted_exempt_namespaces) or ka.impuser.name in (pss_restricted_exempt_users) or (not ka.impuser.name exists and ka.user.name in (pss_restricted_exempt_users)) or ka.req.podspec.runtime_class in (pss_restricted_exempt_runtime_classes)")
        XCTAssertTrue(conversion.summary.contains("exempt namespaces: kube-system, 123-abc"), "\(conversion.summary)")
    }

    func testPrivilegedHasNoRules() throws {
        let conversion = try convert("privileged")
        XCTAssertEqual(try YAML.parseDocuments(conversion.rulesYAML).count, 0, "comments only")
        XCTAssertEqual(conversion.summary, [#"PodSecurity "privileged:latest" runs no checks: the rules file has no rules"#])
    }

    func testUnknownLevelsAndVersionsAreErrorsWordedAsPSA() {
        XCTAssertEqual(conversionError { try convert("strict") }, #"--standard "strict": must be one of privileged, baseline, restricted"#)
        XCTAssertEqual(conversionError { try convert("") }, #"--standard "": must be one of privileged, baseline, restricted"#)
        XCTAssertEqual(conversionError { try convert("Baseline") }, #"--standard "Baseline": must be one of privileged, baseline, restricted"#)
        XCTAssertEqual(conversionError { try convert("baseline", "1.25") }, #"--standard-version "1.25": must be "latest" or "v1.x""#)
        XCTAssertEqual(conversionError { try convert("baseline", "v1.05") }, #"--standard-version "v1.05": must be "latest" or "v1.x""#)
        XCTAssertNil(conversionError { try convert("baseline", "v1.99") }, "newer versions are clamped, not errors")
        XCTAssertNil(conversionError { try convert("baseline", "") }, "no version means latest")
    }

    func testExemptionOptionsAreValidatedAsPSAValidatesItsConfiguration() {
        XCTAssertEqual(conversionError { try convert("baseline", namespaces: ["Kube-System"]) },
                       #"--exempt-namespace "Kube-System": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"#)
        XCTAssertEqual(conversionError { try convert("baseline", namespaces: [String(repeating: "a", count: 64)]) }?.hasPrefix(
            "--exempt-namespace \"\(String(repeating: "a", count: 64))\": must be no more than 63 characters"), true)
        XCTAssertEqual(conversionError { try convert("baseline", runtimeClasses: ["kata_1"]) }?.hasPrefix(
            #"--exempt-runtime-class "kata_1": a lowercase RFC 1123 subdomain must consist of"#), true)
        XCTAssertEqual(conversionError { try convert("baseline", users: [""]) }, #"--exempt-user "": username must not be empty"#)
        XCTAssertEqual(conversionError { try convert("baseline", users: [#"a'b"c"#]) },
                       #"--exempt-user "a'b"c": cannot be written as a Falco condition value (it contains both quote characters or ends with a backslash)"#)
    }

    func testTheAdmissionConfigurationSuppliesDefaultsAndExemptions() throws {
        let config = """
            apiVersion: apiserver.config.k8s.io/v1
            kind: AdmissionConfiguration
            plugins:
            - name: EventRateLimit
              path: /etc/kubernetes/eventratelimit.yaml
            - name: PodSecurity
              configuration:
                apiVersion: pod-security.admission.config.k8s.io/v1
                kind: PodSecurityConfiguration
                defaults:
                  enforce: baseline
                  enforce-version: v1.30
                  audit: restricted
                exemptions:
                  usernames: ["system:serviceaccount:ops:deployer"]
                  runtimeClasses: ["kata"]
                  namespaces: ["kube-system"]
            """
        let fromDefaults = try convert("", "", namespaces: ["ci"], config: config)
        XCTAssertEqual(try rules(fromDefaults).first?["rule"]?.scalarText, "PSS baseline Violation (appArmorProfile)")
        XCTAssertTrue(try rules(fromDefaults).allSatisfy { $0["condition"]?.scalarText?.contains("/v1.30] intersects") == true })
        let lists = Dictionary(uniqueKeysWithValues: try items(fromDefaults).compactMap { item in
            item["list"]?.scalarText.map { ($0, item["items"]?.sequenceItems?.compactMap(\.scalarText) ?? []) }
        })
        XCTAssertEqual(lists["pss_baseline_exempt_namespaces"], ["ci", "kube-system"])
        XCTAssertEqual(lists["pss_baseline_exempt_users"], ["\"system:serviceaccount:ops:deployer\""])
        XCTAssertEqual(lists["pss_baseline_exempt_runtime_classes"], ["kata"])

        // The options win over the defaults, as a namespace's labels do; a missing version is the default's.
        let overridden = try convert("restricted", "", config: config)
        XCTAssertEqual(try rules(overridden).first?["tags"]?.sequenceItems?.compactMap(\.scalarText), ["pss", "restricted", "appArmorProfile"])
        XCTAssertTrue(try rules(overridden).allSatisfy { $0["condition"]?.scalarText?.contains("/v1.30] intersects") == true })
        XCTAssertTrue(try rules(try convert("restricted", "latest", config: config)).allSatisfy {
            $0["condition"]?.scalarText?.contains("/latest] intersects") == true
        })
    }

    func testAdmissionConfigurationErrorsNameTheFile() {
        XCTAssertEqual(conversionError { try convert("", config: "kind: [") }?.hasPrefix("--admission-config: not YAML: "), true)
        XCTAssertEqual(conversionError { try convert("baseline", config: """
            apiVersion: pod-security.admission.config.k8s.io/v1
            kind: PodSecurityConfiguration
            defaults: {enforce: strict}
            """) }, #"--admission-config: defaults.enforce: Invalid value: "strict": must be one of privileged, baseline, restricted"#)
    }
}
