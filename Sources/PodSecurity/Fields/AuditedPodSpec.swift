import AuditJSON
import K8sAuditFields

/// Locates, in a Kubernetes audit event, the object a request writes and the pod spec PSA would judge.
enum AuditedPodSpec {
    /// The workload kind of the request's resource (`objectRef.apiGroup` + `objectRef.resource`).
    static func kind(of event: K8sAuditEvent) -> WorkloadKind? {
        guard let objectRef = event.object["objectRef"], let resource = objectRef["resource"]?.string else { return nil }
        return WorkloadKind(apiGroup: objectRef["apiGroup"]?.string ?? "", resource: resource)
    }

    /// The object as admission sees it: the request body for create and update, but the resulting object
    /// (`responseObject`) for a patch, whose request body is only the patch. Nil when that object is absent
    /// (e.g. Metadata-level events) or is of another kind (a Status, DeleteOptions, Eviction …).
    static func object(of event: K8sAuditEvent, kind: WorkloadKind) -> JSONNode? {
        let key = event.object["verb"]?.stringEquals("patch") == true ? "responseObject" : "requestObject"
        guard let object = event.object.member(key), object.isObject else { return nil }
        if let objectKind = object["kind"], !objectKind.stringEquals(kind.rawValue) { return nil }
        return object
    }

    /// The judged pod spec: the pod's own metadata and spec, or the controller's pod template.
    static func view(of event: K8sAuditEvent) -> PodSpecView? {
        template(of: event).map(PodSpecView.init(podOrTemplate:))
    }

    /// `spec.runtimeClassName` of the judged pod spec, read without decoding the rest.
    static func runtimeClassName(of event: K8sAuditEvent) -> String? {
        template(of: event)?.object("spec")?.string("runtimeClassName")
    }

    /// The node holding the judged `metadata` and `spec`.
    private static func template(of event: K8sAuditEvent) -> JSONNode? {
        guard let kind = kind(of: event), let object = object(of: event, kind: kind) else { return nil }
        return kind.templateNode(in: object)
    }

    /// The name of the object the request writes: its `metadata.name`, else the audit `objectRef.name`,
    /// else the name the server generated (`responseObject`), else its `metadata.generateName`.
    static func name(of event: K8sAuditEvent) -> String? {
        guard let kind = kind(of: event) else { return nil }
        let object = object(of: event, kind: kind)
        let candidates = [
            object?.object("metadata")?.string("name"),
            event.object["objectRef"]?.string("name"),
            event.object.object("responseObject")?.object("metadata")?.string("name"),
            object?.object("metadata")?.string("generateName"),
        ]
        return candidates.lazy.compactMap { $0 }.first { !$0.isEmpty }
    }
}
