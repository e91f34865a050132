import PodSecurity
import PSPConverter

// seccomp (PSP annotations `seccomp.security.alpha.kubernetes.io/allowedProfileNames` and `…/defaultProfileName`):
// - mutation: a pod without the pod annotation gets the default profile as its annotation;
// - validation of the pod's profile and each container's: without allowed names, no profile may be set; with
//   `*`, anything; else the profile must be one of the names (an unset profile is then rejected).
// A profile is the annotation (`…/pod`, `container.seccomp…/<name>`), else the `seccompProfile` field
// spelled as an annotation value (`runtime/default`, `unconfined`, `localhost/<profile>`); a container
// without either has the pod's.
enum SeccompProfile {
    static let podAnnotation = "seccomp.security.alpha.kubernetes.io/pod"
    static let containerAnnotationPrefix = "container.seccomp.security.alpha.kubernetes.io/"

    static func annotationValue(type: String?, localhostProfile: String?) -> String? {
        switch type {
        case "Unconfined"?: return "unconfined"
        case "RuntimeDefault"?: return "runtime/default"
        case "Localhost"?: return "localhost/" + (localhostProfile ?? "")
        default: return nil
        }
    }

    static func pod(_ pod: PodSpecView) -> String {
        if let annotation = pod.metadata.annotations[podAnnotation], !annotation.isEmpty { return annotation }
        let shared = pod.spec.securityContext?.shared
        return annotationValue(type: shared?.seccompProfileType, localhostProfile: shared?.seccompLocalhostProfile) ?? ""
    }

    static func container(_ container: Container, in pod: PodSpecView) -> String {
        if let annotation = pod.metadata.annotations[containerAnnotationPrefix + container.name] { return annotation }
        let shared = container.securityContext?.shared
        return annotationValue(type: shared?.seccompProfileType, localhostProfile: shared?.seccompLocalhostProfile)
            ?? Self.pod(pod)
    }
}

extension Mutation {
    mutating func mutateSeccomp() {
        let defaultProfile = policy.seccomp.defaultProfile
        guard !defaultProfile.isEmpty, (pod.metadata.annotations[SeccompProfile.podAnnotation] ?? "").isEmpty else { return }
        pod.metadata.annotations[SeccompProfile.podAnnotation] = defaultProfile
    }
}

extension Validation {
    func validatePodSeccomp() -> [FieldError] {
        validateSeccomp(SeccompProfile.pod(pod), annotation: SeccompProfile.podAnnotation)
    }

    func validateContainerSeccomp(_ container: Container) -> [FieldError] {
        validateSeccomp(SeccompProfile.container(container, in: pod),
                        annotation: SeccompProfile.containerAnnotationPrefix + container.name)
    }

    private func validateSeccomp(_ profile: String, annotation: String) -> [FieldError] {
        let path = FieldPath("pod.metadata.annotations").key(annotation)
        let allowed = policy.seccomp.allowed ?? []
        let allowsAny = allowed.contains("*")
        let names = Set(allowed.filter { $0 != "*" })
        if !allowsAny && names.isEmpty && !profile.isEmpty {
            return [.forbidden(path, "seccomp may not be set")]
        }
        if (names.isEmpty && profile.isEmpty) || allowsAny || names.contains(profile) { return [] }
        return [.forbidden(path, "\(profile) is not an allowed seccomp profile. Valid values are \(policy.seccomp.allowedText ?? "")")]
    }
}
