import Foundation
import XCTest
import TestSupport

/// `pspctl report` judges what Pod Security Admission judged: the stored object when the event has it, the
/// request with the API defaults that change a verdict otherwise; a controller whose template fails while
/// none of its pods does is "would warn", distinct from "breaks"; and the cluster's own PSA annotations are
/// compared with pspctl's verdicts.
final class ReportAdmissionTests: XCTestCase {
    typealias R = ReportTests

    /// `line` with more top-level members (responseObject, annotations, responseStatus).
    static func adding(_ extras: [String: Any], to line: String) -> String {
        var event = try! JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
        for (key, value) in extras { event[key] = value }
        let data = try! JSONSerialization.data(withJSONObject: event, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    static func podCreate(_ name: String, namespace: String = "apps", spec: [String: Any], time: String = "2024-06-01T10:00:00Z",
                          extras: [String: Any] = [:]) -> String {
        adding(extras, to: R.event(verb: "create", resource: "pods", namespace: namespace, name: name,
                                   object: R.pod(name: name, namespace: namespace, spec: spec), user: "alice", time: time))
    }

    static func run(_ lines: [String], _ policies: [String], format: String = "json") throws -> Pspctl.Result {
        try R.report(policies.flatMap { ["--policy", $0] } + ["--format", format], log: R.logFile(lines))
    }

    // MARK: Defaulting and the stored object

    /// API defaulting gives every container port of a host-network pod `hostPort = containerPort`; PSA's
    /// `hostPorts` check sees the defaulted port, so the request alone (no hostPort set) must fail it too.
    func testHostNetworkPortsAreJudgedAfterAPIDefaulting() throws {
        let ports: [[String: Any]] = [["containerPort": 9100], ["containerPort": 9101, "hostPort": 0]]
        let hostNetwork = R.podSpec([["name": "exporter", "image": "node-exporter", "ports": ports]], extra: ["hostNetwork": true])
        let podNetwork = R.podSpec([["name": "web", "image": "nginx", "ports": [["containerPort": 8080]]]])
        let template = R.controller("DaemonSet", group: "apps", name: "exporter-ds", namespace: "monitoring", template: hostNetwork)
        let lines = [
            Self.podCreate("exporter", spec: hostNetwork),
            Self.podCreate("web", spec: podNetwork),
            R.event(verb: "create", resource: "daemonsets", group: "apps", namespace: "monitoring", name: "exporter-ds",
                    object: template, user: "alice", time: "2024-06-01T10:00:01Z"),
        ]
        let result = try Self.run(lines, ["pss:baseline:v1.30"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let rows = R.rows(try R.json(result))
        let exporter = try XCTUnwrap(R.verdict(rows["apps/Pod/exporter"], "pss:baseline:v1.30"))
        XCTAssertEqual(exporter["failingChecks"] as? [String], ["hostNamespaces", "hostPorts"])
        let failures = try XCTUnwrap(exporter["failures"] as? [[String: Any]])
        XCTAssertEqual(failures.last?["reason"] as? String, "hostPort")
        XCTAssertEqual(failures.last?["detail"] as? String, "container \"exporter\" uses hostPorts 9100, 9101")
        XCTAssertEqual(R.verdict(rows["apps/Pod/web"], "pss:baseline:v1.30")?["result"] as? String, "pass",
                       "without hostNetwork a containerPort is no host port")
        XCTAssertEqual(R.verdict(rows["monitoring/DaemonSet/exporter-ds"], "pss:baseline:v1.30")?["failingChecks"] as? [String],
                       ["hostNamespaces", "hostPorts"], "templates are defaulted as pods are")
    }

    /// At level RequestResponse the event carries the object as stored, after mutating admission (here a
    /// webhook that hardened the pod): that is what PSA judged. A response without its spec (an abridged
    /// log), or a Status, leaves the request to be judged.
    func testTheStoredObjectIsJudgedWhenTheEventCarriesIt() throws {
        let mutated = R.pod(name: "mutated", namespace: "apps", spec: R.podSpec([R.hardened]))
        let lines = [
            Self.podCreate("mutated", spec: R.podSpec([R.plain]), extras: ["responseObject": mutated, "level": "RequestResponse"]),
            Self.podCreate("abridged", spec: R.podSpec([R.plain]),
                           extras: ["responseObject": ["kind": "Pod", "apiVersion": "v1", "metadata": ["name": "abridged"]] as [String: Any]]),
            Self.podCreate("refused", spec: R.podSpec([R.plain]),
                           extras: ["responseObject": ["kind": "Status", "apiVersion": "v1", "code": 403, "status": "Failure"] as [String: Any],
                                    "responseStatus": ["code": 403] as [String: Any]]),
        ]
        let result = try Self.run(lines, ["pss:restricted:v1.30"])
        let rows = R.rows(try R.json(result))
        XCTAssertEqual(R.verdict(rows["apps/Pod/mutated"], "pss:restricted:v1.30")?["result"] as? String, "pass",
                       "the stored pod was hardened by mutating admission")
        XCTAssertEqual(R.verdict(rows["apps/Pod/abridged"], "pss:restricted:v1.30")?["result"] as? String, "fail")
        XCTAssertEqual(R.verdict(rows["apps/Pod/refused"], "pss:restricted:v1.30")?["result"] as? String, "fail")
        XCTAssertEqual(result.status, 0, result.stderr)
    }

    // MARK: Would warn against breaks

    func testATemplateRejectedWithoutARejectedPodWouldWarn() throws {
        let lines = [
            // Only the Deployment's create: its pods were never made (scaled to 0, or not in this log).
            R.event(verb: "create", resource: "deployments", group: "apps", namespace: "shop", name: "cart",
                    object: R.controller("Deployment", group: "apps", name: "cart", namespace: "shop", template: R.podSpec([R.plain])),
                    user: "alice", time: "2024-06-01T10:00:00Z"),
            // A CronJob whose pod was made and rejected as well: it breaks.
            R.event(verb: "create", resource: "cronjobs", group: "batch", namespace: "shop", name: "report",
                    object: R.controller("CronJob", group: "batch", name: "report", namespace: "shop",
                                         template: R.podSpec([R.plain]), cron: true),
                    user: "alice", time: "2024-06-01T10:00:01Z"),
            R.event(verb: "create", resource: "pods", namespace: "shop",
                    object: R.pod(generateName: "report-28000000-", namespace: "shop",
                                  owners: R.owner("CronJob", "report", group: "batch/v1"), spec: R.podSpec([R.plain])),
                    user: "system:serviceaccount:kube-system:job-controller", time: "2024-06-01T10:00:02Z"),
            Self.podCreate("ok", namespace: "shop", spec: R.podSpec([R.hardened])),
        ]
        let result = try Self.run(lines, ["pss:baseline:latest", "pss:restricted:latest"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let document = try R.json(result)
        let rows = R.rows(document)
        let cart = try XCTUnwrap(R.verdict(rows["shop/Deployment/cart"], "pss:restricted:latest"))
        XCTAssertEqual(cart["result"] as? String, "warn")
        XCTAssertEqual(cart["failedTemplateRequests"] as? Int, 1)
        XCTAssertEqual(R.verdict(rows["shop/CronJob/report"], "pss:restricted:latest")?["result"] as? String, "fail")
        XCTAssertEqual(R.verdict(rows["shop/CronJob/report"], "pss:restricted:latest")?["failedRequests"] as? Int, 2)
        let restricted = try XCTUnwrap((document["policies"] as? [[String: Any]])?.last)
        XCTAssertEqual(restricted["breaksWorkloads"] as? Int, 1)
        XCTAssertEqual(restricted["warnsWorkloads"] as? Int, 1)
        XCTAssertEqual(restricted["warnNamespaces"] as? [String], ["shop"])
        let comparison = try XCTUnwrap(document["comparison"] as? [String: Any])
        XCTAssertEqual(comparison["leastRestrictiveBreakingNothing"] as? String, "pss:baseline:latest")

        let table = try Self.run(lines, ["pss:baseline:latest", "pss:restricted:latest"], format: "table")
        XCTAssertTrue(table.stdout.contains("POLICY                 JUDGED  BREAKS  WARNS  NAMESPACES BROKEN"), table.stdout)
        XCTAssertTrue(table.stdout.contains("pss:restricted:latest  3       1       1      shop"), table.stdout)
        let cartLine = try XCTUnwrap(table.stdoutLines.first { $0.hasPrefix("shop       Deployment  cart") }, table.stdout)
        XCTAssertTrue(cartLine.hasSuffix("✓                    ⚠ allowPrivilegeEscalation, capabilities_restricted, runAsNonRoot, seccompProfile_restricted"), cartLine)
        XCTAssertTrue(table.stdout.contains("pss:restricted:latest  shop/Deployment/cart (would warn: only the controller's pod template was seen)"),
                      table.stdout)
    }

    // MARK: The cluster's own verdicts

    func testTheClustersPodSecurityAnnotationsAreComparedWithPspctls() throws {
        let violation = "would violate PodSecurity \"restricted:latest\": runAsNonRoot != true (pod or container \"app\" must set securityContext.runAsNonRoot=true)"
        let lines = [
            // The cluster and pspctl agree: restricted is violated.
            Self.podCreate("agreed", spec: R.podSpec([R.plain]), extras: ["annotations": [
                "pod-security.kubernetes.io/enforce-policy": "privileged:latest",
                "pod-security.kubernetes.io/audit-violations": violation]]),
            // The webhook's prefix: the cluster says restricted is violated, pspctl admits the pod.
            Self.podCreate("hardened", spec: R.podSpec([R.hardened]), time: "2024-06-01T10:00:05Z", extras: ["annotations": [
                "pod-security-webhook.kubernetes.io/audit-violations": violation]]),
            // Enforced at baseline and created: the cluster admitted it; pspctl's baseline rejects it.
            Self.podCreate("admitted", spec: R.podSpec([R.privileged]), time: "2024-06-01T10:00:06Z", extras: ["annotations": [
                "pod-security.kubernetes.io/enforce-policy": "baseline:latest"]]),
            // Denied at baseline: the cluster and pspctl agree.
            Self.podCreate("denied", spec: R.podSpec([R.privileged]), time: "2024-06-01T10:00:07Z", extras: [
                "annotations": ["pod-security.kubernetes.io/enforce-policy": "baseline:latest"],
                "responseStatus": ["code": 403, "message": "pods \"denied\" is forbidden: violates PodSecurity \"baseline:latest\": privileged"] as [String: Any]]),
            // Exempt in the cluster: no comparison, counted.
            Self.podCreate("exempted", spec: R.podSpec([R.privileged]), extras: ["annotations": [
                "pod-security.kubernetes.io/exempt": "namespace"]]),
        ]
        let result = try Self.run(lines, ["pss:baseline:latest", "pss:restricted:latest", "pss:restricted:v1.30"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let document = try R.json(result)
        let rows = R.rows(document)
        let agreed = try XCTUnwrap(R.verdict(rows["apps/Pod/agreed"], "pss:restricted:latest")?["cluster"] as? [String: Any])
        XCTAssertEqual(agreed["comparedRequests"] as? Int, 1)
        XCTAssertEqual(agreed["disagreements"] as? Int, 0)
        XCTAssertNil(R.verdict(rows["apps/Pod/agreed"], "pss:restricted:v1.30")?["cluster"], "latest matches latest only")
        XCTAssertNil(R.verdict(rows["apps/Pod/agreed"], "pss:baseline:latest")?["cluster"], "enforce-policy names privileged")
        let hardened = try XCTUnwrap(R.verdict(rows["apps/Pod/hardened"], "pss:restricted:latest")?["cluster"] as? [String: Any])
        XCTAssertEqual(hardened["disagreements"] as? Int, 1)
        let first = try XCTUnwrap(hardened["firstDisagreement"] as? [String: Any])
        XCTAssertEqual(first["cluster"] as? String, "violates")
        XCTAssertEqual(first["pspctl"] as? String, "pass")
        XCTAssertEqual(first["annotation"] as? String, violation)
        XCTAssertEqual(first["time"] as? String, "2024-06-01T10:00:05.000000000Z")
        let admitted = try XCTUnwrap(R.verdict(rows["apps/Pod/admitted"], "pss:baseline:latest")?["cluster"] as? [String: Any])
        XCTAssertEqual((admitted["firstDisagreement"] as? [String: Any])?["cluster"] as? String, "admits")
        let denied = try XCTUnwrap(R.verdict(rows["apps/Pod/denied"], "pss:baseline:latest")?["cluster"] as? [String: Any])
        XCTAssertEqual(denied["disagreements"] as? Int, 0)
        XCTAssertEqual(rows["apps/Pod/exempted"]?["clusterExemptRequests"] as? Int, 1)
        XCTAssertNil(R.verdict(rows["apps/Pod/exempted"], "pss:baseline:latest")?["cluster"])
        let summaries = try XCTUnwrap(document["policies"] as? [[String: Any]])
        XCTAssertEqual(summaries.map { $0["clusterDisagreements"] as? Int }, [1, 1, 0])

        let table = try Self.run(lines, ["pss:baseline:latest", "pss:restricted:latest"], format: "table")
        XCTAssertTrue(table.stdout.contains("Where the cluster's Pod Security Admission decided otherwise:"), table.stdout)
        XCTAssertTrue(table.stdout.contains("  pss:baseline:latest  apps/Pod/admitted: 1 of 1 request; first at 2024-06-01T10:00:06Z: the cluster admitted it, pspctl says fail\n"),
                      table.stdout)
        XCTAssertTrue(table.stdout.contains("  pss:restricted:latest  apps/Pod/hardened: 1 of 1 request; first at 2024-06-01T10:00:05Z: the cluster found a violation, pspctl says pass (\(violation))\n"),
                      table.stdout)
        let quiet = try Self.run(Array(lines.prefix(1)), ["pss:restricted:latest"], format: "table")
        XCTAssertFalse(quiet.stdout.contains("decided otherwise"), "nothing to say when they agree")
    }
}
