import PodSecurity

/// The seccomp annotations (§6.2 rule 11, §6.4): each element of `allowedProfileNames` admits pods with
/// that profile, set both as the annotation (judged before v1.19) and as the field the API server keeps in
/// step with it (judged from v1.19). Without the annotation PSP admits only pods that set no profile.
/// `defaultProfileName` fills in the profile `seccompProfile_restricted` requires.
extension FieldMapping {
    static let seccomp = FieldMapping(field: "seccomp allowedProfileNames") { psp in
        var advice = FieldAdvice()
        let annotations = psp.seccomp
        if let allowed = annotations.allowed {
            let profiles = allowed.contains("*") ? ["*"] : allowed
            advice.witnesses = profiles.map(seccompWitness)
            if !allowed.contains("*") {
                advice.notCovered.append("only the seccomp profiles \"\(annotations.allowedText ?? "")\": Pod Security Standards "
                    + "allow the runtime's default and any localhost profile")
            }
        } else {
            advice.witnesses = [Witness("no seccomp profile (without allowedProfileNames PSP admits only pods that set none)",
                                        pod: WitnessPod.pod { $0.spec.securityContext?.shared.seccompProfileType = nil })]
            if !annotations.defaultProfile.isEmpty {
                advice.notes.append("seccomp: a defaultProfileName without allowedProfileNames gives every pod a profile and then "
                    + "rejects it, so this PSP admits no pod at all")
            }
        }
        let profile = annotations.defaultProfile
        if !profile.isEmpty {
            let required = profile == "runtime/default" || profile == "docker/default" || profile.hasPrefix("localhost/")
            advice.defaults = [MutatingDefault(text: "sets the seccomp profile \(profile) on pods that set none",
                                               without: required ? WitnessPod.pod { $0.spec.securityContext?.shared.seccompProfileType = nil } : nil,
                                               field: "seccomp defaultProfileName")]
        }
        return advice
    }

    private static let seccompPodAnnotation = "seccomp.security.alpha.kubernetes.io/pod"

    /// A pod with one allowed profile: the annotation as written, the field as the API server derives it.
    private static func seccompWitness(_ profile: String) -> Witness {
        let type: String?
        var allowance = "seccomp profile \(profile)"
        switch profile {
        case "": type = nil; allowance = "no seccomp profile (an empty element of allowedProfileNames)"
        case "*": type = "Unconfined"; allowance = "any seccomp profile (*), unconfined included"
        case "runtime/default", "docker/default": type = "RuntimeDefault"
        case "unconfined": type = "Unconfined"
        case let name where name.hasPrefix("localhost/"): type = "Localhost"
        default: type = "Unconfined"; allowance = "seccomp profile \"\(profile)\" (not a profile name the standards know: judged as unconfined)"
        }
        return Witness(allowance, pod: WitnessPod.pod { pod in
            pod.spec.securityContext?.shared.seccompProfileType = type
            if !profile.isEmpty {
                pod.metadata.annotations[seccompPodAnnotation] = profile == "*" ? "unconfined" : profile
            }
        })
    }
}
