import PodSecurity
import PSPConverter

// readOnlyRootFilesystem: when the PSP requires it, an unset value is mutated to true and an explicit false
// is rejected.
extension Mutation {
    func mutateReadOnlyRootFilesystem(_ sc: inout SecurityContext) {
        if policy.readOnlyRootFilesystem == true, sc.readOnlyRootFilesystem == nil {
            sc.readOnlyRootFilesystem = true
        }
    }
}

extension Validation {
    func validateReadOnlyRootFilesystem(_ scPath: FieldPath, _ container: Container) -> [FieldError] {
        guard policy.readOnlyRootFilesystem == true else { return [] }
        let path = scPath.child("readOnlyRootFilesystem")
        switch container.securityContext?.readOnlyRootFilesystem {
        case nil: return [.invalid(path, .null, "ReadOnlyRootFilesystem may not be nil and must be set to true")]
        case false?: return [.invalid(path, .bool(false), "ReadOnlyRootFilesystem must be set to true")]
        case true?: return []
        }
    }
}
