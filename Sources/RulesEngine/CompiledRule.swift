import ConditionLanguage
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
    /// The condition with macros, lists and exceptions expanded, nested `and`s and `or`s joined (the tree
    /// the filter was built from); nil when no filter could be built (a `skip-if-unknown-filter` rule
    /// naming an unknown field, which is then disabled).
    public let condition: ConditionNode?
    let filter: Filter?
    /// The effective alert format `*%jevt.time: <Priority> <output>` (k8s_audit rules).
    let k8sAlertFormat: K8sOutputFormat?
    /// The effective alert format `*%evt.time: <Priority> <output>` (syscall rules, `%container.info`
    /// replaced; falco-rules.md §11.3).
    let syscallAlertFormat: SyscallOutputFormat?
}
