import PodSecurity
import XCTest

/// Edge cases of shared/spec/pod-security-standards.md that the case table (PSSCases.swift) leaves out.
final class SpecConformanceTests: XCTestCase {
    private func detail(_ yaml: String, _ level: PolicyLevel, _ version: String) throws -> String {
        let view = PodSpecView(podOrTemplate: try yamlDocument(yaml))
        return CheckRegistry.standard.evaluate(view, level: level, version: try PolicyVersion(parsing: version)).forbiddenDetail
    }

    /// §4: the Windows skip needs `spec.os.name` exactly `windows`: `Windows` and an `os` without a name
    /// are judged like Linux pods.
    func testWindowsSkipNeedsTheExactLowerCaseName() throws {
        let container = "containers: [{name: app, securityContext: {runAsNonRoot: true}}]"
        XCTAssertEqual(try detail("{spec: {os: {name: windows}, \(container)}}", .restricted, "v1.25"), "")
        for os in ["{name: Windows}", "{}"] {
            XCTAssertEqual(try detail("{spec: {os: \(os), \(container)}}", .restricted, "v1.25"),
                           #"allowPrivilegeEscalation != false (container "app" must set securityContext.allowPrivilegeEscalation=false), "#
                           + #"unrestricted capabilities (container "app" must set securityContext.capabilities.drop=["ALL"]), "#
                           + #"seccompProfile (pod or container "app" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")"#, os)
        }
    }

    /// §3.6: container names are sorted and de-duplicated here (two containers sharing a name count once,
    /// and `uses` follows the number of distinct names).
    func testHostProbesDeduplicatesContainerNames() throws {
        let pod = "{spec: {containers: [{name: b, livenessProbe: {httpGet: {host: h2, port: 80}}}, {name: a, startupProbe: {tcpSocket: {host: h1, port: 1}}}, {name: b, readinessProbe: {tcpSocket: {host: h1, port: 1}}}]}}"
        XCTAssertEqual(try detail(pod, .baseline, "v1.34"),
                       #"probe or lifecycle host (containers "a", "b" use probe or lifecycle hosts "h1", "h2")"#)
        XCTAssertEqual(try detail(pod, .baseline, "v1.33"), "")
    }

    /// §5: `hostUsers: false` relaxes procMount only at baseline; restricted ≥ v1.35 still forbids it,
    /// while runAsNonRoot and runAsUser are relaxed there (and reported below v1.35).
    func testUserNamespaceRelaxationAtRestricted() throws {
        let pod = "{spec: {hostUsers: false, securityContext: {runAsUser: 0, seccompProfile: {type: RuntimeDefault}}, containers: [{name: app, securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}, procMount: Unmasked}}]}}"
        XCTAssertEqual(try detail(pod, .restricted, "v1.35"),
                       #"procMount (container "app" must not set securityContext.procMount to "Unmasked")"#)
        XCTAssertEqual(try detail(pod, .baseline, "v1.35"), "")
        XCTAssertEqual(try detail(pod, .restricted, "v1.34"),
                       #"procMount (container "app" must not set securityContext.procMount to "Unmasked"), "#
                       + #"runAsNonRoot != true (pod or container "app" must set securityContext.runAsNonRoot=true), "#
                       + #"runAsUser=0 (pod must not set runAsUser=0)"#)
    }
}
