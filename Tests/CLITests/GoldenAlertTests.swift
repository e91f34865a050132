import Foundation
import XCTest
import TestSupport

/// Whole alert lines, derived by hand from each rule's `output` in k8s_audit_rules.yaml and the fixture
/// event. Text line = `%jevt.time: <Priority> <output>` (falco-rules.md 11.3); `%jevt.time` is the event's
/// time of day in the host zone (TZ=UTC here) with 9 fraction digits. pspctl keeps the exact nanoseconds of
/// `stageTimestamp` (a correction: Falco 0.31.1 would print e.g. `10:09:01.175999744`, rounded to 256 ns).
final class GoldenAlertTests: XCTestCase {
    private func textAlert(_ slug: String, line: Int, environment: [String: String] = [:],
                           timeOfDay: String? = nil) throws -> String {
        let time = try AlertTime.expected(forEventLine: Fixtures.line(line, of: slug))
        let prefix = (timeOfDay ?? AlertTime.timeOfDay(time)) + ": "
        let result = try Watch.run(rules: [FalcoRulesFiles.k8sAudit], auditLog: Fixtures.auditLog(slug),
                                   output: "text", environment: environment)
        XCTAssertEqual(result.status, 0, result.stderr)
        let matching = result.stdoutLines.filter { $0.hasPrefix(prefix) }
        XCTAssertEqual(matching.count, 1, "alerts of \(slug) line \(line): \(result.stdout)")
        return matching.first ?? ""
    }

    private func jsonAlert(_ slug: String, line: Int) throws -> String {
        let time = try AlertTime.expected(forEventLine: Fixtures.line(line, of: slug))
        let result = try Watch.run(rules: [FalcoRulesFiles.k8sAudit], auditLog: Fixtures.auditLog(slug))
        XCTAssertEqual(result.status, 0, result.stderr)
        let matching = try JSONAlert.parseAll(result).filter { $0.time == time }
        XCTAssertEqual(matching.count, 1, "alerts of \(slug) line \(line): \(result.stdout)")
        return matching.first?.raw ?? ""
    }

    /// `ka.uri.param[command]` is the first `command` parameter, undecoded (k8s-audit-fields.md 2.4.3).
    func testAttachExecTextLine() throws {
        XCTAssertEqual(try textAlert("attach-exec-pod", line: 1),
                       "10:09:01.176000000: Notice Attach/Exec to pod (user=alice@example.com pod=checkout-7d9c4-x2kq ns=payments action=exec command=sh)")
    }

