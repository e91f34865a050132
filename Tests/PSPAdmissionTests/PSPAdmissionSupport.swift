import PodSecurity
import PSPAdmission
import XCTest
import YAMLKit

/// Builds PSPs and pods from YAML and judges them.
enum Admission {
    /// A PSP that constrains nothing but what `fields` set (each value flow YAML, e.g. `"[emptyDir]"`); the
    /// four required strategies default to RunAsAny and `volumes` to `['*']`.
    static func psp(_ fields: [String: String] = [:], annotations: [String: String] = [:],
                    file: StaticString = #filePath, line: UInt = #line) throws -> PSPAdmission {
        var spec: [String: String] = [
            "volumes": "['*']", "runAsUser": "{rule: RunAsAny}", "seLinux": "{rule: RunAsAny}",
            "supplementalGroups": "{rule: RunAsAny}", "fsGroup": "{rule: RunAsAny}",
        ]
        spec.merge(fields) { $1 }
        var text = "apiVersion: policy/v1beta1\nkind: PodSecurityPolicy\nmetadata:\n  name: candidate\n"
        if !annotations.isEmpty {
            text += "  annotations:\n" + annotations.sorted { $0.key < $1.key }
                .map { "    \($0.key): \"\($0.value)\"\n" }.joined()
        }
        text += "spec:\n" + spec.sorted { $0.key < $1.key }.map { "  \($0.key): \($0.value)\n" }.joined()
        return try PSPAdmission(yaml: text)
    }

    /// A pod from YAML (`metadata` and `spec`, as a pod or template is written).
    static func pod(_ yaml: String) throws -> PodSpecView {
        let documents = try YAML.parseDocuments(yaml)
        return PodSpecView(podOrTemplate: try XCTUnwrap(documents.first))
    }

    /// The API server's error lines for the pod under the PSP.
    static func errors(_ admission: PSPAdmission, _ podYAML: String) throws -> [String] {
        admission.judge(try pod(podYAML)).map(\.description)
    }

    /// The failing PSP fields, in order.
    static func checks(_ admission: PSPAdmission, _ podYAML: String) throws -> [String] {
        admission.judge(try pod(podYAML)).map(\.check)
    }
}
