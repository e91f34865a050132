import XCTest
@testable import PSPConverter

/// For every falcoctl field and strategy: pods that violate alert exactly once under the expected rule;
/// pods that comply, or are out of scope, do not (`pspctl watch` on audit events).
final class FalcoctlRuleBehaviourTests: XCTestCase {
    typealias Pod = AuditedRequest

    /// The seed's PSP behaves as the Falco docs describe: only nginx pods, privileged or writable root.
    func testSeedNoPrivileged() throws {
        let readOnly: [String: Any] = ["readOnlyRootFilesystem": true]
        var mixed = Pod.pod("mixed-images")
        mixed.spec["containers"] = [Container.make("a", image: "nginx", securityContext: ["privileged": true]),
                                    Container.make("b", image: "busybox", securityContext: readOnly)]
        var update = Pod.pod("update-privileged", container: ["privileged": true]); update.verb = "update"
        var deployment = Pod.pod("deployment-privileged", container: ["privileged": true]); deployment.resource = "deployments"
        var status = Pod.pod("status-privileged", container: ["privileged": true]); status.subresource = "status"
        var started = Pod.pod("started-privileged", container: ["privileged": true]); started.stage = "ResponseStarted"
        try DryRun.assertVerdicts(psp: PSPFixtures.noPrivileged, prefix: "no_privileged", [
            (Pod.pod("privileged", container: ["privileged": true, "readOnlyRootFilesystem": true]), "(privileged) K8s Audit"),
            (Pod.pod("compliant", container: readOnly), nil),
            (Pod.pod("writable-root", container: ["readOnlyRootFilesystem": false]), "(readOnlyRootFilesystem) K8s Audit"),
            (Pod.pod("no-security-context"), "(readOnlyRootFilesystem) K8s Audit"),
            // Two violations, one alert: the first matching rule.
            (Pod.pod("privileged-and-writable", container: ["privileged": true]), "(privileged) K8s Audit"),
            (Pod.pod("tagged-image", image: "nginx:1.21", container: ["privileged": true]), "(privileged) K8s Audit"),
            (Pod.pod("other-image", image: "busybox", container: ["privileged": true]), nil),
            (Pod.pod("other-repository", image: "docker.io/library/nginx", container: ["privileged": true]), nil),
            (mixed, nil),
            (Pod.pod("host-namespaces", container: readOnly, pod: ["hostPID": true, "hostIPC": true, "hostNetwork": true]), nil),
            (update, nil), (deployment, nil), (status, nil), (started, nil),
        ])
    }

    func testRuleNamesCarryThePolicyName() throws {
        let alerts = try DryRun.alerts(psp: PSPFixtures.allowingEverythingBut("privileged: false", name: "my-psp"),
                                       requests: [Pod.pod("p", container: ["privileged": true])])
        XCTAssertEqual(alerts["p"]?.map(\.rule), ["PSP my_psp Violation (privileged) K8s Audit"])
        XCTAssertTrue(alerts["p"]?.first?.output.contains("Warning Pod Security Policy my-psp validation failure--pod with privileged=true (user=alice pod=p ns=default images=nginx spec={") == true,
                      alerts["p"]?.first?.output ?? "")
    }

    /// falcoctl's rules read `spec.containers` only (Falco 0.31.1's fields ignore init containers).
    func testPrivileged() throws {
        var initOnly = Pod.pod("privileged-init")
        initOnly.spec["initContainers"] = [Container.make("init", securityContext: ["privileged": true])]
        var second = Pod.pod("second-container-privileged")
        second.spec["containers"] = [Container.make("a"), Container.make("b", securityContext: ["privileged": true])]
        try DryRun.assertVerdicts(psp: PSPFixtures.allowingEverythingBut("privileged: false"), [
            (Pod.pod("privileged", container: ["privileged": true]), "(privileged) K8s Audit"),
            (second, "(privileged) K8s Audit"),
            (Pod.pod("unprivileged", container: ["privileged": false]), nil),
            (Pod.pod("unset"), nil),
            (initOnly, nil),
        ])
    }

