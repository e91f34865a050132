/// `runtimeClass` (§6.2 rule 13, §6.5): Pod Security Standards never judge a pod's runtime class (only
/// exemptions name one), so the allowed list and the default are lost.
extension FieldMapping {
    static let runtimeClass = FieldMapping(field: "runtimeClass") { psp in
        var advice = FieldAdvice()
        if let names = psp.allowedRuntimeClassNames, !names.contains("*") {
            advice.notCovered = [names.isEmpty ? "no runtime class (an empty allowedRuntimeClassNames): Pod Security Standards do not judge runtime classes"
                                 : "only the runtime classes \(listPhrase(names)): Pod Security Standards do not judge runtime classes"]
        }
        if let name = psp.defaultRuntimeClassName, !name.isEmpty {
            advice.defaults = [MutatingDefault(text: "sets runtimeClassName \(name) on pods that set none", without: nil)]
        }
        return advice
    }
}
