/// `ka.req.binding.subject.has_name[K]` (§2.4.4): pspctl's correction — `true` iff some subject of
/// `/requestObject/subjects` is named K, else `false` (upstream always said `true`).
enum BindingSubjectField {
    static let spec = FieldSpec(
        name: "ka.req.binding.subject.has_name",
        description: "When the request object refers to a cluster role binding, return true if a subject with the provided name exists. Otherwise return false",
        indexMode: .requiredKey
    ) { index, _ in
        let name = index ?? ""
        let subjectsPath = AnchoredPath("/requestObject/subjects")
        return { context in
            let found = subjectsPath.resolve(in: context).map { subjects in
                JSONValues.containsChild(of: subjects) { $0["name"]?.string.map { ByteText.equal($0, name) } == true }
            } ?? false
            return .one(.string(found ? "true" : "false"))
        }
    }
}
