import PodSecurity
import PSPConverter

// allowPrivilegeEscalation (unset in the PSP = true, as API defaulting sets it) and
// defaultAllowPrivilegeEscalation: an unset container value takes the default, else false when the PSP forbids
// escalation; then a container that still allows it (unset or true) is rejected when the PSP forbids it.
extension Mutation {
    func mutateAllowPrivilegeEscalation(_ sc: inout SecurityContext) {
        if sc.allowPrivilegeEscalation == nil, let defaultValue = policy.defaultAllowPrivilegeEscalation {
            sc.allowPrivilegeEscalation = defaultValue
        }
        if sc.allowPrivilegeEscalation == nil, policy.allowPrivilegeEscalation == false {
            sc.allowPrivilegeEscalation = false
        }
    }
}

extension Validation {
    func validateAllowPrivilegeEscalation(_ scPath: FieldPath, _ container: Container) -> [FieldError] {
        guard policy.allowPrivilegeEscalation == false else { return [] }
        let value = container.securityContext?.allowPrivilegeEscalation
        guard value != false else { return [] }
        return [.invalid(scPath.child("allowPrivilegeEscalation"), value.map(GoValue.bool) ?? .null,
                         "Allowing privilege escalation for containers is not allowed")]
    }
}
