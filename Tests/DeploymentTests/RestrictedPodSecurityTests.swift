import Foundation
import TestSupport
import XCTest

/// Every pod spec in docker/kubernetes passes the restricted Pod Security Standard, judged by pspctl
/// itself: `pspctl convert --standard restricted --standard-version latest`, then `pspctl watch` over
/// an audit log in which each workload is created (an audit.k8s.io/v1 Event, verb create, the manifest
/// object as requestObject). Zero alerts, and a mutated copy of each workload alerts for the check it
/// breaks, so the zero is not vacuous.
final class RestrictedPodSecurityTests: XCTestCase {
    private func restrictedRules() throws -> String {
        let rules = try ScratchDirectory.make().appendingPathComponent("restricted.yaml").path
        let convert = try Pspctl.run(["convert", "--standard", "restricted", "--standard-version", "latest",
                                      "--rules-path", rules, "--quiet"])
        XCTAssertEqual(convert.status, 0, convert.stderr)
        return rules
    }

    private func workloads() throws -> [Deployment.Object] {
        try Deployment.allObjects().filter { Deployment.workloadResources[$0.kind] != nil }
    }

    /// A create of `object`, as the API server's audit log records it at level RequestResponse.
    static func createEvent(of object: [String: Any], auditID: String) throws -> String {
        let kind = object["kind"] as? String ?? ""
        let (resource, group) = Deployment.workloadResources[kind] ?? ("", "")
        let metadata = object["metadata"] as? [String: Any] ?? [:]
        let namespace = metadata["namespace"] as? String ?? "default"
        let name = metadata["name"] as? String ?? ""
        let apiVersion = (object["apiVersion"] as? String ?? "v1").split(separator: "/").last.map(String.init) ?? "v1"
        let prefix = group.isEmpty ? "/api/\(apiVersion)" : "/apis/\(group)/\(apiVersion)"
        var objectRef: [String: Any] = ["resource": resource, "namespace": namespace, "name": name, "apiVersion": apiVersion]
        if !group.isEmpty { objectRef["apiGroup"] = group }
        let event: [String: Any] = [
            "kind": "Event", "apiVersion": "audit.k8s.io/v1", "level": "RequestResponse",
            "auditID": auditID, "stage": "ResponseComplete",
            "requestURI": "\(prefix)/namespaces/\(namespace)/\(resource)?fieldManager=kubectl-client-side-apply&fieldValidation=Strict",
            "verb": "create",
            "user": ["username": "kubernetes-admin", "groups": ["kubeadm:cluster-admins", "system:authenticated"]],
            "sourceIPs": ["192.0.2.10"], "userAgent": "kubectl/v1.33.1 (linux/amd64) kubernetes/8adc0f0",
            "objectRef": objectRef,
            "responseStatus": ["metadata": [String: Any](), "code": 201],
            "requestObject": object,
            "requestReceivedTimestamp": "2026-12-07T12:00:00.000000Z",
            "stageTimestamp": "2026-12-07T12:00:00.012345Z",
        ]
        return try KubernetesJSON.line(event)
    }

