import PodSecurity
import PSPConverter

// allowedProcMountTypes: a container's procMount (unset = Default) must be listed; an empty list = [Default].
extension Validation {
    func validateProcMount(_ scPath: FieldPath, _ container: Container) -> [FieldError] {
        let procMount = container.securityContext?.procMount ?? "Default"
        let allowed = policy.allowedProcMountTypes.isEmpty ? ["Default"] : policy.allowedProcMountTypes
        guard !allowed.contains(procMount) else { return [] }
        return [.invalid(scPath.child("procMount"), .namedString(procMount), "ProcMountType is not allowed")]
    }
}
