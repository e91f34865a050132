import Foundation
import TestSupport
import XCTest
import YAMLKit

/// docker/kubernetes/apiserver/: the API server's audit policy and audit webhook kubeconfig. They are
/// not Kubernetes objects (they go on the control-plane node), so they are parsed as YAML and checked
/// against what the evaluator serves: the webhook URL is the evaluator Service's HTTP port and path, and
/// pods and workloads are logged with their objects.
final class AuditWebhookConfigTests: XCTestCase {
    private var directory: URL { Deployment.kubernetesDirectory.appendingPathComponent("apiserver") }

    private func document(_ name: String) throws -> YAMLNode {
        let text = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
        let documents = try YAML.parseDocuments(text)
        XCTAssertEqual(documents.count, 1, name)
        return try XCTUnwrap(documents.first, name)
    }

    func testTheWebhookKubeconfigPointsAtTheEvaluatorsWebhook() throws {
        let config = try document("audit-webhook-kubeconfig.yaml")
        XCTAssertEqual(config["apiVersion"]?.scalarText, "v1")
        XCTAssertEqual(config["kind"]?.scalarText, "Config")
        let clusters = try XCTUnwrap(config["clusters"]?.sequenceItems)
        XCTAssertEqual(clusters.count, 1)
        let server = try XCTUnwrap(clusters[0]["cluster"]?["server"]?.scalarText)
        let url = try XCTUnwrap(URL(string: server))
        XCTAssertEqual(url.path, "/k8s-audit")
        let evaluator = try XCTUnwrap(Deployment.services.first { $0.product == "EvaluatorService" })
        XCTAssertEqual(url.port, evaluator.httpPort)
        XCTAssertEqual(url.host, "pspctl-evaluator.pspctl.svc")
        // The context names the cluster and the user that exist.
        let current = try XCTUnwrap(config["current-context"]?.scalarText)
        let context = try XCTUnwrap(config["contexts"]?.sequenceItems?.first { $0["name"]?.scalarText == current })
        XCTAssertEqual(context["context"]?["cluster"]?.scalarText, clusters[0]["name"]?.scalarText)
        let user = try XCTUnwrap(context["context"]?["user"]?.scalarText)
        let users = try XCTUnwrap(config["users"]?.sequenceItems)
        XCTAssertNotNil(users.first { $0["name"]?.scalarText == user }?["user"]?["token"]?.scalarText)
    }

    func testTheAuditPolicyLogsPodsWithTheirObjects() throws {
        let policy = try document("audit-policy.yaml")
        XCTAssertEqual(policy["apiVersion"]?.scalarText, "audit.k8s.io/v1")
        XCTAssertEqual(policy["kind"]?.scalarText, "Policy")
        XCTAssertEqual(policy["omitStages"]?.sequenceItems?.compactMap(\.scalarText), ["RequestReceived"])
        let rules = try XCTUnwrap(policy["rules"]?.sequenceItems)
        let levels = Set(["None", "Metadata", "Request", "RequestResponse"])
        for rule in rules { XCTAssertTrue(levels.contains(rule["level"]?.scalarText ?? ""), "\(rule)") }
        // The first rule that names pods (core group) logs them at RequestResponse; the last catches all at Metadata.
        let podsRule = try XCTUnwrap(rules.first { rule in
            (rule["resources"]?.sequenceItems ?? []).contains { group in
                group["group"]?.scalarText == "" && (group["resources"]?.sequenceItems ?? []).contains { $0.scalarText == "pods" }
            }
        })
        XCTAssertEqual(podsRule["level"]?.scalarText, "RequestResponse")
        let workloads = rules.filter { $0["level"]?.scalarText == "RequestResponse" }
            .flatMap { $0["resources"]?.sequenceItems ?? [] }
            .flatMap { $0["resources"]?.sequenceItems?.compactMap(\.scalarText) ?? [] }
        for resource in ["deployments", "daemonsets", "statefulsets", "jobs", "cronjobs"] {
            XCTAssertTrue(workloads.contains(resource), resource)
        }
        let last = try XCTUnwrap(rules.last)
        XCTAssertEqual(last["level"]?.scalarText, "Metadata")
        XCTAssertEqual(last.mappingPairs?.count, 1, "the last rule matches every request")
    }
}
