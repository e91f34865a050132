import PodSecurity

/// `allowedUnsafeSysctls` and `forbiddenSysctls` (§6.2 rule 9, §6.5): every allowed name or pattern is
/// set by a witness pod and judged by the `sysctls` check, so a name on that check's safe list at the
/// version does not lower the level (the spec's refinement); a pattern (`net.core.*`) admits names no list
/// holds and passes only privileged. PSP's own safe sysctls are all on PSA's v1.0 list.
extension FieldMapping {
    static let allowedUnsafeSysctls = FieldMapping(field: "allowedUnsafeSysctls") { psp in
        let allowed = psp.allowedUnsafeSysctls
        guard !allowed.isEmpty else { return FieldAdvice() }
        var advice = FieldAdvice()
        advice.witnesses = [Witness("the sysctls \(listPhrase(allowed))", pod: WitnessPod.pod {
            $0.spec.securityContext?.sysctlNames = allowed
        })]
        if allowed.contains(where: { !$0.hasSuffix("*") }) {
            advice.notes.append("allowedUnsafeSysctls: names on the sysctls check's safe list do not lower the level "
                + "(a refinement of the documented mapping, which puts any allowed unsafe sysctl at privileged)")
        }
        return advice
    }

    static let forbiddenSysctls = FieldMapping(field: "forbiddenSysctls") { psp in
        guard !psp.forbiddenSysctls.isEmpty else { return FieldAdvice() }
        return FieldAdvice(notCovered: ["forbidding \(listPhrase(psp.forbiddenSysctls)): Pod Security Standards allow every safe sysctl at baseline and restricted"])
    }
}
