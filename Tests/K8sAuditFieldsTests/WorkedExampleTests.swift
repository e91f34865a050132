import ConditionLanguage
import K8sAuditFields
import XCTest

/// The §3.6 worked example, row by row. Rows whose answer changes under pspctl's corrections say so.
final class WorkedExampleTests: XCTestCase {
    private let document = #"""
    {"kind":"Event","stage":"ResponseComplete","stageTimestamp":"2022-03-01T10:00:00.123456Z",
     "verb":"create","user":{"username":"alice","groups":["dev","system:authenticated"]},
     "objectRef":{"resource":"pods","namespace":"default","name":"web"},
     "requestObject":{"kind":"Pod","spec":{"securityContext":{"runAsUser":1000},
       "containers":[{"name":"nginx","image":"nginx:1.21","securityContext":{"privileged":true},
                      "ports":[{"containerPort":80}]},
                     {"name":"side","image":"docker.io/library/busybox@sha256:abc"}],
       "volumes":[{"name":"data","emptyDir":{}},{"name":"etc","hostPath":{"path":"/etc","type":"Directory"}}]}},
     "responseStatus":{"code":201}}
    """#

    private struct Row {
        let field: String, op: ComparisonOperator, values: [String], negated: Bool, expected: Bool
        init(_ field: String, _ op: ComparisonOperator, _ values: [String] = [], not negated: Bool = false, _ expected: Bool) {
            self.field = field; self.op = op; self.values = values; self.negated = negated; self.expected = expected
        }
    }

    func testTheTable() throws {
        let event = try K8s.event(document)
        let rows: [Row] = [
            Row("ka.req.pod.containers.image.repository", .in, ["nginx"], false),
            Row("ka.req.pod.containers.image.repository", .in, ["nginx", "docker.io/library/busybox"], true),
            Row("ka.req.pod.containers.image.repository", .intersects, ["nginx"], true),
            Row("ka.req.pod.containers.image.repository", .equal, ["nginx"], false),
            Row("ka.req.pod.containers.privileged", .intersects, ["true"], true),
            Row("ka.req.pod.containers.privileged", .in, ["true"], false),
            Row("ka.req.pod.containers.privileged", .equal, ["true"], false),
            Row("ka.req.pod.containers.privileged", .exists, [], true),                 // corrected: Falco false (two values)
            Row("ka.req.pod.containers.eff_run_as_user", .in, ["0:0"], false),
            Row("ka.req.pod.containers.eff_run_as_user", .intersects, ["0:0"], false),
            Row("ka.req.pod.containers.eff_run_as_user", .equal, ["1000"], true),
            Row("ka.req.pod.containers.eff_run_as_user", .greater, ["999"], false),
            // corrected host_port: no hostNetwork, so containerPort 80 is not a host port → V = [].
            Row("ka.req.pod.containers.host_port", .in, ["1:1024"], true),          // vacuously (Falco: 80 counted)
            Row("ka.req.pod.containers.host_port", .greater, ["79"], false),        // corrected: Falco true
            Row("ka.req.pod.volumes.hostpath", .intersects, ["/etc"], true),
            Row("ka.req.pod.volumes.hostpath", .pmatch, ["/etc", "<NA>"], true),    // corrected: Falco false
            Row("ka.req.pod.volumes.hostpath", .pmatch, ["/usr", "<NA>"], not: true, true),
            Row("ka.req.pod.volumes.volume_type", .in, ["emptyDir", "hostPath", "configMap"], true),
            Row("ka.req.pod.host_network", .intersects, ["true"], false),
            Row("ka.req.pod.host_network", .in, ["true", "<NA>"], true),
            Row("ka.user.groups", .exists, [], true),                                   // corrected: Falco false
            Row("ka.user.groups", .contains, ["dev"], false),
            Row("ka.user.groups", .intersects, ["dev"], true),
            Row("ka.target.subresource", .exists, [], false),
            Row("ka.target.subresource", .exists, not: true, true),
            Row("ka.response.code", .startswith, ["2"], true),
            Row("ka.response.code", .greaterOrEqual, ["200"], true),
            Row("ka.response.code", .equal, ["200:299"], true),
            Row("ka.req.pod.containers.privileged[0]", .equal, ["true"], true),     // corrected: the index selects for S too
            Row("ka.req.pod.containers.privileged[0]", .startswith, ["true"], true),
            Row("ka.req.pod.containers.image[1]", .equal, ["docker.io/library/busybox@sha256:abc"], true),  // corrected: index honoured
            Row("ka.user.name", .icontains, ["ALI"], true),                         // corrected: Falco failed the evaluation
        ]
        for row in rows {
            let result = try K8s.holds(row.field, row.op, row.values, on: event)
            XCTAssertEqual(row.negated ? !result : result, row.expected,
                           "\(row.negated ? "not " : "")\(row.field) \(row.op.rawValue) \(row.values)")
        }
    }

    func testPodWithoutPortsAndANonPodEvent() throws {
        let noPorts = try K8s.pod(spec: #"{"containers":[{"name":"a","image":"x"}]}"#)
        XCTAssertTrue(try K8s.holds("ka.req.pod.containers.host_port", .in, ["80"], on: noPorts))
        XCTAssertFalse(try K8s.holds("ka.req.pod.containers.host_port", .intersects, ["80"], on: noPorts))
        XCTAssertFalse(try K8s.holds("ka.req.pod.containers.host_port", .exists, on: noPorts))
        XCTAssertEqual(try K8s.rendered("ka.req.pod.containers.host_port", noPorts), "<NA>")
        // `not … in ("80:80","<NA>")` is false for a pod without ports (zero values → `in` is true).
        XCTAssertTrue(try K8s.holds("ka.req.pod.containers.host_port", .in, ["80:80", "<NA>"], on: noPorts))

        let deployment = try K8s.event(Fixtures.deployment)
        XCTAssertFalse(try K8s.holds("ka.req.pod.host_network", .in, ["x"], on: deployment))
        XCTAssertTrue(try K8s.holds("ka.req.pod.host_network", .in, ["x", "<NA>"], on: deployment))
        XCTAssertFalse(try K8s.holds("ka.req.pod.host_network", .intersects, ["true"], on: deployment))
    }
}
