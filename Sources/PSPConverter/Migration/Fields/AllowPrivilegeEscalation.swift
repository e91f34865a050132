/// `allowPrivilegeEscalation` and `defaultAllowPrivilegeEscalation` (§6.2 rule 8, §6.4): unset in the PSP
/// means true (API defaulting), which admits containers judged by the restricted `allowPrivilegeEscalation`
/// check (v1.8+). With false, PSP fills in `false`, which restricted requires explicitly.
extension FieldMapping {
    static let allowPrivilegeEscalation = FieldMapping(field: "allowPrivilegeEscalation") { psp in
        var advice = FieldAdvice()
        if psp.allowPrivilegeEscalation == false {
            advice.defaults = [MutatingDefault(text: "sets allowPrivilegeEscalation: false on containers that leave it unset",
                                               without: WitnessPod.container { $0.allowPrivilegeEscalation = nil })]
        } else {
            let how = psp.allowPrivilegeEscalation == nil ? "unset, which the API server defaults to true" : "true"
            advice.witnesses = [Witness("privilege escalation (allowPrivilegeEscalation \(how))",
                                        pod: WitnessPod.container { $0.allowPrivilegeEscalation = true })]
        }
        return advice
    }

    static let defaultAllowPrivilegeEscalation = FieldMapping(field: "defaultAllowPrivilegeEscalation") { psp in
        guard let value = psp.defaultAllowPrivilegeEscalation else { return FieldAdvice() }
        // With allowPrivilegeEscalation false the default is the same value, reported there.
        guard psp.allowPrivilegeEscalation != false else { return FieldAdvice() }
        return FieldAdvice(defaults: [MutatingDefault(
            text: "sets allowPrivilegeEscalation: \(value) on containers that leave it unset",
            without: value ? nil : WitnessPod.container { $0.allowPrivilegeEscalation = nil })])
    }
}
