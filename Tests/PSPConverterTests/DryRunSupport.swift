import Foundation
import XCTest
import PSPConverter
import TestSupport

/// A pod (or another request) as the API server's audit log records it.
struct AuditedRequest {
    var name: String
    var spec: [String: Any]
    var annotations: [String: String] = [:]
    var verb = "create"
    var resource = "pods"
    var subresource: String?
    var stage = "ResponseComplete"

    /// A pod whose only container runs `image` with `securityContext`, plus pod-level `spec` members.
    static func pod(_ name: String, image: String = "nginx", container securityContext: [String: Any]? = nil,
                    ports: [[String: Any]]? = nil, pod spec: [String: Any] = [:],
                    annotations: [String: String] = [:]) -> AuditedRequest {
        var podSpec = spec
        podSpec["containers"] = [Container.make("main", image: image, securityContext: securityContext, ports: ports)]
        return AuditedRequest(name: name, spec: podSpec, annotations: annotations)
    }

    /// One audit event JSON line (audit.k8s.io/v1, level RequestResponse).
    func eventLine(sequence: Int) throws -> String {
        let namespace = "default"
        var objectRef: [String: Any] = ["resource": resource, "namespace": namespace, "name": name, "apiVersion": "v1"]
        if let subresource { objectRef["subresource"] = subresource }
        var metadata: [String: Any] = ["name": name, "namespace": namespace]
        if !annotations.isEmpty { metadata["annotations"] = annotations }
        let second = String(format: "%02d", sequence % 60)
        let event: [String: Any] = [
            "kind": "Event", "apiVersion": "audit.k8s.io/v1", "level": "RequestResponse",
            "auditID": UUID().uuidString.lowercased(), "stage": stage,
            "requestURI": "/api/v1/namespaces/\(namespace)/\(resource)", "verb": verb,
            "user": ["username": "alice", "groups": ["system:authenticated"]],
            "sourceIPs": ["10.0.0.1"], "userAgent": "kubectl/v1.24.0",
            "objectRef": objectRef,
            "responseStatus": ["metadata": [:], "code": 201],
            "requestObject": ["kind": resource == "pods" ? "Pod" : "Deployment", "apiVersion": "v1", "metadata": metadata, "spec": spec],
            "responseObject": ["kind": "Pod", "apiVersion": "v1", "metadata": ["name": name, "namespace": namespace]],
            "requestReceivedTimestamp": "2022-03-01T10:00:\(second).000000Z",
            "stageTimestamp": "2022-03-01T10:00:\(second).100000Z",
        ]
        let data = try JSONSerialization.data(withJSONObject: event, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }
}

enum Container {
    static func make(_ name: String, image: String = "nginx", securityContext: [String: Any]? = nil,
                     ports: [[String: Any]]? = nil) -> [String: Any] {
        var container: [String: Any] = ["name": name, "image": image]
        if let securityContext { container["securityContext"] = securityContext }
        if let ports { container["ports"] = ports }
        return container
    }
}

/// One `--output json` alert.
struct DryRunAlert {
    let rule: String
    let priority: String
    let pod: String
    let output: String
}

/// Converts a PSP, runs `pspctl watch` on audit events for `requests`, and checks which rule (if any)
/// each request raised.
enum DryRun {
    /// Alerts by request name.
    static func alerts(psp yaml: String, requests: [AuditedRequest], file: StaticString = #filePath,
                       line: UInt = #line) throws -> [String: [DryRunAlert]] {
        let conversion = try PSPConverter.convert(yaml: yaml)
        let rulesPath = try Pspctl.temporaryFile(conversion.rulesYAML, suffix: ".yaml")
        let log = try requests.enumerated().map { try $0.element.eventLine(sequence: $0.offset) }.joined(separator: "\n") + "\n"
        let logPath = try Pspctl.temporaryFile(log, suffix: ".jsonl")
        let result = try Pspctl.run(["watch", "--rules", rulesPath, "--audit-log", logPath, "--output", "json"])
        XCTAssertEqual(result.status, 0, "pspctl watch failed: \(result.stderr)", file: file, line: line)
        var alerts: [String: [DryRunAlert]] = [:]
        for alertLine in result.stdoutLines {
            let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(alertLine.utf8)) as? [String: Any],
                                       "not a JSON alert: \(alertLine)", file: file, line: line)
            let fields = object["output_fields"] as? [String: String] ?? [:]
            let alert = DryRunAlert(rule: object["rule"] as? String ?? "", priority: object["priority"] as? String ?? "",
                                    pod: fields["ka.resp.name"] ?? "", output: object["output"] as? String ?? "")
            alerts[alert.pod, default: []].append(alert)
        }
        return alerts
    }

    /// Each request alerts exactly once with `PSP <prefix> Violation <suffix>` at priority Warning,
    /// or not at all when its expectation is nil.
    static func assertVerdicts(psp yaml: String, prefix: String = "t", _ cases: [(AuditedRequest, String?)],
                               file: StaticString = #filePath, line: UInt = #line) throws {
        let names = cases.map(\.0.name)
        XCTAssertEqual(Set(names).count, names.count, "request names must be unique", file: file, line: line)
        let alerts = try alerts(psp: yaml, requests: cases.map(\.0), file: file, line: line)
        for (request, expected) in cases {
            let raised = alerts[request.name] ?? []
            guard let expected else {
                XCTAssertEqual(raised.map(\.rule), [], "\(request.name) should not alert", file: file, line: line)
                continue
            }
            XCTAssertEqual(raised.map(\.rule), ["PSP \(prefix) Violation \(expected)"], "\(request.name)", file: file, line: line)
            XCTAssertEqual(raised.first?.priority, "Warning", request.name, file: file, line: line)
        }
        let unknown = Set(alerts.keys).subtracting(names)
        XCTAssertTrue(unknown.isEmpty, "alerts for unknown pods \(unknown)", file: file, line: line)
    }
}
