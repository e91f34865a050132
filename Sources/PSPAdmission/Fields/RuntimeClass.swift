import PodSecurity
import PSPConverter

// runtimeClass: an unset runtimeClassName becomes defaultRuntimeClassName; a set one must be listed in
// allowedRuntimeClassNames (`*` = any). Without `runtimeClass` in the PSP, nothing.
extension Mutation {
    mutating func mutateRuntimeClass() {
        guard policy.allowedRuntimeClassNames != nil, pod.spec.runtimeClassName == nil else { return }
        pod.spec.runtimeClassName = policy.defaultRuntimeClassName
    }
}

extension Validation {
    func validateRuntimeClass() -> [FieldError] {
        guard let allowed = policy.allowedRuntimeClassNames, let name = pod.spec.runtimeClassName,
              !allowed.contains("*"), !allowed.contains(name) else { return [] }
        return [.invalid(FieldPath("spec.runtimeClassName"), .string(name), "")]
    }
}
