/// `ka.req.role.rules.apiGroups` / `nonResourceURLs` / `verbs` / `resources` (§2.4.10): the attribute of
/// every rule of `/requestObject/rules`, flattened.
enum RoleRuleFields {
    static let specs: [FieldSpec] = [
        field("apiGroups", "When the request object refers to a role/cluster role, the api groups associated with the role's rules."),
        field("nonResourceURLs", "When the request object refers to a role/cluster role, the non resource urls associated with the role's rules."),
        field("verbs", "When the request object refers to a role/cluster role, the verbs associated with the role's rules."),
        field("resources", "When the request object refers to a role/cluster role, the resources associated with the role's rules."),
    ]

    private static let rulesPath = AnchoredPath("/requestObject/rules")

    private static func field(_ attribute: String, _ description: String) -> FieldSpec {
        FieldSpec(name: "ka.req.role.rules." + attribute, description: description, indexMode: .optionalNumeric) { context in
            guard let rules = rulesPath.resolve(in: context) else { return .failure }
            var values = ValueAccumulator()
            JSONValues.visitChildren(of: rules) { rule in
                guard let value = rule[attribute] else { return true }
                JSONValues.visitChildren(of: value) { item in values.append(JSONValues.value(of: item)); return true }
                return true
            }
            return values.values
        }
    }
}