    func testHostNamespaces() throws {
        try DryRun.assertVerdicts(psp: PSPFixtures.allowingEverythingBut("hostPID: false\nhostIPC: false\nhostNetwork: false"), [
            (Pod.pod("host-pid", pod: ["hostPID": true]), "(hostPID)"),
            (Pod.pod("host-ipc", pod: ["hostIPC": true]), "(hostIPC)"),
            (Pod.pod("host-network", pod: ["hostNetwork": true]), "(hostNetwork)"),
            (Pod.pod("all-false", pod: ["hostPID": false, "hostIPC": false, "hostNetwork": false]), nil),
            (Pod.pod("unset"), nil),
        ])
    }

    func testHostPorts() throws {
        func ports(_ values: [(container: Int, host: Int?)]) -> [[String: Any]] {
            values.map { var port: [String: Any] = ["containerPort": $0.container]; if let h = $0.host { port["hostPort"] = h }; return port }
        }
        var twoContainers = Pod.pod("second-container-port")
        twoContainers.spec["containers"] = [Container.make("a", ports: ports([(80, 8000)])),
                                            Container.make("b", ports: ports([(81, 9001)]))]
        try DryRun.assertVerdicts(psp: PSPFixtures.allowingEverythingBut("hostPorts: [{min: 8000, max: 8080}, {min: 9000, max: 9000}]"), [
            (Pod.pod("lowest", ports: ports([(80, 8000)])), nil),
            (Pod.pod("highest", ports: ports([(80, 8080)])), nil),
            (Pod.pod("single-port-range", ports: ports([(80, 9000)])), nil),
            (Pod.pod("above", ports: ports([(80, 8081)])), "(hostPorts)"),
            (Pod.pod("below", ports: ports([(80, 7999)])), "(hostPorts)"),
            (Pod.pod("between-ranges", ports: ports([(80, 8500), (81, 8999)])), "(hostPorts)"),
            (twoContainers, "(hostPorts)"),
            (Pod.pod("no-ports"), nil),
            // Correction: a containerPort is a host port only under hostNetwork (Kubernetes then defaults
            // hostPort to it); falcoctl's field counted it for every pod.
            (Pod.pod("container-port-only", ports: ports([(80, nil)])), nil),
            (Pod.pod("container-port-host-network", ports: ports([(80, nil)]), pod: ["hostNetwork": true]), "(hostPorts)"),
            (Pod.pod("container-port-in-range-host-network", ports: ports([(8010, nil)]), pod: ["hostNetwork": true]), nil),
        ])
    }

    func testVolumes() throws {
        func volumes(_ items: [[String: Any]]) -> [String: Any] { ["volumes": items] }
        try DryRun.assertVerdicts(psp: PSPFixtures.allowingEverythingBut("volumes: [configMap, secret, cephFS]"), [
            (Pod.pod("config-map", pod: volumes([["name": "c", "configMap": ["name": "x"]]])), nil),
            (Pod.pod("config-and-secret", pod: volumes([["name": "c", "configMap": [:]], ["name": "s", "secret": [:]]])), nil),
            (Pod.pod("host-path", pod: volumes([["name": "h", "hostPath": ["path": "/etc"]]])), "(volumes)"),
            (Pod.pod("empty-dir-among-allowed", pod: volumes([["name": "c", "configMap": [:]], ["name": "e", "emptyDir": [:]]])), "(volumes)"),
            // Correction: the FSType cephFS allows the pod volume key cephfs.
            (Pod.pod("ceph", pod: volumes([["name": "c", "cephfs": ["monitors": ["a"]]]])), nil),
            (Pod.pod("no-volumes"), nil),
        ])
    }

    /// Correction (engine): `pmatch` checks the prefixes (Falco 0.31.1 fired for every hostPath volume).
    func testAllowedHostPaths() throws {
        func hostPath(_ path: String) -> [String: Any] { ["volumes": [["name": "h", "hostPath": ["path": path]]]] }
        try DryRun.assertVerdicts(psp: PSPFixtures.allowingEverythingBut("allowedHostPaths: [{pathPrefix: /var/log}, {pathPrefix: /data, readOnly: true}]"), [
            (Pod.pod("exact-prefix", pod: hostPath("/var/log")), nil),
            (Pod.pod("under-prefix", pod: hostPath("/var/log/pods")), nil),
            (Pod.pod("second-prefix", pod: hostPath("/data")), nil),
            (Pod.pod("outside", pod: hostPath("/etc")), "(allowedHostPaths)"),
            (Pod.pod("parent-of-prefix", pod: hostPath("/var")), "(allowedHostPaths)"),
            (Pod.pod("no-host-path", pod: ["volumes": [["name": "e", "emptyDir": [:]]]]), nil),
            (Pod.pod("no-volumes"), nil),
        ])
    }

