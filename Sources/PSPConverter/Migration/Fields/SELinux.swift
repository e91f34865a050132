import PodSecurity

/// `seLinux` (§6.2 rule 6): RunAsAny admits any options (a custom type judges it, and the suggestion may
/// assume pods set none, §7); MustRunAs admits exactly its options, judged by `seLinuxOptions`. Its exact
/// `level` and the options it fills in cannot be expressed (§6.4, §6.5).
extension FieldMapping {
    static let seLinux = FieldMapping(field: "seLinux") { psp in
        var advice = FieldAdvice()
        guard psp.seLinuxRule == "MustRunAs", let options = psp.seLinuxOptions else {
            if psp.seLinuxRule == nil { advice.notes.append("seLinux has no rule (the API server requires one): read as RunAsAny") }
            advice.witnesses = [Witness("any SELinux options (rule RunAsAny), e.g. type spc_t",
                                        assumption: "pods set no SELinux user or role, and only a container type (seLinux rule RunAsAny admits any options)",
                                        pod: WitnessPod.pod { $0.spec.securityContext?.shared.seLinuxOptions = PodSecurity.SELinuxOptions(type: "spc_t") })]
            return advice
        }
        let podOptions = PodSecurity.SELinuxOptions(user: options.user, role: options.role, type: options.type)
        let text = [("user", options.user), ("role", options.role), ("type", options.type), ("level", options.level)]
            .filter { !$0.1.isEmpty }.map { "\($0.0) \($0.1)" }.joined(separator: ", ")
        advice.witnesses = [Witness("SELinux options \(text.isEmpty ? "(all empty)" : text)", pod: WitnessPod.pod {
            $0.spec.securityContext?.shared.seLinuxOptions = podOptions
            $0.spec.containers[0].securityContext?.shared.seLinuxOptions = podOptions
        })]
        advice.defaults = [MutatingDefault(text: "sets the SELinux options \(text.isEmpty ? "(all empty)" : text) on pods and containers that set none", without: nil)]
        advice.notCovered = ["exactly the SELinux options \(text.isEmpty ? "(all empty)" : text): Pod Security Standards only limit the type and forbid a user or role\(options.level.isEmpty ? "" : ", any level is allowed")"]
        return advice
    }
}
