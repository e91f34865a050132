import Foundation

/// Kubernetes audit events (audit.k8s.io/v1, RequestResponse level) for the tests.
struct AuditEventBuilder {
    var auditID: String
    var verb = "create"
    var resource = "pods"
    var apiGroup = ""
    var subresource: String?
    var namespace = "default"
    var name: String?
    var user = "alice"
    var impersonatedUser: String?
    /// nil: no `stage` key at all (hand-written or trimmed logs).
    var stage: String? = "ResponseComplete"
    var requestObject: Any?
    var responseObject: Any?

    init(auditID: String, requestObject: Any? = nil) {
        self.auditID = auditID
        self.requestObject = requestObject
    }

    var json: [String: Any] {
        var objectRef: [String: Any] = ["resource": resource, "namespace": namespace,
                                        "apiVersion": apiGroup.isEmpty ? "v1" : "\(apiGroup)/v1"]
        if !apiGroup.isEmpty { objectRef["apiGroup"] = apiGroup }
        if let subresource { objectRef["subresource"] = subresource }
        if let name { objectRef["name"] = name }
        var event: [String: Any] = [
            "kind": "Event", "apiVersion": "audit.k8s.io/v1", "level": "RequestResponse", "auditID": auditID,
            "requestURI": "/api/v1/namespaces/\(namespace)/\(resource)", "verb": verb,
            "user": ["username": user, "groups": ["system:authenticated"]], "objectRef": objectRef,
            "responseStatus": ["metadata": [:], "code": 201],
            "requestReceivedTimestamp": "2026-11-22T10:00:00.000000Z", "stageTimestamp": "2026-11-22T10:00:00.100000Z",
        ]
        if let stage { event["stage"] = stage }
        if let impersonatedUser { event["impersonatedUser"] = ["username": impersonatedUser] }
        if let requestObject { event["requestObject"] = requestObject }
        if let responseObject { event["responseObject"] = responseObject }
        return event
    }

    /// One line of an audit log.
    var line: String {
        String(decoding: try! JSONSerialization.data(withJSONObject: json, options: [.sortedKeys]), as: UTF8.self)
    }
}

/// A manifest given as YAML text, as the JSON object an audit event carries.
func manifest(_ yaml: String) throws -> Any { jsonValue(try yamlDocument(yaml)) }

/// `pod`'s metadata and spec wrapped as the pod template of a workload of `kind`.
func workload(_ kind: String, name: String, template: String) -> String {
    let templateAt: String
    switch kind {
    case "CronJob": templateAt = "spec: {schedule: \"@hourly\", jobTemplate: {spec: {template: \(template)}}}"
    case "PodTemplate": templateAt = "template: \(template)"
    default: templateAt = "spec: {replicas: 1, template: \(template)}"
    }
    return "{kind: \(kind), apiVersion: v1, metadata: {name: \(name)}, \(templateAt)}"
}