    func testAllowedFlexVolumes() throws {
        func flex(_ driver: String) -> [String: Any] { ["volumes": [["name": "f", "flexVolume": ["driver": driver]]]] }
        try DryRun.assertVerdicts(psp: PSPFixtures.allowingEverythingBut("allowedFlexVolumes: [{driver: example.com/lvm}]"), [
            (Pod.pod("allowed-driver", pod: flex("example.com/lvm")), nil),
            (Pod.pod("other-driver", pod: flex("example.com/nfs")), "(allowedFlexVolumes)"),
            (Pod.pod("not-flex", pod: ["volumes": [["name": "e", "emptyDir": [:]]]]), nil),
        ])
    }

    func testFSGroupMustRunAs() throws {
        func fsGroup(_ id: Int) -> [String: Any] { ["securityContext": ["fsGroup": id]] }
        try DryRun.assertVerdicts(psp: PSPFixtures.allowingEverythingBut("fsGroup: {rule: MustRunAs, ranges: [{min: 1, max: 100}, {min: 200, max: 300}]}"), [
            (Pod.pod("min", pod: fsGroup(1)), nil), (Pod.pod("max", pod: fsGroup(100)), nil),
            (Pod.pod("second-min", pod: fsGroup(200)), nil), (Pod.pod("second-max", pod: fsGroup(300)), nil),
            (Pod.pod("zero", pod: fsGroup(0)), "(fsGroup)"), (Pod.pod("gap", pod: fsGroup(150)), "(fsGroup)"),
            (Pod.pod("above", pod: fsGroup(301)), "(fsGroup)"),
            // falcoctl: unset fires (PSP admission would default it to 1).
            (Pod.pod("unset"), "(fsGroup)"),
        ])
    }

    func testFSGroupMayRunAsAndNoRule() throws {
        try DryRun.assertVerdicts(psp: PSPFixtures.allowingEverythingBut("fsGroup: {rule: MayRunAs, ranges: [{min: 1, max: 100}]}"), [
            (Pod.pod("in-range", pod: ["securityContext": ["fsGroup": 50]]), nil),
            (Pod.pod("outside", pod: ["securityContext": ["fsGroup": 150]]), "(fsGroup)"),
            (Pod.pod("unset"), nil),
        ])
        // No rule: falcoctl's section is inert.
        try DryRun.assertVerdicts(psp: PSPFixtures.allowingEverythingBut("fsGroup: {}"), [
            (Pod.pod("any-group", pod: ["securityContext": ["fsGroup": 5]]), nil),
            (Pod.pod("unset"), nil),
        ])
    }

    func testReadOnlyRootFilesystem() throws {
        var oneWritable = Pod.pod("one-of-two-writable")
        oneWritable.spec["containers"] = [Container.make("a", securityContext: ["readOnlyRootFilesystem": true]),
                                          Container.make("b", securityContext: ["readOnlyRootFilesystem": false])]
        try DryRun.assertVerdicts(psp: PSPFixtures.allowingEverythingBut("readOnlyRootFilesystem: true"), [
            (Pod.pod("read-only", container: ["readOnlyRootFilesystem": true]), nil),
            (Pod.pod("writable", container: ["readOnlyRootFilesystem": false]), "(readOnlyRootFilesystem) K8s Audit"),
            // falcoctl: unset fires (PSP admission would set it to true).
            (Pod.pod("unset"), "(readOnlyRootFilesystem) K8s Audit"),
            (oneWritable, "(readOnlyRootFilesystem) K8s Audit"),
        ])
    }

