import PodSecurity
import PSPConverter

// AppArmor (PSP annotations `apparmor.security.beta.kubernetes.io/allowedProfileNames` and
// `…/defaultProfileName`): a container without a profile annotation gets the default; with allowed names,
// each container's profile must be set and one of them.
enum AppArmorProfile {
    static let containerAnnotationPrefix = "container.apparmor.security.beta.kubernetes.io/"
}

extension Mutation {
    mutating func mutateAppArmor() {
        let defaultProfile = policy.appArmor.defaultProfile
        guard !defaultProfile.isEmpty else { return }
        for (container, _) in pod.spec.visitedContainers {
            let key = AppArmorProfile.containerAnnotationPrefix + container.name
            if (pod.metadata.annotations[key] ?? "").isEmpty { pod.metadata.annotations[key] = defaultProfile }
        }
    }
}

extension Validation {
    func validateAppArmor(_ container: Container) -> [FieldError] {
        guard let allowed = policy.appArmor.allowed else { return [] }
        let key = AppArmorProfile.containerAnnotationPrefix + container.name
        let path = FieldPath("pod.metadata.annotations").key(key)
        let profile = pod.metadata.annotations[key] ?? ""
        if profile.isEmpty {
            return allowed.isEmpty ? [] : [.forbidden(path, "AppArmor profile must be set")]
        }
        guard !allowed.contains(profile) else { return [] }
        return [.forbidden(path, "\(profile) is not an allowed profile. Allowed values: \(goQuote(policy.appArmor.allowedText ?? ""))")]
    }
}
