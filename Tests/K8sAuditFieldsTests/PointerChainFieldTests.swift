import K8sAuditFields
import XCTest

/// §2.2.4 and the pointer-chain rows of §2.3, on realistic events: present, absent, empty, wrong type.
final class PointerChainFieldTests: XCTestCase {
    func testSingleValueFieldsOfAPodCreate() throws {
        let event = try K8s.event(Fixtures.podCreate)
        let expected: [(String, K8sExtraction)] = [
            ("ka.auditid", strings("a1b2-c3")),
            ("ka.stage", strings("ResponseComplete")),
            ("ka.auth.decision", strings("allow")),
            ("ka.auth.reason", strings("RBAC: allowed by ClusterRoleBinding")),
            ("ka.user.name", strings("alice")),
            ("ka.impuser.name", strings("bob")),
            ("ka.verb", strings("create")),
            ("ka.uri", strings("/api/v1/namespaces/default/pods?fieldManager=kubectl-client-side-apply&dryRun=All")),
            ("ka.target.name", strings("web")),
            ("ka.target.namespace", strings("default")),
            ("ka.target.resource", strings("pods")),
            ("ka.target.subresource", .failure),
            ("ka.req.configmap.name", strings("web")),
            ("ka.req.pod.host_ipc", strings("true")),
            ("ka.req.pod.host_network", strings("true")),
            ("ka.req.container.host_network", strings("true")),
            ("ka.req.pod.host_pid", strings("false")),
            ("ka.req.pod.run_as_user", integers(1000)),
            ("ka.req.pod.run_as_group", integers(3000)),
            ("ka.req.pod.fs_group", integers(2000)),
            ("ka.resp.name", strings("web-resp")),
            ("ka.response.code", integers(201)),
            ("ka.response.reason", .failure),
            ("ka.useragent", strings("kubectl/v1.24.0")),
        ]
        for (field, values) in expected {
            XCTAssertEqual(try K8s.extraction(field, event), values, field)
        }
    }

    func testPerContainerFieldsGiveOneValuePerContainer() throws {
        let event = try K8s.event(Fixtures.podCreate)
        let expected: [(String, K8sExtraction)] = [
            ("ka.user.groups", strings("dev", "system:authenticated")),
            ("ka.req.pod.containers.privileged", .values([.string("true"), na])),
            ("ka.req.pod.containers.allow_privilege_escalation", .values([.string("false"), na])),
            ("ka.req.pod.containers.read_only_fs", .values([.string("true"), na])),
            // pspctl's correction: runAsUser (upstream returned runAsGroup here).
            ("ka.req.pod.containers.run_as_user", .values([.integer(0), na])),
            ("ka.req.pod.containers.run_as_group", .values([.integer(10), na])),
            ("ka.req.pod.containers.proc_mount", .values([.string("Unmasked"), na])),
            ("ka.req.pod.containers.add_capabilities", .values([.string("NET_ADMIN"), .string("SYS_TIME"), na])),
            ("ka.req.pod.supplemental_groups", integers(4000, 5000)),
            ("ka.req.pod.volumes.hostpath", .values([na, .string("/etc"), na])),
            ("ka.req.pod.volumes.flexvolume_driver", .values([na, na, .string("example/lvm")])),
        ]
        for (field, values) in expected {
            XCTAssertEqual(try K8s.extraction(field, event), values, field)
        }
    }

    func testEverythingIsMissingWithoutARequestObject() throws {
        let event = try K8s.event(Fixtures.metadataOnly)
        for field in ["ka.auditid", "ka.auth.decision", "ka.impuser.name", "ka.target.name", "ka.req.binding.subjects",
                      "ka.req.binding.role", "ka.req.configmap.obj", "ka.req.pod.host_ipc", "ka.req.pod.host_network",
                      "ka.req.pod.host_pid", "ka.req.pod.containers.privileged", "ka.req.pod.run_as_user",
                      "ka.req.pod.containers.run_as_user", "ka.req.role.rules", "ka.req.pod.fs_group",
                      "ka.req.pod.supplemental_groups", "ka.req.service.type", "ka.req.service.ports",
                      "ka.req.pod.volumes.hostpath", "ka.resp.name", "ka.useragent"] {
            XCTAssertEqual(try K8s.extraction(field, event), .failure, field)
        }
        XCTAssertEqual(try K8s.extraction("ka.user.groups", event), noValues)   // [] → zero values, not <NA>
        XCTAssertEqual(try K8s.extraction("ka.response.reason", event), strings("Forbidden"))
        XCTAssertEqual(try K8s.extraction("ka.response.code", event), integers(403))
    }

    func testWorkloadObjectsAreNotPods() throws {
        // Pod fields read /requestObject/spec directly: a Deployment's template is not looked at.
        let event = try K8s.event(Fixtures.deployment)
        for field in ["ka.req.pod.host_network", "ka.req.pod.containers.privileged", "ka.req.pod.containers.image",
                      "ka.req.pod.containers.host_port", "ka.req.container.privileged", "ka.req.pod.containers.eff_run_as_user",
                      "ka.req.pod.volumes.volume_type"] {
            XCTAssertEqual(try K8s.extraction(field, event), .failure, field)
        }
    }

