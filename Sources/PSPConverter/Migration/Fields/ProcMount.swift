/// `allowedProcMountTypes` (§6.2 rule 10): `Unmasked` passes only privileged (`procMount`; PSP cannot
/// require `hostUsers: false`, so v1.35's user-namespace relaxation does not help).
extension FieldMapping {
    static let allowedProcMountTypes = FieldMapping(field: "allowedProcMountTypes") { psp in
        let types = psp.allowedProcMountTypes.filter { $0 != "Default" }
        guard !types.isEmpty else { return FieldAdvice() }
        return FieldAdvice(witnesses: types.map { type in
            Witness("procMount \(type)", pod: WitnessPod.container { $0.procMount = type })
        })
    }
}
