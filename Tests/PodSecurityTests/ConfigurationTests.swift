import Foundation
import PodSecurity
import TestSupport
import XCTest

/// Reading PSA's configuration file (spec §6.8).
final class ConfigurationTests: XCTestCase {
    private func configurationError(_ yaml: String) -> String? {
        do { _ = try PodSecurityConfiguration(yaml: yaml); return nil } catch { return error.message }
    }

    private let header = "apiVersion: pod-security.admission.config.k8s.io/v1\nkind: PodSecurityConfiguration\n"

    func testABarePodSecurityConfigurationOfEveryAPIVersion() throws {
        for version in ["v1", "v1beta1", "v1alpha1"] {
            let configuration = try PodSecurityConfiguration(yaml: """
                apiVersion: pod-security.admission.config.k8s.io/\(version)
                kind: PodSecurityConfiguration
                defaults:
                  enforce: restricted
                  enforce-version: v1.24
                  warn: baseline
                exemptions:
                  usernames: [alice]
                """)
            XCTAssertEqual(configuration.defaults.enforce, PolicyLevelVersion(level: .restricted, version: .v(1, 24)))
            XCTAssertEqual(configuration.defaults.warn, PolicyLevelVersion(level: .baseline, version: .latest))
            XCTAssertEqual(configuration.defaults.audit, PolicyLevelVersion(level: .privileged, version: .latest))
            XCTAssertEqual(configuration.exemptions.usernames, ["alice"])
            XCTAssertEqual(configuration.exemptions.namespaces, [])
        }
    }

    func testEmptyValuesTakeTheDefaults() throws {
        let configuration = try PodSecurityConfiguration(yaml: header + "defaults:\n  enforce: \"\"\n  enforce-version:\nexemptions:\n")
        XCTAssertEqual(configuration, .standard)
    }

    func testAnAdmissionConfigurationWithoutPodSecurityGivesTheDefaults() throws {
        XCTAssertEqual(try PodSecurityConfiguration(yaml: """
            apiVersion: apiserver.config.k8s.io/v1
            kind: AdmissionConfiguration
            plugins:
            - name: ImagePolicyWebhook
              path: imagepolicy.yaml
            """), .standard)
    }

