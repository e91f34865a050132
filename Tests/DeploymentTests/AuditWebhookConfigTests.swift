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

    /// The https form: the same cluster over TLS, the CA that signed the evaluator's certificate, and the
    /// API server's client certificate and key (checked by --http-tls-client-ca).
    func testTheTLSWebhookKubeconfigUsesHTTPSWithACAAndAClientCertificate() throws {
        let config = try document("audit-webhook-kubeconfig-tls.yaml")
        XCTAssertEqual(config["kind"]?.scalarText, "Config")
        let clusters = try XCTUnwrap(config["clusters"]?.sequenceItems)
        XCTAssertEqual(clusters.count, 1)
        let cluster = try XCTUnwrap(clusters[0]["cluster"])
        let url = try XCTUnwrap(URL(string: try XCTUnwrap(cluster["server"]?.scalarText)))
        XCTAssertEqual(url.scheme, "https")
        XCTAssertEqual(url.path, "/k8s-audit")
        let evaluator = try XCTUnwrap(Deployment.services.first { $0.product == "EvaluatorService" })
        XCTAssertEqual(url.port, evaluator.httpPort)
        XCTAssertNotNil(cluster["certificate-authority"]?.scalarText)
        let current = try XCTUnwrap(config["current-context"]?.scalarText)
        let context = try XCTUnwrap(config["contexts"]?.sequenceItems?.first { $0["name"]?.scalarText == current })
        XCTAssertEqual(context["context"]?["cluster"]?.scalarText, clusters[0]["name"]?.scalarText)
        let userName = try XCTUnwrap(context["context"]?["user"]?.scalarText)
        let user = try XCTUnwrap(config["users"]?.sequenceItems?.first { $0["name"]?.scalarText == userName }?["user"])
        XCTAssertNotNil(user["client-certificate"]?.scalarText)
        XCTAssertNotNil(user["client-key"]?.scalarText)
        // The comment says how the evaluator must run.
        let text = try String(contentsOf: directory.appendingPathComponent("audit-webhook-kubeconfig-tls.yaml"), encoding: .utf8)
        for flag in ["--http-tls-cert", "--http-tls-key", "--http-tls-client-ca", "--webhook-rules", "--http-listen"] {
            XCTAssertTrue(text.contains(flag), flag)
        }
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
