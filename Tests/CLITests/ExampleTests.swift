import Foundation
import XCTest
import TestSupport

/// The README's first command, run from the package root exactly as written there.
final class ExampleTests: XCTestCase {
    private let readmeCommand = ["watch", "--rules", "../shared/fixtures/falco-0.31.1/rules/k8s_audit_rules.yaml",
                                 "--audit-log", "examples/audit.jsonl"]

    /// One entry per line of examples/audit.jsonl (see the events' verbs, users and specs).
    private let expected: [String?] = [
        nil,                                                  // kubernetes-admin reads a pod
        "Disallowed K8s User",                                // alice lists secrets
        nil,                                                  // the ReplicaSet controller creates an ordinary pod
        "Create Privileged Pod",
        "Create Sensitive Mount Pod",                         // hostPath /var/run/docker.sock
        "Create HostNetwork Pod",
        "Create NodePort Service",
        "Create/Modify Configmap With Private Credentials",
        "Anonymous Request Allowed",
        "Attach/Exec Pod",                                    // ResponseStarted
        nil,                                                  // the same kind of exec at ResponseComplete
        "Create Disallowed Namespace",
        "Pod Created in Kube Namespace",
        "Attach to cluster-admin Role",
        "ClusterRole With Wildcard Created",
        "K8s Deployment Created",
        "K8s Secret Created",
        "Ingress Object without TLS Certificate Created",
        nil,                                                  // a watch at ResponseStarted
        nil,                                                  // the scheduler binds a pod
        nil,                                                  // a service account reads a configmap
    ]

    func testReadmeCommandPrintsTextAlerts() throws {
        let result = try Pspctl.run(readmeCommand, currentDirectory: Pspctl.packageRoot)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdoutLines.count, expected.compactMap { $0 }.count, result.stdout)
        for line in result.stdoutLines {
            XCTAssertNotNil(line.range(of: #"^\d\d:\d\d:\d\d\.\d{9}: (Warning|Notice|Informational) "#, options: .regularExpression), line)
        }
    }

    func testReadmeExampleVerdicts() throws {
        let result = try Pspctl.run(readmeCommand + ["--output", "json"], currentDirectory: Pspctl.packageRoot)
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = try String(contentsOf: Pspctl.packageRoot.appendingPathComponent("examples/audit.jsonl"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        let alerts = try AlertsByLine(JSONAlert.parseAll(result), lines: lines)
        XCTAssertEqual(alerts.verdicts, expected)
        XCTAssertEqual(alerts.unmatched.count, 0)
    }
}