    /// `pspctl watch --all-matches --output json` over `events`: the rules that fired, by audit ID.
    private func alerts(_ events: [String], rules: String) throws -> [String: [String]] {
        let log = try Pspctl.temporaryFile(events.joined(separator: "\n") + "\n", suffix: ".jsonl")
        let watch = try Pspctl.run(["watch", "--rules", rules, "--audit-log", log, "--output", "json", "--all-matches"])
        XCTAssertEqual(watch.status, 0, watch.stderr)
        var byAuditID: [String: [String]] = [:]
        for line in watch.stdoutLines {
            let alert = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], line)
            let rule = try XCTUnwrap(alert["rule"] as? String, line)
            let auditID = try XCTUnwrap((alert["output_fields"] as? [String: Any])?["ka.auditid"] as? String, line)
            byAuditID[auditID, default: []].append(rule)
        }
        return byAuditID
    }

    func testEveryPodSpecPassesRestricted() throws {
        let rules = try restrictedRules()
        let workloads = try workloads()
        XCTAssertEqual(Set(workloads.map(\.name)), ["pspctl-converter", "pspctl-evaluator"])
        let events = try workloads.map { try Self.createEvent(of: $0.json, auditID: UUID().uuidString.lowercased()) }
        let alerts = try alerts(events, rules: rules)
        XCTAssertEqual(alerts, [:], "restricted violations in docker/kubernetes")
    }

    /// Each workload broken in one way alerts with the check that way breaks, through the same events.
    func testMutatedPodSpecsAlert() throws {
        let rules = try restrictedRules()
        typealias Mutation = (check: String, change: (inout [String: Any]) -> Void)
        let mutations: [Mutation] = [
            ("privileged", { Self.editContainer(&$0) { Self.editSecurityContext(&$0) { $0["privileged"] = true } } }),
            ("allowPrivilegeEscalation", { Self.editContainer(&$0) { Self.editSecurityContext(&$0) { $0["allowPrivilegeEscalation"] = true } } }),
            ("capabilities_restricted", { Self.editContainer(&$0) { Self.editSecurityContext(&$0) { $0["capabilities"] = nil } } }),
            ("runAsNonRoot", { Self.editSecurityContext(&$0) { $0["runAsNonRoot"] = false } }),
            ("runAsUser", { Self.editSecurityContext(&$0) { $0["runAsUser"] = 0 } }),
            ("seccompProfile_restricted", { Self.editSecurityContext(&$0) { $0["seccompProfile"] = nil } }),
            ("hostNamespaces", { $0["hostNetwork"] = true }),
            ("restrictedVolumes", { spec in
                var volumes = spec["volumes"] as? [[String: Any]] ?? []
                volumes.append(["name": "host", "hostPath": ["path": "/var/run"]])
                spec["volumes"] = volumes
            }),
            ("hostProbesAndHostLifecycle", { Self.editContainer(&$0) { container in
                var probe = container["readinessProbe"] as? [String: Any] ?? [:]
                var get = probe["httpGet"] as? [String: Any] ?? [:]
                get["host"] = "192.0.2.1"
                probe["httpGet"] = get
                container["readinessProbe"] = probe
            } }),
        ]
        var expected: [String: (workload: String, rule: String)] = [:]
        var events: [String] = []
        for workload in try workloads() {
            for mutation in mutations {
                let auditID = UUID().uuidString.lowercased()
                let mutated = try XCTUnwrap(Self.editPodSpec(workload.json, mutation.change))
                events.append(try Self.createEvent(of: mutated, auditID: auditID))
                expected[auditID] = (workload.name, "PSS restricted Violation (\(mutation.check))")
            }
        }
        let alerts = try alerts(events, rules: rules)
        XCTAssertEqual(expected.count, 2 * mutations.count)
        for (auditID, want) in expected {
            XCTAssertTrue(alerts[auditID, default: []].contains(want.rule),
                          "\(want.workload) mutated to break \(want.rule): got \(alerts[auditID, default: []])")
        }
    }

    // MARK: editing a workload's pod spec

    static func editPodSpec(_ object: [String: Any], _ change: (inout [String: Any]) -> Void) -> [String: Any]? {
        var object = object
        guard var spec = object["spec"] as? [String: Any], var template = spec["template"] as? [String: Any],
              var podSpec = template["spec"] as? [String: Any] else { return nil }
        change(&podSpec)
        template["spec"] = podSpec
        spec["template"] = template
        object["spec"] = spec
        return object
    }

    static func editContainer(_ podSpec: inout [String: Any], _ change: (inout [String: Any]) -> Void) {
        guard var containers = podSpec["containers"] as? [[String: Any]], !containers.isEmpty else { return }
        change(&containers[0])
        podSpec["containers"] = containers
    }

    static func editSecurityContext(_ owner: inout [String: Any], _ change: (inout [String: Any]) -> Void) {
        var context = owner["securityContext"] as? [String: Any] ?? [:]
        change(&context)
        owner["securityContext"] = context
    }
}
