import K8sAuditFields
import SyscallFields

/// A loaded rule: its definition plus the compiled filter and output.
public struct CompiledRule: @unchecked Sendable {
    public let name: String
    public let description: String
    public let priority: Priority
    /// The priority as written in the rules file (Falco's statistics key).
    public let prioritySpelling: String
    public let source: EventSource
    /// Sorted, de-duplicated (as Falco hands them to outputs).
    public let tags: [String]
    /// The rule's `output` as loaded (trimmed).
    public let output: String
    public let enabled: Bool
    let filter: Filter?
    /// The effective alert format `*%jevt.time: <Priority> <output>` (k8s_audit rules).
    let k8sAlertFormat: K8sOutputFormat?
}