    func testAConfigurationByAbsolutePath() throws {
        let directory = try ScratchDirectory.make()
        let file = directory.appendingPathComponent("podsecurity.yaml")
        try (header + "exemptions:\n  namespaces: [kube-system]\n").write(to: file, atomically: true, encoding: .utf8)
        let admission = "apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins:\n- name: PodSecurity\n  path: "
        // The reader of the admission configuration reads the file it names; decoding reads no file.
        let referenced = try XCTUnwrap(try PodSecurityConfiguration.readReferencedFile(of: admission + file.path))
        XCTAssertEqual(referenced.path, file.path)
        XCTAssertEqual(try PodSecurityConfiguration(yaml: admission + file.path, referencedFile: referenced).exemptions.namespaces,
                       ["kube-system"])
        XCTAssertEqual(configurationError(admission + file.path),
                       "plugins[0].path: \(file.path) was not sent with the configuration (a converter reads no file a request names)")
        let elsewhere = PodSecurityConfiguration.ReferencedFile(path: "/etc/other.yaml", text: referenced.text)
        XCTAssertThrowsError(try PodSecurityConfiguration(yaml: admission + file.path, referencedFile: elsewhere))
        XCTAssertEqual(configurationError(admission + "podsecurity.yaml"),
                       #"plugins[0].path: relative path "podsecurity.yaml" is not supported; give an absolute path or an inline configuration"#)
        XCTAssertThrowsError(try PodSecurityConfiguration.readReferencedFile(of: admission + "podsecurity.yaml")) { error in
            XCTAssertEqual((error as? PodSecurityConfigurationError)?.message,
                           #"plugins[0].path: relative path "podsecurity.yaml" is not supported; give an absolute path or an inline configuration"#)
        }
        XCTAssertThrowsError(try PodSecurityConfiguration.readReferencedFile(of: admission + directory.appendingPathComponent("missing.yaml").path)) { error in
            XCTAssertEqual((error as? PodSecurityConfigurationError)?.message
                .hasPrefix("plugins[0].path: cannot read \(directory.path)/missing.yaml"), true)
        }
        // Nothing to read: inline configurations, bare configurations, and text that is not YAML.
        XCTAssertNil(try PodSecurityConfiguration.readReferencedFile(of: header))
        XCTAssertNil(try PodSecurityConfiguration.readReferencedFile(of: "kind: ["))
    }

    func testDecodingIsStrict() {
        XCTAssertEqual(configurationError(header + "defaults:\n  enforce: baseline\n  enforce-verison: v1.30\n"),
                       #"strict decoding error: unknown field "defaults.enforce-verison""#)
        XCTAssertEqual(configurationError(header + "defaults:\n  enforce: baseline\n  enforce: restricted\n"),
                       #"strict decoding error: duplicate field "defaults.enforce""#)
        XCTAssertEqual(configurationError(header + "exemption:\n  usernames: [a]\n"),
                       #"strict decoding error: unknown field "exemption""#)
        XCTAssertEqual(configurationError(header + "defaults:\n  enforce-version: 1.30\n"),
                       "defaults.enforce-version: expected a string, got 1.30 (quote it)")
        XCTAssertEqual(configurationError(header + "exemptions:\n  namespaces: kube-system\n"),
                       "exemptions.namespaces: expected a list of strings")
        XCTAssertEqual(configurationError("""
            apiVersion: apiserver.config.k8s.io/v1
            kind: AdmissionConfiguration
            plugins:
            - name: PodSecurity
              configuration:
                apiVersion: pod-security.admission.config.k8s.io/v1
                kind: PodSecurityConfiguration
                defaults: {enforce: baseline, audit: restricted, warn: restricted, extra: x}
            """), #"strict decoding error: unknown field "plugins[0].configuration.defaults.extra""#)
    }

    func testValidationErrorsAreListedAsTheAPIServerListsThem() {
        XCTAssertEqual(configurationError(header + """
            defaults:
              enforce: strict
              enforce-version: v1.05
              audit: Baseline
              warn-version: "1.25"
            exemptions:
              namespaces: [kube-system, Kube-System, kube-system]
              runtimeClasses: [kata, "kata containers"]
              usernames: ["", alice, alice]
            """), "[" + [
            #"defaults.enforce: Invalid value: "strict": must be one of privileged, baseline, restricted"#,
            #"defaults.enforce-version: Invalid value: "v1.05": must be "latest" or "v1.x""#,
            #"defaults.warn-version: Invalid value: "1.25": must be "latest" or "v1.x""#,
            #"defaults.audit: Invalid value: "Baseline": must be one of privileged, baseline, restricted"#,
            #"exemptions.namespaces[1]: Invalid value: "Kube-System": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"#,
            #"exemptions.namespaces[2]: Duplicate value: "kube-system""#,
            #"exemptions.runtimeClasses[1]: Invalid value: "kata containers": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"#,
            #"exemptions.usernames[0]: Invalid value: "": username must not be empty"#,
            #"exemptions.usernames[2]: Duplicate value: "alice""#,
        ].joined(separator: ", ") + "]")
    }

    func testTheFileMustBeOneOfTheTwoKinds() {
        XCTAssertEqual(configurationError("apiVersion: v1\nkind: ConfigMap\n"),
                       #"kind "ConfigMap" is neither AdmissionConfiguration nor PodSecurityConfiguration"#)
        XCTAssertEqual(configurationError("apiVersion: pod-security.admission.config.k8s.io/v2\nkind: PodSecurityConfiguration\n"),
                       #"apiVersion "pod-security.admission.config.k8s.io/v2" is not one of pod-security.admission.config.k8s.io/v1, pod-security.admission.config.k8s.io/v1beta1, pod-security.admission.config.k8s.io/v1alpha1"#)
        XCTAssertEqual(configurationError(""), "expected one YAML document holding a mapping, found 0 documents")
        XCTAssertEqual(configurationError("- a\n"), "expected one YAML document holding a mapping, found a sequence")
        XCTAssertEqual(configurationError("a: [").map { $0.hasPrefix("not YAML: ") }, true)
    }
}
