import K8sAuditFields
import SyscallFields
import ConditionLanguage

/// The event sources pspctl knows and their field factories.
public enum EventSource: String, Sendable, CaseIterable {
    case syscall
    case k8sAudit = "k8s_audit"
}

/// The field factories of both sources, consulted by the loader and the compiler.
struct FieldSources {
    let k8s: K8sFieldRegistry

    func isKnownField(_ field: String, source: String) -> Bool {
        switch EventSource(rawValue: source) {
        case .k8sAudit: return k8s.isKnownField(field)
        case .syscall: return SyscallFieldCatalog.isKnownField(field)
        case nil: return false
        }
    }
}
