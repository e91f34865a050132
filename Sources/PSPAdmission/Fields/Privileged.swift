import PodSecurity
import PSPConverter

// privileged: a container may set `securityContext.privileged: true` only when the PSP allows it.
extension Validation {
    func validatePrivileged(_ scPath: FieldPath, _ container: Container) -> [FieldError] {
        guard policy.privileged != true, container.securityContext?.privileged == true else { return [] }
        return [.invalid(scPath.child("privileged"), .bool(true), "Privileged containers are not allowed")]
    }
}
