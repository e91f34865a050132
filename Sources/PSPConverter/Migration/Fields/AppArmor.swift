import PodSecurity

/// The AppArmor annotations (§6.2 rule 12, §5): without `allowedProfileNames` PSP admits any profile,
/// `unconfined` included (the suggestion may assume pods set none, §7); with it, each element admits
/// containers with that profile, as the annotation and the field the API server derives, judged by
/// `appArmorProfile`. `defaultProfileName` is a default no check needs.
extension FieldMapping {
    static let appArmor = FieldMapping(field: "apparmor allowedProfileNames") { psp in
        var advice = FieldAdvice()
        let annotations = psp.appArmor
        if let allowed = annotations.allowed {
            advice.witnesses = allowed.map { appArmorWitness($0, allowance: "AppArmor profile \($0.isEmpty ? "unset (an empty element)" : $0)") }
            advice.notCovered.append("only the AppArmor profiles \"\(annotations.allowedText ?? "")\": Pod Security Standards "
                + "allow the runtime's default and any localhost profile")
        } else {
            var witness = appArmorWitness("unconfined", allowance: "any AppArmor profile, unconfined included (no allowedProfileNames annotation)")
            witness.assumption = "pods set no AppArmor profile other than runtime/default or a localhost one (without an "
                + "AppArmor allowedProfileNames annotation the PSP admits any)"
            advice.witnesses = [witness]
        }
        if !annotations.defaultProfile.isEmpty {
            advice.defaults = [MutatingDefault(text: "sets the AppArmor profile \(annotations.defaultProfile) on containers that set none", without: nil,
                                               field: "apparmor defaultProfileName")]
        }
        return advice
    }

    private static func appArmorWitness(_ profile: String, allowance: String) -> Witness {
        let type: String? = switch profile {
        case "runtime/default": "RuntimeDefault"
        case "unconfined": "Unconfined"
        case let name where name.hasPrefix("localhost/"): "Localhost"
        default: nil
        }
        return Witness(allowance, pod: WitnessPod.pod { pod in
            guard !profile.isEmpty else { return }
            pod.metadata.annotations["container.apparmor.security.beta.kubernetes.io/\(WitnessPod.containerName)"] = profile
            pod.spec.containers[0].securityContext?.shared.appArmorProfileType = type
        })
    }
}
