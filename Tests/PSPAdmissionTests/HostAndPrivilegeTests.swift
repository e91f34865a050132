import PSPAdmission
import XCTest

/// privileged, hostNetwork / hostPID / hostIPC and hostPorts.
final class HostAndPrivilegeTests: XCTestCase {
    func testPrivilegedContainersAreRejectedInEveryContainerList() throws {
        let psp = try Admission.psp()
        let pod = """
            spec:
              initContainers: [{name: init, securityContext: {privileged: true}}]
              containers: [{name: app}, {name: side, securityContext: {privileged: true}}]
            """
        XCTAssertEqual(try Admission.errors(psp, pod), [
            "spec.initContainers[0].securityContext.privileged: Invalid value: true: Privileged containers are not allowed",
            "spec.containers[1].securityContext.privileged: Invalid value: true: Privileged containers are not allowed",
        ])
        XCTAssertEqual(try Admission.checks(psp, pod), ["privileged", "privileged"])
        XCTAssertEqual(try Admission.errors(try Admission.psp(["privileged": "true"]), pod), [])
        XCTAssertEqual(try Admission.errors(psp, "spec: {containers: [{name: app, securityContext: {privileged: false}}]}"), [])
    }

    func testHostNamespacesNeedThePSPToAllowThem() throws {
        let pod = "spec: {hostNetwork: true, hostPID: true, hostIPC: true, containers: [{name: app}]}"
        XCTAssertEqual(try Admission.errors(try Admission.psp(), pod), [
            "spec.securityContext.hostNetwork: Invalid value: true: Host network is not allowed to be used",
            "spec.securityContext.hostPID: Invalid value: true: Host PID is not allowed to be used",
            "spec.securityContext.hostIPC: Invalid value: true: Host IPC is not allowed to be used",
        ])
        let open = try Admission.psp(["hostNetwork": "true", "hostPID": "true", "hostIPC": "true", "hostPorts": "[{min: 0, max: 65535}]"])
        XCTAssertEqual(try Admission.errors(open, pod), [])
        XCTAssertEqual(try Admission.checks(try Admission.psp(["hostNetwork": "true"]), pod), ["hostPID", "hostIPC"])
    }

    /// falcoctl writes no hostPorts rule for an empty list; PSP admission admits no host port then.
    func testAnEmptyHostPortsListAdmitsNoHostPort() throws {
        let pod = "spec: {containers: [{name: app, ports: [{containerPort: 80}, {containerPort: 443, hostPort: 8443}]}]}"
        XCTAssertEqual(try Admission.errors(try Admission.psp(), pod), [
            "spec.containers[0].hostPort: Invalid value: 8443: Host port 8443 is not allowed to be used. Allowed ports: []",
        ])
        XCTAssertEqual(try Admission.checks(try Admission.psp(), pod), ["hostPorts"])
    }

    func testHostPortsMustLieInARange() throws {
        let psp = try Admission.psp(["hostPorts": "[{min: 8000, max: 8100}, {min: 9000, max: 9000}]"])
        let pod = "spec: {containers: [{name: app, ports: [{hostPort: 8080}, {hostPort: 9000}, {hostPort: 9001}]}]}"
        XCTAssertEqual(try Admission.errors(psp, pod), [
            "spec.containers[0].hostPort: Invalid value: 9001: Host port 9001 is not allowed to be used. Allowed ports: [8000-8100,9000]",
        ])
    }

    /// Under hostNetwork the API server defaults each hostPort to its containerPort before admission (falcoctl
    /// reads containerPort even without hostNetwork; PSP does not).
    func testHostNetworkMakesContainerPortsHostPorts() throws {
        let psp = try Admission.psp(["hostNetwork": "true", "hostPorts": "[{min: 80, max: 80}]"])
        XCTAssertEqual(try Admission.errors(psp, "spec: {hostNetwork: true, containers: [{name: a, ports: [{containerPort: 80}, {containerPort: 9090}]}]}"), [
            "spec.containers[0].hostPort: Invalid value: 9090: Host port 9090 is not allowed to be used. Allowed ports: [80]",
        ])
        XCTAssertEqual(try Admission.errors(psp, "spec: {containers: [{name: a, ports: [{containerPort: 9090}]}]}"), [])
    }
}