    /// Container securityContext wins over the pod's; unset everywhere counts as uid 0.
    func testRunAsUserMustRunAs() throws {
        var initRoot = Pod.pod("init-container-root", container: ["runAsUser": 1500])
        initRoot.spec["initContainers"] = [Container.make("init", securityContext: ["runAsUser": 0])]
        try DryRun.assertVerdicts(psp: PSPFixtures.allowingEverythingBut("runAsUser: {rule: MustRunAs, ranges: [{min: 1000, max: 2000}, {min: 5000, max: 5000}]}"), [
            (Pod.pod("min", container: ["runAsUser": 1000]), nil),
            (Pod.pod("max", container: ["runAsUser": 2000]), nil),
            (Pod.pod("single-id-range", container: ["runAsUser": 5000]), nil),
            (Pod.pod("above", container: ["runAsUser": 2001]), "(runAsUser=MustRunAs) K8s Audit"),
            (Pod.pod("below-second", container: ["runAsUser": 4999]), "(runAsUser=MustRunAs) K8s Audit"),
            (Pod.pod("pod-level-only", pod: ["securityContext": ["runAsUser": 1500]]), nil),
            (Pod.pod("container-overrides-bad-pod", container: ["runAsUser": 1500], pod: ["securityContext": ["runAsUser": 3000]]), nil),
            (Pod.pod("container-overrides-good-pod", container: ["runAsUser": 3000], pod: ["securityContext": ["runAsUser": 1500]]), "(runAsUser=MustRunAs) K8s Audit"),
            (Pod.pod("unset"), "(runAsUser=MustRunAs) K8s Audit"),
            (initRoot, nil),
        ])
    }

    /// Correction (engine): overlapping ranges are plain membership (Falco 0.31.1's tree lookup missed 50).
    func testOverlappingRanges() throws {
        try DryRun.assertVerdicts(psp: PSPFixtures.allowingEverythingBut("runAsUser: {rule: MustRunAs, ranges: [{min: 1, max: 100}, {min: 5, max: 6}, {min: 7, max: 8}]}"), [
            (Pod.pod("inside-outer-range", container: ["runAsUser": 50]), nil),
            (Pod.pod("top-of-outer-range", container: ["runAsUser": 100]), nil),
            (Pod.pod("outside", container: ["runAsUser": 101]), "(runAsUser=MustRunAs) K8s Audit"),
        ])
    }

    func testRunAsUserMustRunAsNonRoot() throws {
        try DryRun.assertVerdicts(psp: PSPFixtures.allowingEverythingBut("runAsUser: {rule: MustRunAsNonRoot}"), [
            (Pod.pod("root", container: ["runAsUser": 0]), "(runAsUser=MustRunAsNonRoot) K8s Audit"),
            (Pod.pod("non-root", container: ["runAsUser": 1000]), nil),
            (Pod.pod("pod-root-container-not", container: ["runAsUser": 1000], pod: ["securityContext": ["runAsUser": 0]]), nil),
            (Pod.pod("pod-not-container-root", container: ["runAsUser": 0], pod: ["securityContext": ["runAsUser": 1000]]), "(runAsUser=MustRunAsNonRoot) K8s Audit"),
            // falcoctl: no user anywhere counts as root (PSP admission would add runAsNonRoot instead).
            (Pod.pod("unset"), "(runAsUser=MustRunAsNonRoot) K8s Audit"),
        ])
    }

    func testRunAsGroupMustRunAs() throws {
        try DryRun.assertVerdicts(psp: PSPFixtures.allowingEverythingBut("runAsGroup: {rule: MustRunAs, ranges: [{min: 100, max: 200}]}"), [
            (Pod.pod("in-range", container: ["runAsGroup": 100]), nil),
            (Pod.pod("pod-level", pod: ["securityContext": ["runAsGroup": 200]]), nil),
            (Pod.pod("outside", container: ["runAsGroup": 201]), "(runAsGroup=MustRunAs) K8s Audit"),
            (Pod.pod("container-overrides-pod", container: ["runAsGroup": 50], pod: ["securityContext": ["runAsGroup": 150]]), "(runAsGroup=MustRunAs) K8s Audit"),
            (Pod.pod("unset"), "(runAsGroup=MustRunAs) K8s Audit"),
        ])
    }

    /// falcoctl's MayRunAs: once some runAsGroup is set, every container's effective gid must be in range.
    func testRunAsGroupMayRunAs() throws {
        var oneUnset = Pod.pod("one-container-unset")
        oneUnset.spec["containers"] = [Container.make("a", securityContext: ["runAsGroup": 150]), Container.make("b")]
        try DryRun.assertVerdicts(psp: PSPFixtures.allowingEverythingBut("runAsGroup: {rule: MayRunAs, ranges: [{min: 100, max: 200}]}"), [
            (Pod.pod("unset"), nil),
            (Pod.pod("in-range", container: ["runAsGroup": 150]), nil),
            (Pod.pod("pod-level-in-range", pod: ["securityContext": ["runAsGroup": 150]]), nil),
            (Pod.pod("outside", container: ["runAsGroup": 999]), "(runAsGroup=MayRunAs)"),
            (Pod.pod("pod-level-outside", pod: ["securityContext": ["runAsGroup": 999]]), "(runAsGroup=MayRunAs)"),
            (oneUnset, "(runAsGroup=MayRunAs)"),
        ])
    }

