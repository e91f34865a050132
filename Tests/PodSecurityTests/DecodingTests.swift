import AuditJSON
import PodSecurity
import XCTest

/// Reading pods: what counts as set, from JSON (audit events) and YAML (manifests).
final class DecodingTests: XCTestCase {
    func testNullIsUnsetAndWrongTypesAreIgnored() throws {
        let document = try JSONDocument(parsing: """
            {"metadata":{"annotations":{"a":"b","n":null,"x":1}},
             "spec":{"hostNetwork":"true","hostPID":null,"hostIPC":true,"securityContext":null,
                     "volumes":[{"name":"v","hostPath":null,"emptyDir":{}},"junk"],
                     "containers":[{"name":"app","securityContext":{"privileged":"true","runAsUser":1000.0,
                                    "capabilities":{"add":["NET_ADMIN",7]}},"ports":[{"hostPort":"80"},{"hostPort":8080}]},
                                   42],
                     "initContainers":{"name":"not-a-list"}}}
            """)
        let view = PodSpecView(podOrTemplate: document.root)
        XCTAssertEqual(view.metadata.annotations, ["a": "b"])
        XCTAssertNil(view.spec.hostNetwork)
        XCTAssertNil(view.spec.hostPID)
        XCTAssertEqual(view.spec.hostIPC, true)
        XCTAssertNil(view.spec.securityContext)
        XCTAssertEqual(view.spec.volumes, [Volume(name: "v", sources: ["emptyDir"])])
        XCTAssertEqual(view.spec.initContainers, [])
        var expected = Container(
            name: "app",
            securityContext: SecurityContext(shared: SharedSecuritySettings(runAsUser: 1000),
                                             capabilities: Capabilities(add: ["NET_ADMIN"])),
            hostPorts: [0, 8080])
        expected.containerPorts = [0, 0]
        XCTAssertEqual(view.spec.containers, [expected])
    }

    func testProfilesAndOptionsPresentWithoutATypeHaveAnEmptyType() throws {
        let view = PodSpecView(podOrTemplate: try yamlDocument(
            "{spec: {os: {}, securityContext: {seccompProfile: {}, appArmorProfile: {localhostProfile: p}, seLinuxOptions: {}}, containers: []}}"))
        XCTAssertEqual(view.spec.osName, "")
        XCTAssertEqual(view.spec.securityContext?.shared.seccompProfileType, "")
        XCTAssertEqual(view.spec.securityContext?.shared.appArmorProfileType, "")
        XCTAssertEqual(view.spec.securityContext?.shared.seLinuxOptions, SELinuxOptions())
    }

    func testYAMLScalarsAreTypedAsKubernetesTypesThem() throws {
        let view = PodSpecView(podOrTemplate: try yamlDocument("""
            spec:
              hostNetwork: yes
              hostPID: "true"
              hostIPC: Off
              containers:
              - name: 007
                securityContext: {runAsUser: 0x10, privileged: True, procMount: ~}
              - name: "007"
                ports: [{hostPort: +80}]
            """))
        XCTAssertEqual(view.spec.hostNetwork, true)
        XCTAssertNil(view.spec.hostPID, "a quoted string is not a boolean")
        XCTAssertEqual(view.spec.hostIPC, false)
        XCTAssertEqual(view.spec.containers.map(\.name), ["", "007"], "an unquoted 007 is a number, not a name")
        XCTAssertEqual(view.spec.containers[0].securityContext?.shared.runAsUser, 16)
        XCTAssertEqual(view.spec.containers[0].securityContext?.privileged, true)
        XCTAssertNil(view.spec.containers[0].securityContext?.procMount)
        XCTAssertEqual(view.spec.containers[1].hostPorts, [80])
    }
}
