import Foundation
import XCTest
@testable import PSPConverter

/// Builds PodSecurityPolicy manifests for the tests and reads the golden files.
enum PSPFixtures {
    /// A PSP manifest; `spec` is YAML written at column 0 (indented here).
    static func psp(name: String? = "test", images: String? = nil, annotations: [String: String] = [:],
                    spec: String = "") -> String {
        var text = "apiVersion: policy/v1beta1\nkind: PodSecurityPolicy\nmetadata:\n"
        if let name { text += "  name: \(yamlString(name))\n" }
        var allAnnotations = annotations
        if let images { allAnnotations["falco-rules-psp-images"] = images }
        if !allAnnotations.isEmpty {
            text += "  annotations:\n"
            for key in allAnnotations.keys.sorted() { text += "    \(key): \(yamlString(allAnnotations[key]!))\n" }
        }
        let lines = spec.split(separator: "\n", omittingEmptySubsequences: true)
        return text + (lines.isEmpty ? "spec: {}\n" : "spec:\n" + lines.map { "  \($0)\n" }.joined())
    }

    static func yamlString(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// The Falco docs' `no_privileged` PSP (shared/seeds/falco-psp-support.md).
    static let noPrivileged = """
        apiVersion: policy/v1beta1
        kind: PodSecurityPolicy
        metadata:
          annotations:
            falco-rules-psp-images: "[nginx]"
          name: no_privileged
        spec:
          fsGroup:
            rule: "RunAsAny"
          hostPID: true
          hostIPC: true
          hostNetwork: true
          privileged: false
          readOnlyRootFilesystem: true

        """

    /// psp-conversion.md §2.5's maximal example: every falcoctl section at once, no images annotation.
    static let myStrictPolicy = """
        apiVersion: policy/v1beta1
        kind: PodSecurityPolicy
        metadata:
          name: my-strict policy
        spec:
          privileged: false
          hostPorts: [{min: 8000, max: 8080}, {min: 9000, max: 9000}]
          volumes: [configMap, secret, hostPath, flexVolume]
          allowedHostPaths:
          - pathPrefix: /var/log
            readOnly: true
          - pathPrefix: /data
          allowedFlexVolumes: [{driver: acme/lvm}]
          fsGroup: {rule: MustRunAs, ranges: [{min: 1, max: 100}, {min: 200, max: 300}]}
          readOnlyRootFilesystem: true
          runAsUser: {rule: MustRunAs, ranges: [{min: 1000, max: 2000}, {min: 5000, max: 5000}]}
          runAsGroup: {rule: MustRunAs, ranges: [{min: 100, max: 200}, {min: 300, max: 400}]}
          supplementalGroups: {rule: MayRunAs, ranges: [{min: 1, max: 65535}]}
          allowPrivilegeEscalation: false
          allowedCapabilities: [NET_BIND_SERVICE, CHOWN]
          allowedProcMountTypes: [Default]

        """

    static var fixturesDirectory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    }

    static func fixture(_ name: String) throws -> String {
        try String(contentsOf: fixturesDirectory.appendingPathComponent(name), encoding: .utf8)
    }

    /// Compares `text` with a golden file; `PSPCTL_UPDATE_GOLDEN=1` rewrites the file instead.
    static func assertGolden(_ text: String, _ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let url = fixturesDirectory.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["PSPCTL_UPDATE_GOLDEN"] == "1" {
            try text.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        if text != expected {
            let got = text.split(separator: "\n", omittingEmptySubsequences: false)
            let want = expected.split(separator: "\n", omittingEmptySubsequences: false)
            let first = zip(got, want).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(got.count, want.count)
            XCTFail("\(name) differs at line \(first + 1):\n got: \(first < got.count ? String(got[first]) : "<end>")\nwant: \(first < want.count ? String(want[first]) : "<end>")",
                    file: file, line: line)
        }
    }

    static func convert(_ yaml: String, file: StaticString = #filePath, line: UInt = #line) throws -> PSPConversion {
        do {
            return try PSPConverter.convert(yaml: yaml)
        } catch {
            XCTFail("conversion failed: \(error)", file: file, line: line)
            throw error
        }
    }

    /// The conversion error for `yaml`, failing the test when it converts.
    static func conversionError(_ yaml: String, file: StaticString = #filePath, line: UInt = #line) -> PSPConversionError? {
        do {
            _ = try PSPConverter.convert(yaml: yaml)
            XCTFail("expected a conversion error", file: file, line: line)
            return nil
        } catch {
            return error
        }
    }
}

extension PSPFixtures {
    /// A PSP that allows everything except what `restrictions` (top-level spec fields, YAML at column 0)
    /// set, so a test sees only the rules of the fields it is about.
    static func allowingEverythingBut(_ restrictions: String, name: String = "t", images: String? = nil,
                                      annotations: [String: String] = [:]) -> String {
        let permissive: [(String, String)] = [
            ("privileged", "true"), ("hostPID", "true"), ("hostIPC", "true"), ("hostNetwork", "true"),
            ("fsGroup", "{rule: RunAsAny}"), ("runAsUser", "{rule: RunAsAny}"), ("supplementalGroups", "{rule: RunAsAny}"),
            ("seLinux", "{rule: RunAsAny}"), ("volumes", "['*']"), ("allowedUnsafeSysctls", "['*']"),
        ]
        let overridden = Set(restrictions.split(separator: "\n").compactMap { line -> String? in
            guard let first = line.first, first != " ", first != "-" else { return nil }
            return line.split(separator: ":", maxSplits: 1).first.map(String.init)
        })
        let spec = permissive.filter { !overridden.contains($0.0) }.map { "\($0.0): \($0.1)" }.joined(separator: "\n")
            + "\n" + restrictions
        var allAnnotations = ["seccomp.security.alpha.kubernetes.io/allowedProfileNames": "*"]
        for (key, value) in annotations { allAnnotations[key] = value }
        return psp(name: name, images: images, annotations: allAnnotations, spec: spec)
    }
}
