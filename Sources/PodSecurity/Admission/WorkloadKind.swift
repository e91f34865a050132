/// The kinds of object Pod Security Admission judges a pod spec of: pods themselves and the resources its
/// `DefaultPodSpecExtractor` knows (pod-security-admission `admission/admission.go`).
public enum WorkloadKind: String, Sendable, CaseIterable, CustomStringConvertible {
    case pod = "Pod"
    case replicationController = "ReplicationController"
    case podTemplate = "PodTemplate"
    case replicaSet = "ReplicaSet"
    case deployment = "Deployment"
    case statefulSet = "StatefulSet"
    case daemonSet = "DaemonSet"
    case job = "Job"
    case cronJob = "CronJob"

    /// The kind of a request's resource (group as in the audit event's `objectRef.apiGroup`, empty for the
    /// core group); nil for resources PSA does not judge. Any API version of these pairs counts.
    public init?(apiGroup: String, resource: String) {
        guard let kind = Self.allCases.first(where: { $0.apiGroup == apiGroup && $0.resource == resource }) else {
            return nil
        }
        self = kind
    }

    public var apiGroup: String {
        switch self {
        case .pod, .replicationController, .podTemplate: return ""
        case .replicaSet, .deployment, .statefulSet, .daemonSet: return "apps"
        case .job, .cronJob: return "batch"
        }
    }

    public var resource: String {
        switch self {
        case .pod: return "pods"
        case .replicationController: return "replicationcontrollers"
        case .podTemplate: return "podtemplates"
        case .replicaSet: return "replicasets"
        case .deployment: return "deployments"
        case .statefulSet: return "statefulsets"
        case .daemonSet: return "daemonsets"
        case .job: return "jobs"
        case .cronJob: return "cronjobs"
        }
    }

    /// Where the judged metadata and spec sit in the object (empty for a Pod). The template's own
    /// metadata is what the annotation-reading checks see, not the workload's.
    public var templatePath: [String] {
        switch self {
        case .pod: return []
        case .podTemplate: return ["template"]
        case .cronJob: return ["spec", "jobTemplate", "spec", "template"]
        case .replicationController, .replicaSet, .deployment, .statefulSet, .daemonSet, .job:
            return ["spec", "template"]
        }
    }

    /// The API version the kind is served at (`v1`, `apps/v1`, `batch/v1`).
    public var apiVersion: String { apiGroup.isEmpty ? "v1" : "\(apiGroup)/v1" }

    /// Pods are enforced; every other kind is a pod controller, for which PSA only warns and audits.
    public var isPodController: Bool { self != .pod }

    public var description: String { rawValue }
}

/// Which requests Pod Security Admission judges (§6.1–6.3 of the spec).
public enum PodSecurityAdmission {
    /// Audit verbs of the CREATE and UPDATE admission operations (`patch` is an UPDATE).
    public static let judgedVerbs = ["create", "update", "patch"]

    /// Pod subresources PSA lets through without judging (`ignoredPodSubresources`), plus `resize`:
    /// PSA judges a pod update only when it changes an image or the number of containers, which a resize
    /// never does, so it never judges one.
    public static let unjudgedPodSubresources = [
        "attach", "binding", "eviction", "exec", "log", "portforward", "proxy", "resize", "status",
    ]
}