    func testEmptyListsGiveZeroValues() throws {
        let event = try K8s.pod(spec: #"{"containers":[],"volumes":[],"securityContext":{"supplementalGroups":[]}}"#)
        for field in ["ka.req.pod.containers.privileged", "ka.req.pod.containers.add_capabilities",
                      "ka.req.pod.volumes.hostpath", "ka.req.pod.supplemental_groups"] {
            XCTAssertEqual(try K8s.extraction(field, event), noValues, field)
        }
        let emptyAdd = try K8s.pod(spec: #"{"containers":[{"securityContext":{"capabilities":{"add":[]}}},{}]}"#)
        XCTAssertEqual(try K8s.extraction("ka.req.pod.containers.add_capabilities", emptyAdd), .values([na]))
    }

    func testJSONValuesBecomeText() throws {
        let event = try K8s.podEvent(
            requestObject: #"{"spec":{"hostNetwork":null,"hostPID":"007","hostIPC":{"b":1,"a":[1,"x",null]},"type":1e2,"securityContext":{"runAsUser":"01:002","fsGroup":1.5}}}"#,
            extra: #","objectRef":{"subresource":null,"name":"18446744073709551615","namespace":-0}"#)
        XCTAssertEqual(try K8s.extraction("ka.req.pod.host_network", event), strings("null"))   // null is the string null
        XCTAssertEqual(try K8s.extraction("ka.req.pod.host_pid", event), integers(7))           // "007" is typed
        XCTAssertEqual(try K8s.extraction("ka.req.pod.host_ipc", event), strings(#"{"a":[1,"x",null],"b":1}"#))
        XCTAssertEqual(try K8s.extraction("ka.req.service.type", event), strings("100.0"))
        XCTAssertEqual(try K8s.extraction("ka.req.pod.run_as_user", event), .values([.range(1, 2)]))
        XCTAssertEqual(try K8s.extraction("ka.req.pod.fs_group", event), strings("1.5"))
        XCTAssertEqual(try K8s.extraction("ka.target.subresource", event), strings("null"))
        XCTAssertEqual(try K8s.extraction("ka.target.name", event), strings("18446744073709551615"))
        XCTAssertEqual(try K8s.extraction("ka.target.namespace", event), integers(0))
    }

    func testNonArrayAtTheFirstPointerIsOneValue() throws {
        // Upstream quirk kept: a non-array P1 result is one value and P2 is ignored.
        let event = try K8s.pod(spec: #"{"containers":{"name":"c","securityContext":{"privileged":true}}}"#)
        XCTAssertEqual(try K8s.extraction("ka.req.pod.containers.privileged", event),
                       strings(#"{"name":"c","securityContext":{"privileged":true}}"#))
        let scalars = try K8s.pod(spec: #"{"containers":[5,"x",{"securityContext":5}]}"#)
        XCTAssertEqual(try K8s.extraction("ka.req.pod.containers.privileged", scalars), .values([na, na, na]))
    }

    func testObjectsAndArraysAreDumped() throws {
        let role = try K8s.event(Fixtures.clusterRole)
        XCTAssertEqual(try K8s.extraction("ka.req.role.rules", role), .values([
            .string(#"{"resources":"pods","verbs":["get","*"]}"#), .string(#"{"apiGroups":[""],"nonResourceURLs":[]}"#),
            .string(#"{"apiGroups":null,"verbs":{"a":"list","b":"watch"}}"#), .string("not-a-rule")]))
        let binding = try K8s.event(Fixtures.binding)
        XCTAssertEqual(try K8s.extraction("ka.req.binding.subjects", binding), strings(
            #"{"kind":"User","name":"alice"}"#, #"{"apiGroup":"rbac.authorization.k8s.io","kind":"Group","name":"ops"}"#))
        XCTAssertEqual(try K8s.extraction("ka.req.binding.role", binding), strings("cluster-admin"))
        let configMap = try K8s.event(Fixtures.configMap)
        XCTAssertEqual(try K8s.extraction("ka.req.configmap.name", configMap), strings("settings"))
        XCTAssertEqual(try K8s.extraction("ka.req.configmap.obj", configMap), strings(#"{"alpha":"aws_access_key_id=x","zeta":"1"}"#))
        let service = try K8s.event(Fixtures.service)
        XCTAssertEqual(try K8s.extraction("ka.req.service.type", service), strings("NodePort"))
        XCTAssertEqual(try K8s.extraction("ka.req.service.ports", service), strings(#"{"nodePort":30080,"port":80}"#, #"{"port":443}"#))
        XCTAssertEqual(try K8s.extraction("ka.req.service.ports[1]", service), strings(#"{"port":443}"#))
    }

    func testNumericIndexSelectsAnElementOfTheFlattenedValues() throws {
        let event = try K8s.event(Fixtures.podCreate)
        XCTAssertEqual(try K8s.extraction("ka.req.pod.containers.privileged[0]", event), strings("true"))
        XCTAssertEqual(try K8s.extraction("ka.req.pod.containers.privileged[1]", event), .values([na]))
        XCTAssertEqual(try K8s.extraction("ka.req.pod.containers.privileged[2]", event), .failure)
        XCTAssertEqual(try K8s.extraction("ka.req.pod.containers.privileged[99999999999999999999]", event), .failure)
        XCTAssertEqual(try K8s.extraction("ka.req.pod.containers.add_capabilities[1]", event), strings("SYS_TIME"))
        XCTAssertEqual(try K8s.extraction("ka.req.pod.containers.add_capabilities[2]", event), .values([na]))
        XCTAssertEqual(try K8s.extraction("ka.req.pod.volumes.hostpath[01]", event), strings("/etc"))
        let missing = try K8s.event(Fixtures.metadataOnly)
        XCTAssertEqual(try K8s.extraction("ka.req.pod.containers.privileged[0]", missing), .failure)
    }
}