    func testSupplementalGroups() throws {
        func groups(_ ids: [Int]) -> [String: Any] { ["securityContext": ["supplementalGroups": ids]] }
        try DryRun.assertVerdicts(psp: PSPFixtures.allowingEverythingBut("supplementalGroups: {rule: MustRunAs, ranges: [{min: 1, max: 100}]}"), [
            (Pod.pod("in-range", pod: groups([1, 100])), nil),
            (Pod.pod("one-outside", pod: groups([5, 500])), "(supplementalGroups=MustRunAs)"),
            (Pod.pod("unset"), "(supplementalGroups=MustRunAs)"),
            (Pod.pod("explicit-empty", pod: groups([])), nil),
        ])
        try DryRun.assertVerdicts(psp: PSPFixtures.allowingEverythingBut("supplementalGroups: {rule: MayRunAs, ranges: [{min: 1, max: 100}]}"), [
            (Pod.pod("in-range", pod: groups([50])), nil),
            (Pod.pod("outside", pod: groups([500])), "(supplementalGroups=MayRunAs)"),
            (Pod.pod("unset"), nil),
        ])
    }

    func testAllowPrivilegeEscalation() throws {
        try DryRun.assertVerdicts(psp: PSPFixtures.allowingEverythingBut("allowPrivilegeEscalation: false\ndefaultAllowPrivilegeEscalation: false"), [
            (Pod.pod("escalates", container: ["allowPrivilegeEscalation": true]), "(allowPrivilegeEscalation)"),
            (Pod.pod("does-not", container: ["allowPrivilegeEscalation": false]), nil),
            (Pod.pod("unset"), nil),
        ])
    }

    func testAllowedCapabilities() throws {
        func adds(_ capabilities: [String]) -> [String: Any] { ["capabilities": ["add": capabilities]] }
        try DryRun.assertVerdicts(psp: PSPFixtures.allowingEverythingBut("allowedCapabilities: [NET_BIND_SERVICE]\ndefaultAddCapabilities: [CHOWN]"), [
            (Pod.pod("allowed", container: adds(["NET_BIND_SERVICE"])), nil),
            // Correction: defaultAddCapabilities may be added too.
            (Pod.pod("default-add", container: adds(["CHOWN", "NET_BIND_SERVICE"])), nil),
            (Pod.pod("not-allowed", container: adds(["NET_BIND_SERVICE", "SYS_ADMIN"])), "(allowedCapabilities)"),
            (Pod.pod("drops-only", container: ["capabilities": ["drop": ["ALL"]]]), nil),
            (Pod.pod("unset"), nil),
        ])
    }

    func testAllowedProcMountTypes() throws {
        try DryRun.assertVerdicts(psp: PSPFixtures.allowingEverythingBut("allowedProcMountTypes: [Default]"), [
            (Pod.pod("unmasked", container: ["procMount": "Unmasked"]), "(allowedProcMountTypes)"),
            (Pod.pod("default", container: ["procMount": "Default"]), nil),
            (Pod.pod("unset"), nil),
        ])
    }

    /// The maximal example loads and judges pods under falcoctl's rule names.
    func testMaximalPolicy() throws {
        try DryRun.assertVerdicts(psp: PSPFixtures.myStrictPolicy, prefix: "my_strict_policy", [
            (Pod.pod("privileged", container: ["privileged": true]), "(privileged) K8s Audit"),
            (Pod.pod("compliant", container: ["readOnlyRootFilesystem": true, "runAsUser": 1500, "runAsGroup": 150],
                     pod: ["securityContext": ["fsGroup": 50]]), nil),
            (Pod.pod("bad-gid", container: ["readOnlyRootFilesystem": true, "runAsUser": 1500, "runAsGroup": 250],
                     pod: ["securityContext": ["fsGroup": 50]]), "(runAsGroup=MustRunAs) K8s Audit"),
        ])
    }
}
