/// `privileged` (§6.2 rule 1): privileged containers pass only the privileged level.
extension FieldMapping {
    static let privileged = FieldMapping(field: "privileged") { psp in
        guard psp.privileged == true else { return FieldAdvice() }
        return FieldAdvice(witnesses: [Witness("privileged containers", pod: WitnessPod.container { $0.privileged = true })])
    }
}
