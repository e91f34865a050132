import K8sAuditFields
import XCTest

/// The custom-code fields of §2.4, with pspctl's corrections where the policy says so.
final class CustomFieldTests: XCTestCase {
    // MARK: ka.uri.param (§2.4.3)

    private func uriParam(_ key: String, _ uri: String) throws -> K8sExtraction {
        let event = try K8s.podEvent(requestObject: nil, extra: #","requestURI":"\#(uri)""#)
        return try K8s.extraction("ka.uri.param[\(key)]", event)
    }

    func testURIParam() throws {
        let exec = "/api/v1/namespaces/default/pods/p/exec?command=ls%20-l&command=-a&container=c&stdin=true"
        XCTAssertEqual(try uriParam("command", exec), strings("ls%20-l"))    // first occurrence, undecoded
        XCTAssertEqual(try uriParam("container", exec), strings("c"))
        XCTAssertEqual(try uriParam("tty", exec), .failure)
        XCTAssertEqual(try uriParam("x", "/a?x=1"), integers(1))               // typed like any value
        XCTAssertEqual(try uriParam("x", "/a"), .failure)                      // no query
        XCTAssertEqual(try uriParam("x", "/a?"), .failure)                     // empty query
        XCTAssertEqual(try uriParam("x", "/a?x=1?y=2"), .failure)              // a second ?
        XCTAssertEqual(try uriParam("x", "?x=1"), integers(1))                 // empty path piece still counts
        XCTAssertEqual(try uriParam("x", "/a?x=&x=v=w&x&x=2"), integers(2))    // k=, k=v=w, k are skipped
        XCTAssertEqual(try uriParam("a b", "/a?a%20b=1"), integers(1))         // the name is percent-decoded
        XCTAssertEqual(try uriParam("a+b", "/a?a+b=1"), integers(1))           // + stays +
        XCTAssertEqual(try uriParam("k", "/a?%6B=%41"), strings("%41"))        // hex either case; value raw
        XCTAssertEqual(try uriParam("x", "/a?&&x=3&"), integers(3))
        let notString = try K8s.podEvent(requestObject: nil, extra: #","requestURI":5"#)
        XCTAssertEqual(try K8s.extraction("ka.uri.param[x]", notString), .failure)
    }

    func testMalformedPercentEscapeInAnExaminedNameIsAnEvaluationError() throws {
        // Upstream behaviour kept: the event's evaluation fails (`unknown error processing audit event`).
        XCTAssertThrowsError(try uriParam("x", "/a?b%zz=1&x=2")) { error in
            XCTAssertEqual((error as? K8sEvaluationError)?.message,
                           #"ka.uri.param: invalid percent-encoding in query parameter name "b%zz""#)
        }
        XCTAssertThrowsError(try uriParam("x", "/a?b%4=1"))
        // Names after the first match, and values, are never decoded.
        XCTAssertEqual(try uriParam("x", "/a?x=%zz&b%zz=1"), strings("%zz"))
        // Output renders an evaluation error as <NA>.
        let event = try K8s.podEvent(requestObject: nil, extra: #","requestURI":"/a?%=1""#)
        XCTAssertEqual(try K8s.rendered("ka.uri.param[x]", event), "<NA>")
    }

    // MARK: ka.req.binding.subject.has_name (§2.4.4, corrected)

    func testBindingSubjectHasName() throws {
        let binding = try K8s.event(Fixtures.binding)
        XCTAssertEqual(try K8s.extraction("ka.req.binding.subject.has_name[alice]", binding), strings("true"))
        XCTAssertEqual(try K8s.extraction("ka.req.binding.subject.has_name[ops]", binding), strings("true"))
        XCTAssertEqual(try K8s.extraction("ka.req.binding.subject.has_name[mallory]", binding), strings("false"))
        XCTAssertEqual(try K8s.extraction("ka.req.binding.subject.has_name[alice]", K8s.event(Fixtures.metadataOnly)),
                       strings("false"))
    }

    // MARK: images (§2.4.5)

    func testImagesAndRepositories() throws {
        let event = try K8s.event(Fixtures.podCreate)
        XCTAssertEqual(try K8s.extraction("ka.req.pod.containers.image", event),
                       strings("nginx:1.21", "docker.io/library/busybox@sha256:abc"))
        XCTAssertEqual(try K8s.extraction("ka.req.container.image", event), strings("nginx:1.21"))
        XCTAssertEqual(try K8s.extraction("ka.req.pod.containers.image.repository", event),
                       strings("nginx", "docker.io/library/busybox"))
        XCTAssertEqual(try K8s.extraction("ka.req.container.image.repository", event), strings("nginx"))
        // pspctl's correction: the index selects on custom fields too.
        XCTAssertEqual(try K8s.extraction("ka.req.pod.containers.image[1]", event), strings("docker.io/library/busybox@sha256:abc"))
        XCTAssertEqual(try K8s.extraction("ka.req.pod.containers.image.repository[0]", event), strings("nginx"))
        XCTAssertEqual(try K8s.extraction("ka.req.pod.containers.image[2]", event), .failure)
    }

    func testRepositorySplitting() throws {
        let table: [(String, String)] = [
            ("nginx", "nginx"), ("nginx:1.21", "nginx"), ("nginx:", "nginx"), ("nginx@sha256:abc", "nginx"),
            ("docker.io/library/nginx:1.2", "docker.io/library/nginx"), ("falcosecurity/falco:0.31.1", "falcosecurity/falco"),
            ("registry.k8s.io/pause:3.5", "registry.k8s.io/pause"), ("localhost:5000/ns/app:v1@sha256:abc", "localhost:5000/ns/app"),
            ("a:1/b:2", "a:1/b"), ("a@b/c:d", "a@b/c"), ("/x", "/x"), ("", ""),
        ]
        for (image, repository) in table {
            let event = try K8s.pod(spec: #"{"containers":[{"image":"\#(image)"}]}"#)
            XCTAssertEqual(try K8s.rendered("ka.req.pod.containers.image.repository", event), repository, image)
        }
    }

    func testImagesMissingEmptyAndWrongType() throws {
        XCTAssertEqual(try K8s.extraction("ka.req.pod.containers.image", K8s.pod(spec: "{}")), .failure)
        XCTAssertEqual(try K8s.extraction("ka.req.pod.containers.image", K8s.pod(spec: #"{"containers":[]}"#)), noValues)
        XCTAssertEqual(try K8s.extraction("ka.req.container.image", K8s.pod(spec: #"{"containers":[]}"#)), noValues)
        // Any examined container without a string image makes the whole field <NA>.
        let partly = try K8s.pod(spec: #"{"containers":[{"image":"nginx"},{"name":"x"}]}"#)
        XCTAssertEqual(try K8s.extraction("ka.req.pod.containers.image", partly), .failure)
        XCTAssertEqual(try K8s.extraction("ka.req.container.image", partly), strings("nginx"))   // only the first is examined
        XCTAssertEqual(try K8s.extraction("ka.req.pod.containers.image", K8s.pod(spec: #"{"containers":[{"image":5}]}"#)), .failure)
        XCTAssertEqual(try K8s.extraction("ka.req.pod.containers.image", K8s.pod(spec: #"{"containers":[5]}"#)), .failure)
    }

    // MARK: host_port (§2.4.6, corrected)

    func testHostPortReportsContainerPortOnlyUnderHostNetwork() throws {
        // Under hostNetwork: true, containerPort stands in for an absent hostPort.
        XCTAssertEqual(try K8s.extraction("ka.req.pod.containers.host_port", K8s.event(Fixtures.podCreate)), integers(80, 8443))
        let plain = try K8s.pod(spec: #"{"containers":[{"ports":[{"containerPort":80},{"containerPort":443,"hostPort":"8443"},{"hostPort":0}]}]}"#)
        XCTAssertEqual(try K8s.extraction("ka.req.pod.containers.host_port", plain), integers(8443, 0))   // Falco: [80, 8443, 0]
        let notTrue = try K8s.pod(spec: #"{"hostNetwork":"true","containers":[{"ports":[{"containerPort":80}]}]}"#)
        XCTAssertEqual(try K8s.extraction("ka.req.pod.containers.host_port", notTrue), noValues)
        XCTAssertEqual(try K8s.extraction("ka.req.pod.containers.host_port[1]", K8s.event(Fixtures.podCreate)), integers(8443))
    }

    func testHostPortMissingAndEmpty() throws {
        XCTAssertEqual(try K8s.extraction("ka.req.pod.containers.host_port", K8s.pod(spec: "{}")), .failure)
        XCTAssertEqual(try K8s.extraction("ka.req.pod.containers.host_port", K8s.pod(spec: #"{"containers":[{"name":"a"},5,{"ports":[]},{"ports":[{"name":"p"},7]}]}"#)), noValues)
    }

    // MARK: ka.req.container.privileged (§2.4.7)

    func testAnyContainerPrivileged() throws {
        func privileged(_ containers: String) throws -> K8sExtraction {
            try K8s.extraction("ka.req.container.privileged", K8s.pod(spec: #"{"containers":\#(containers)}"#))
        }
        XCTAssertEqual(try privileged(#"[{},{"securityContext":{"privileged":true}}]"#), strings("true"))
        XCTAssertEqual(try privileged(#"[{"securityContext":{"privileged":false}},{}]"#), strings("false"))
        XCTAssertEqual(try privileged("[]"), strings("false"))
        XCTAssertEqual(try privileged(#"[{"securityContext":{"privileged":"true"}}]"#), .failure)
        XCTAssertEqual(try privileged(#"[{"securityContext":{"privileged":true}},{"securityContext":{"privileged":"x"}}]"#), strings("true"))
        XCTAssertEqual(try K8s.extraction("ka.req.container.privileged", K8s.pod(spec: "{}")), .failure)
    }

    // MARK: eff_run_as_user / eff_run_as_group (§2.4.9)

    func testEffectiveRunAsIDs() throws {
        func effective(_ spec: String, _ field: String = "ka.req.pod.containers.eff_run_as_user") throws -> K8sExtraction {
            try K8s.extraction(field, K8s.pod(spec: spec))
        }
        XCTAssertEqual(try effective(#"{"securityContext":{"runAsUser":1000},"containers":[{"securityContext":{"runAsUser":0}},{}]}"#), integers(0, 1000))
        XCTAssertEqual(try effective(#"{"containers":[{},{}]}"#), integers(0, 0))   // unset ids count as 0 (kept)
        XCTAssertEqual(try effective(#"{"securityContext":{"runAsUser":"1000"},"containers":[{}]}"#), .failure)
        XCTAssertEqual(try effective(#"{"securityContext":{"runAsUser":null},"containers":[{}]}"#), .failure)
        XCTAssertEqual(try effective(#"{"containers":[{"securityContext":{"runAsUser":5.7}}]}"#), integers(5))
        XCTAssertEqual(try effective(#"{"containers":[{"securityContext":{"runAsUser":true}}]}"#), .failure)
        XCTAssertEqual(try effective(#"{"securityContext":{"runAsUser":3000000000},"containers":[{},{"securityContext":{"runAsUser":3000000000}}]}"#),
                       integers(-1_294_967_296, 3_000_000_000))   // pod level read as a C int (kept)
        XCTAssertEqual(try effective(#"{"containers":[]}"#), noValues)
        XCTAssertEqual(try effective(#"{"securityContext":{"runAsUser":1}}"#), .failure)
        XCTAssertEqual(try K8s.extraction("ka.req.pod.containers.eff_run_as_user", K8s.event(Fixtures.metadataOnly)), .failure)
        XCTAssertEqual(try effective(Fixtures.podSpec, "ka.req.pod.containers.eff_run_as_group"), integers(10, 3000))
        XCTAssertEqual(try effective(Fixtures.podSpec, "ka.req.pod.containers.eff_run_as_group[1]"), integers(3000))
        XCTAssertEqual(try K8s.rendered("ka.req.pod.containers.eff_run_as_user", K8s.event(Fixtures.podCreate)), "(0,1000)")
    }

    // MARK: role rules (§2.4.10)

    func testRoleRuleAttributes() throws {
        let role = try K8s.event(Fixtures.clusterRole)
        XCTAssertEqual(try K8s.extraction("ka.req.role.rules.verbs", role), strings("get", "*", "list", "watch"))
        XCTAssertEqual(try K8s.extraction("ka.req.role.rules.resources", role), strings("pods"))
        XCTAssertEqual(try K8s.extraction("ka.req.role.rules.apiGroups", role), strings(""))
        XCTAssertEqual(try K8s.extraction("ka.req.role.rules.nonResourceURLs", role), noValues)
        XCTAssertEqual(try K8s.extraction("ka.req.role.rules.verbs[1]", role), strings("*"))
        XCTAssertEqual(try K8s.extraction("ka.req.role.rules.verbs", K8s.event(Fixtures.metadataOnly)), .failure)
        let empty = try K8s.podEvent(requestObject: #"{"rules":[]}"#)
        XCTAssertEqual(try K8s.extraction("ka.req.role.rules.verbs", empty), noValues)
    }

    // MARK: volumes (§2.4.12–2.4.14)

    func testVolumeTypes() throws {
        XCTAssertEqual(try K8s.extraction("ka.req.pod.volumes.volume_type", K8s.event(Fixtures.podCreate)),
                       strings("emptyDir", "hostPath", "flexVolume"))
        let keyOrder = try K8s.pod(spec: #"{"volumes":[{"name":"a","hostPath":{"path":"/x"},"configMap":{}},null,[]]}"#)
        XCTAssertEqual(try K8s.extraction("ka.req.pod.volumes.volume_type", keyOrder), strings("configMap", "hostPath"))
        XCTAssertEqual(try K8s.extraction("ka.req.pod.volumes.volume_type[1]", keyOrder), strings("hostPath"))
        XCTAssertEqual(try K8s.extraction("ka.req.pod.volumes.volume_type", K8s.pod(spec: #"{"volumes":[]}"#)), noValues)
        XCTAssertEqual(try K8s.extraction("ka.req.pod.volumes.volume_type", K8s.pod(spec: "{}")), .failure)
    }

    func testAScalarVolumeIsAnEvaluationError() throws {
        // Upstream throws on volumes that are not objects; kept as an evaluation error, never a crash.
        XCTAssertThrowsError(try K8s.extraction("ka.req.pod.volumes.volume_type", K8s.pod(spec: #"{"volumes":["x"]}"#))) { error in
            XCTAssertEqual((error as? K8sEvaluationError)?.message,
                           "ka.req.pod.volumes.volume_type: a volume is a JSON string, not an object")
        }
        XCTAssertThrowsError(try K8s.holds("ka.req.pod.volumes.volume_type", .in, ["x"], on: K8s.pod(spec: #"{"volumes":[[1]]}"#)))
    }

    func testDeprecatedVolumeHostPathMeansWhatItSays() throws {
        // pspctl's correction: Falco compared K with the hostPath object and always appended false.
        let event = try K8s.event(Fixtures.podCreate)
        XCTAssertEqual(try K8s.extraction("ka.req.volume.hostpath[/etc]", event), strings("true"))
        XCTAssertEqual(try K8s.extraction("ka.req.volume.hostpath[/et]", event), strings("false"))
        XCTAssertEqual(try K8s.extraction("ka.req.volume.hostpath[/e*]", event), strings("true"))
        XCTAssertEqual(try K8s.extraction("ka.req.volume.hostpath[/usr*]", event), strings("false"))
        XCTAssertEqual(try K8s.extraction("ka.req.volume.hostpath", event), strings("false"))
        XCTAssertTrue(try K8s.holds("ka.req.volume.hostpath[/etc]", .equal, ["true"], on: event))
        XCTAssertEqual(try K8s.extraction("ka.req.volume.hostpath[/etc]", K8s.pod(spec: "{}")), .failure)
    }

    // MARK: jevt (§2.4.1–2.4.2)

    func testEventTimeFields() throws {
        setenv("TZ", "UTC", 1)
        let event = try K8s.event(#"{"kind":"Event","stageTimestamp":"2018-10-25T13:58:49.730588Z"}"#)
        XCTAssertEqual(try K8s.extraction("jevt.time", event), strings("13:58:49.730588000"))
        XCTAssertEqual(try K8s.extraction("jevt.time.iso8601", event), strings("2018-10-25T13:58:49.730588000+0000"))
        XCTAssertEqual(try K8s.extraction("jevt.rawtime", event), integers(1_540_475_929_730_588_000))
        XCTAssertTrue(try K8s.holds("jevt.rawtime", .exists, on: event))
        XCTAssertFalse(try K8s.holds("jevt.rawtime", .equal, ["0"], on: event))
        let epoch = try K8s.event(#"{"kind":"Event","stageTimestamp":"1970-01-01T00:00:00Z"}"#)
        XCTAssertTrue(try K8s.holds("jevt.rawtime", .equal, ["0"], on: epoch))
        XCTAssertEqual(try K8s.rendered("jevt.time.iso8601", epoch), "1970-01-01T00:00:00.000000000+0000")
        XCTAssertEqual(event.alertTime, "2018-10-25T13:58:49.730588000Z")
        XCTAssertEqual(try K8s.event(#"{"kind":"Event","stageTimestamp":"2024-02-29T23:59:59.5-01:00"}"#).alertTime,
                       "2024-03-01T00:59:59.500000000Z")
    }

    func testTimeOfDayUsesTheHostTimeZone() throws {
        defer { setenv("TZ", "UTC", 1) }
        let event = try K8s.event(#"{"kind":"Event","stageTimestamp":"2018-10-25T13:58:49.730588Z"}"#)
        setenv("TZ", "Asia/Kolkata", 1)   // no daylight saving: always +05:30
        XCTAssertEqual(try K8s.rendered("jevt.time", event), "19:28:49.730588000")
        XCTAssertEqual(try K8s.rendered("jevt.time.iso8601", event), "2018-10-25T13:58:49.730588000+0000")
        setenv("TZ", "<-10>10", 1)        // POSIX form: UTC-10, wraps to the previous day
        XCTAssertEqual(try K8s.rendered("jevt.time", event), "03:58:49.730588000")
    }

    func testEventObjectAndValue() throws {
        let event = try K8s.event(#"{"stageTimestamp":"2018-10-25T13:58:49Z","kind":"Event","a":{"z":1,"b":[{"name":"x"}]},"m/x~y":"k","arr":[1,2]}"#)
        XCTAssertEqual(try K8s.extraction("jevt.obj", event),
                       strings(#"{"a":{"b":[{"name":"x"}],"z":1},"arr":[1,2],"kind":"Event","m/x~y":"k","stageTimestamp":"2018-10-25T13:58:49Z"}"#))
        XCTAssertEqual(try K8s.extraction("jevt.value[/a/b]", event), strings(#"[{"name":"x"}]"#))   // one value, dumped
        XCTAssertEqual(try K8s.extraction("jevt.value[/a/b/0/name]", event), strings("x"))
        XCTAssertEqual(try K8s.extraction("jevt.value[/a/z]", event), integers(1))
        XCTAssertEqual(try K8s.extraction("jevt.value[/m~1x~0y]", event), strings("k"))
        XCTAssertEqual(try K8s.extraction("jevt.value[/a/missing]", event), .failure)
        XCTAssertEqual(try K8s.extraction("jevt.value[/arr/2]", event), .failure)
        XCTAssertEqual(try K8s.extraction("jevt.value[/arr/-]", event), .failure)
        // pspctl's correction: a bad array token is no value, not an aborted evaluation.
        XCTAssertEqual(try K8s.extraction("jevt.value[/arr/x]", event), .failure)
        XCTAssertEqual(try K8s.extraction("jevt.value[/arr/01]", event), .failure)
        XCTAssertEqual(try K8s.extraction("jevt.value[/kind/x]", event), .failure)
        XCTAssertEqual(try K8s.extraction("jevt.value[]", event), try K8s.extraction("jevt.obj", event))
    }
}
