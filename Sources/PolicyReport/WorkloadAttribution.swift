import AuditJSON
import K8sAuditFields
import PodSecurity

/// A workload: one row of a report.
public struct WorkloadKey: Hashable, Sendable, Comparable, Codable {
    public var namespace: String
    /// `Deployment`, `CronJob`, `Pod` … (an unknown controller's kind as its ownerReference says it).
    public var kind: String
    public var name: String
    public init(namespace: String, kind: String, name: String) {
        self.namespace = namespace; self.kind = kind; self.name = name
    }
    public static func < (a: WorkloadKey, b: WorkloadKey) -> Bool {
        (a.namespace, a.kind, a.name) < (b.namespace, b.kind, b.name)
    }
}

/// What one audit event is to a report.
enum EventClass {
    /// Not a pod-creating request (another verb, resource or subresource, or an earlier stage of a request).
    case ignored
    /// A pod-creating request of `workload` for an object of `kind`; `pod` is the pod spec it writes, nil
    /// when the event carries no object to judge (audit level Metadata).
    case counted(workload: WorkloadKey, kind: WorkloadKind, pod: PodSpecView?)
}

/// Maps pod-creating requests to their workloads: a pod or controller created by a controller belongs to
/// it (`metadata.ownerReferences`, the controller reference first), a ReplicaSet `<deployment>-<hash>` to
/// its Deployment and a Job a CronJob owns to the CronJob, so a Deployment's create, its ReplicaSets and
/// their pods are one row. Remembers which ReplicaSets and Jobs belong to what (bounded by the number
/// of controllers, not of events).
struct WorkloadAttribution {
    /// Owner links learnt from ReplicaSet and Job creates: (namespace, ReplicaSet) → Deployment,
    /// (namespace, Job) → CronJob.
    private var replicaSetOwners: [NamespacedName: String] = [:]
    private var jobOwners: [NamespacedName: String] = [:]
    /// At most this many links are kept of each (then the name rules alone attribute).
    static let linkLimit = 200_000

    struct NamespacedName: Hashable {
        var namespace: String
        var name: String
    }

    mutating func classify(_ event: K8sAuditEvent) -> EventClass {
        let root = event.object
        guard root["verb"]?.stringEquals("create") == true,
              let objectRef = root["objectRef"], let resource = objectRef["resource"]?.string,
              let kind = WorkloadKind(apiGroup: objectRef["apiGroup"]?.string ?? "", resource: resource),
              (objectRef["subresource"]?.string ?? "").isEmpty else { return .ignored }
        // One request is logged once per stage; only its last stage counts (or an event without stage).
        if let stage = root["stage"]?.string, stage == "RequestReceived" || stage == "ResponseStarted" { return .ignored }
        let request = Self.object(root["requestObject"], kind: kind)
        let response = Self.object(root["responseObject"], kind: kind)
        // Judged as admission judged it: the stored object (level RequestResponse: after defaulting and
        // mutating admission) when the event has it with its spec, else the request with the API defaults
        // that matter.
        let stored = response.flatMap { $0["spec"] == nil ? nil : PodSpecView(object: $0, kind: kind) }
        let object = response ?? request
        let metadata = object?["metadata"]
        let namespace = objectRef["namespace"]?.string ?? metadata?["namespace"]?.string
            ?? request?["metadata"]?["namespace"]?.string ?? ""
        let name = [metadata?["name"]?.string, objectRef["name"]?.string, request?["metadata"]?["name"]?.string,
                    metadata?["generateName"]?.string].lazy.compactMap { $0 }.first { !$0.isEmpty } ?? ""
        let workload = attribute(namespace: namespace, kind: kind, name: name, metadata: metadata)
        // Defaulting a stored object again changes nothing, and an abridged or hand-written one gets it too.
        let pod = (stored ?? request.flatMap { PodSpecView(object: $0, kind: kind) })?.applyingAPIDefaults()
        return .counted(workload: workload, kind: kind, pod: pod)
    }

    /// The workload an object of `kind` named `name` belongs to.
    private mutating func attribute(namespace: String, kind: WorkloadKind, name: String, metadata: JSONNode?) -> WorkloadKey {
        guard let owner = Self.controllerOwner(metadata) else {
            return WorkloadKey(namespace: namespace, kind: kind.rawValue, name: name)
        }
        switch owner.kind {
        case "ReplicaSet":
            let link = NamespacedName(namespace: namespace, name: owner.name)
            if let deployment = replicaSetOwners[link] {
                return WorkloadKey(namespace: namespace, kind: "Deployment", name: deployment)
            }
            // The pods of a Deployment's ReplicaSet carry its pod-template-hash, the suffix of its name.
            if let hash = metadata?["labels"]?["pod-template-hash"]?.string, !hash.isEmpty,
               owner.name.hasSuffix("-" + hash), owner.name.count > hash.count + 1 {
                return WorkloadKey(namespace: namespace, kind: "Deployment", name: String(owner.name.dropLast(hash.count + 1)))
            }
        case "Job":
            if let cronJob = jobOwners[NamespacedName(namespace: namespace, name: owner.name)] {
                return WorkloadKey(namespace: namespace, kind: "CronJob", name: cronJob)
            }
        case "Deployment" where kind == .replicaSet:
            Self.remember(&replicaSetOwners, NamespacedName(namespace: namespace, name: name), owner.name)
        case "CronJob" where kind == .job:
            Self.remember(&jobOwners, NamespacedName(namespace: namespace, name: name), owner.name)
        default:
            break
        }
        return WorkloadKey(namespace: namespace, kind: owner.kind, name: owner.name)
    }

    private static func remember(_ links: inout [NamespacedName: String], _ key: NamespacedName, _ owner: String) {
        guard !key.name.isEmpty, links.count < Self.linkLimit || links[key] != nil else { return }
        links[key] = owner
    }

    /// The owner reference with `controller: true`, else the first one with a kind and name.
    static func controllerOwner(_ metadata: JSONNode?) -> (kind: String, name: String)? {
        guard let references = metadata?["ownerReferences"], references.kind == .array else { return nil }
        var first: (kind: String, name: String)?
        for reference in references.elements {
            guard let kind = reference["kind"]?.string, !kind.isEmpty,
                  let name = reference["name"]?.string, !name.isEmpty else { continue }
            if reference["controller"]?.bool == true { return (kind, name) }
            if first == nil { first = (kind, name) }
        }
        return first
    }

    /// The object of the request's kind (not a Status or a DeleteOptions), or nil.
    static func object(_ node: JSONNode?, kind: WorkloadKind) -> JSONNode? {
        guard let node, node.kind == .object else { return nil }
        if let objectKind = node["kind"], objectKind.kind == .string, !objectKind.stringEquals(kind.rawValue) { return nil }
        return node
    }
}