    /// `%jevt.value[/requestObject/spec/volumes]` is the array dumped compactly with keys sorted (2.2.3);
    /// `ka.resp.name` comes from the response object.
    func testSensitiveMountTextLineDumpsVolumesWithSortedKeys() throws {
        XCTAssertEqual(try textAlert("create-sensitive-mount-pod", line: 2),
                       #"10:04:02.241134000: Warning Pod started with sensitive mount (user=system:serviceaccount:kube-system:daemon-set-controller pod=log-shipper-7x2mq ns=monitoring images=registry.example.com/ops/shipper:1.3 volumes=[{"emptyDir":{},"name":"buffer"},{"hostPath":{"path":"/etc","type":"Directory"},"name":"etc"},{"name":"kube-api-access","projected":{"defaultMode":420,"sources":[{"serviceAccountToken":{"expirationSeconds":3607,"path":"token"}}]}}])"#)
    }

    /// The rule's output ends in `))` upstream; alert text is reproduced as written.
    func testAnonymousRequestTextLineKeepsTheDoubleParenthesis() throws {
        XCTAssertEqual(try textAlert("anonymous-request-allowed", line: 1),
                       #"10:08:01.168081000: Warning Request by anonymous user allowed (user=system:anonymous verb=list uri=/api/v1/namespaces/default/pods reason=RBAC: allowed by ClusterRoleBinding "anonymous-view" of ClusterRole "view" to User "system:anonymous"))"#)
    }

    /// `ka.req.configmap.obj` dumps `data`; the newline inside a value is JSON-escaped as `\n` (two characters).
    func testConfigmapCredentialsTextLine() throws {
        XCTAssertEqual(try textAlert("configmap-private-credentials", line: 2),
                       #"10:07:02.264891000: Warning K8s configmap with private credential (user=kubernetes-admin verb=update configmap=app-settings config={"application.properties":"db.url=jdbc:postgresql://db:5432/pay\ndb.password=s3cr3t\n"})"#)
    }

    /// `priority: INFO` prints as `Informational`; the numeric response code prints as `201`.
    func testInfoPriorityPrintsAsInformational() throws {
        XCTAssertEqual(try textAlert("k8s-deployment-created", line: 1),
                       #"10:19:01.255190000: Informational K8s Deployment Created (user=kubernetes-admin deployment=checkout ns=payments resp=201 decision=allow reason=RBAC: allowed by ClusterRoleBinding "cluster-admin" of ClusterRole "cluster-admin" to Group "system:masters")"#)
    }

    /// Pointers that do not resolve print `<NA>` (the 1.23+ patch has no top-level ephemeralContainers).
    func testEphemeralContainerTextLines() throws {
        XCTAssertEqual(try textAlert("ephemeral-containers-created", line: 1),
                       "10:10:01.183919000: Notice Ephemeral container is created in pod (user=kubernetes-admin pod=checkout-7d9c4-x2kq ns=payments ephemeral_container_name=debugger-8xk2p ephemeral_container_image=busybox:1.36)")
        XCTAssertEqual(try textAlert("ephemeral-containers-created", line: 2),
                       "10:10:02.288648000: Notice Ephemeral container is created in pod (user=kubernetes-admin pod=checkout-7d9c4-x2kq ns=payments ephemeral_container_name=<NA> ephemeral_container_image=<NA>)")
    }

    /// `%jevt.time` follows the host zone (here the POSIX zone UTC+05:30, which needs no tz database),
    /// while the JSON `time` stays UTC.
    func testTextTimeFollowsTheHostTimeZone() throws {
        XCTAssertEqual(try textAlert("attach-exec-pod", line: 1, environment: ["TZ": "IST-5:30"], timeOfDay: "15:39:01.176000000"),
                       "15:39:01.176000000: Notice Attach/Exec to pod (user=alice@example.com pod=checkout-7d9c4-x2kq ns=payments action=exec command=sh)")
    }

    /// The folded (`>`) output loses its line break and trailing newline; tags are `[k8s, network]`;
    /// `output_fields` has one string per field reference plus `jevt.time`, keys sorted.
    func testIngressJSONLine() throws {
        XCTAssertEqual(try jsonAlert("ingress-without-tls-created", line: 1),
                       #"{"output":"10:37:01.397732000: Warning K8s Ingress Without TLS Cert Created (user=kubernetes-admin ingress=shop namespace=web)","priority":"Warning","rule":"Ingress Object without TLS Certificate Created","source":"k8s_audit","tags":["k8s","network"],"time":"2024-05-14T10:37:01.397732000Z", "output_fields": {"jevt.time":"10:37:01.397732000","ka.target.name":"shop","ka.target.namespace":"web","ka.user.name":"kubernetes-admin"}}"#)
    }

    /// A multi-valued field prints `(v1,v2)`, each subject dumped with sorted keys; inside JSON the
    /// quotes are escaped once more.
    func testClusterAdminBindingJSONLine() throws {
        XCTAssertEqual(try jsonAlert("attach-to-cluster-admin-role", line: 2),
                       #"{"output":"10:15:02.328243000: Warning Cluster Role Binding to cluster-admin role (user=kubernetes-admin subject=({\"kind\":\"ServiceAccount\",\"name\":\"builder\",\"namespace\":\"ci\"},{\"apiGroup\":\"rbac.authorization.k8s.io\",\"kind\":\"Group\",\"name\":\"release-managers\"}))","priority":"Warning","rule":"Attach to cluster-admin Role","source":"k8s_audit","tags":["k8s"],"time":"2024-05-14T10:15:02.328243000Z", "output_fields": {"jevt.time":"10:15:02.328243000","ka.req.binding.subjects":"({\"kind\":\"ServiceAccount\",\"name\":\"builder\",\"namespace\":\"ci\"},{\"apiGroup\":\"rbac.authorization.k8s.io\",\"kind\":\"Group\",\"name\":\"release-managers\"})","ka.user.name":"kubernetes-admin"}}"#)
    }
}
