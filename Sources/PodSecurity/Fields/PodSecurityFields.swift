import AuditJSON
import K8sAuditFields

/// The k8s_audit fields pspctl adds so that rules can state Pod Security Admission's verdict
/// (documented in docs/pod-security-standards.md).
public enum PodSecurityFields {
    /// Kind of the object whose pod spec the request writes: `Pod` or a pod controller kind.
    public static let podSpecKind = "ka.req.podspec.kind"
    /// Name of that object.
    public static let podSpecName = "ka.req.podspec.name"
    /// `runtimeClassName` of the judged pod spec.
    public static let podSpecRuntimeClass = "ka.req.podspec.runtime_class"
    /// `[<check id>/<version>]`: the check's `reason (detail)` when it forbids the pod spec.
    public static let forbidden = "ka.pss.forbidden"
    /// `[<check id>/<version>]`: the check's forbidden reason alone.
    public static let reason = "ka.pss.reason"
    /// `[<check id>/<version>]`: the check's forbidden detail alone.
    public static let detail = "ka.pss.detail"
    /// `[<level>/<version>]`: PSA's whole detail string for the level (every failing check, in order).
    public static let violations = "ka.pss.violations"
    /// `[<level>/<version>]`: the IDs of the checks that forbid the pod spec at the level, in PSA's order.
    /// One evaluation serves every rule of a level (the engine extracts a field once per event and index).
    public static let failing = "ka.pss.failing"

    public static var definitions: [K8sFieldDefinition] {
        [
            K8sFieldDefinition(
                name: podSpecKind, description: "Kind of the object whose pod spec the request writes: Pod, or the pod controller kind (ReplicationController, PodTemplate, ReplicaSet, Deployment, StatefulSet, DaemonSet, Job, CronJob), from objectRef.apiGroup and objectRef.resource.",
                indexMode: .none) { event, _ in value(AuditedPodSpec.kind(of: event)?.rawValue) },
            K8sFieldDefinition(
                name: podSpecName, description: "Name of the object whose pod spec the request writes.",
                indexMode: .none) { event, _ in value(AuditedPodSpec.name(of: event)) },
            K8sFieldDefinition(
                name: podSpecRuntimeClass, description: "spec.runtimeClassName of the pod spec the request writes (the pod template's for a controller).",
                indexMode: .none) { event, _ in value(AuditedPodSpec.runtimeClassName(of: event)) },
            checkField(forbidden, "reason (detail) of the Pod Security Standards check <check id> at policy version <version> (latest when omitted) when it forbids the pod spec the request writes; no value when the check allows it") {
                $0.reasonWithDetail
            },
            checkField(reason, "Forbidden reason of the check <check id> at <version>, as ka.pss.forbidden") {
                $0.forbiddenReason
            },
            checkField(detail, "Forbidden detail of the check <check id> at <version>, as ka.pss.forbidden") {
                $0.forbiddenDetail
            },
            levelField(failing, "the IDs of the checks that forbid the pod spec the request writes, in PSA's evaluation order (none when allowed)") {
                .values($0.violations.map { K8sValue(classifying: $0.checkID) })
            },
            levelField(violations, "Pod Security Admission's detail string for the pod spec the request writes (each failing check as reason (detail), joined with \", \"); no value when allowed") {
                $0.allowed ? .failure : value($0.forbiddenDetail)
            },
            ContainerAppArmorField.definition,
        ]
    }

    private static func checkField(_ name: String, _ description: String,
                                   _ text: @escaping @Sendable (CheckResult) -> String) -> K8sFieldDefinition {
        K8sFieldDefinition(name: name, description: "Index <check id>/<version>: " + description + ".",
                           indexMode: .requiredKey) { event, index in
            guard let index, let entry = PolicySelector.checkEntry(index),
                  let view = AuditedPodSpec.view(of: event) else { return .failure }
            let result = entry.evaluate(view)
            return result.allowed ? .failure : value(text(result))
        }
    }

    private static func levelField(_ name: String, _ description: String,
                                   _ extraction: @escaping @Sendable (AggregateCheckResult) -> K8sExtraction) -> K8sFieldDefinition {
        K8sFieldDefinition(name: name, description: "Index <level>/<version> (latest when omitted): " + description + ".",
                           indexMode: .requiredKey) { event, index in
            guard let index, let policy = PolicySelector.levelVersion(index),
                  let view = AuditedPodSpec.view(of: event) else { return .failure }
            return extraction(CheckRegistry.standard.evaluate(view, level: policy.level, version: policy.version))
        }
    }

    private static func value(_ text: String?) -> K8sExtraction {
        text.map { .values([K8sValue(classifying: $0)]) } ?? .failure
    }
}

/// Parses the indexes of the `ka.pss.*` fields: `<name>` or `<name>/<version>`.
public enum PolicySelector {
    /// `<check id>[/<version>]` → the check's entry in force at that version; nil when the check is
    /// unknown, the version invalid, or the check does not exist yet at that version.
    public static func checkEntry(_ index: String, registry: CheckRegistry = .standard) -> VersionedCheck? {
        guard let (name, version) = split(index), let check = registry.check(id: name) else { return nil }
        return check.entry(at: registry.effectiveVersion(version))
    }

    /// `<level>[/<version>]`.
    public static func levelVersion(_ index: String) -> PolicyLevelVersion? {
        guard let (name, version) = split(index), let level = try? PolicyLevel(parsing: name) else { return nil }
        return PolicyLevelVersion(level: level, version: version)
    }

    private static func split(_ index: String) -> (String, PolicyVersion)? {
        guard let slash = index.firstIndex(of: "/") else { return (index, .latest) }
        guard let version = try? PolicyVersion(parsing: String(index[index.index(after: slash)...])) else { return nil }
        return (String(index[..<slash]), version)
    }
}
