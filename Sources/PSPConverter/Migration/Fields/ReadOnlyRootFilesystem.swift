/// `readOnlyRootFilesystem` (§6.2 rule 13, §6.5): Pod Security Standards never require a read-only root
/// file system; PSP also set it on containers that left it unset.
extension FieldMapping {
    static let readOnlyRootFilesystem = FieldMapping(field: "readOnlyRootFilesystem") { psp in
        guard psp.readOnlyRootFilesystem == true else { return FieldAdvice() }
        var advice = FieldAdvice()
        advice.notCovered = ["a read-only root file system: Pod Security Standards do not require one"]
        advice.defaults = [MutatingDefault(text: "sets readOnlyRootFilesystem: true on containers that leave it unset", without: nil)]
        return advice
    }
}
