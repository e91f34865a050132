/// `allowPrivilegeEscalation`: emitted only when explicitly false (psp-conversion.md §2.4.11).
/// `defaultAllowPrivilegeEscalation` is only a default and constrains nothing.
enum AllowPrivilegeEscalationSection: PropertySection {
    static func build(_ context: ConversionContext) -> SectionOutput {
        let names = context.names, setting = context.policy.allowPrivilegeEscalation
        guard setting == false else {
            return .none(field: "allowPrivilegeEscalation", setting: setting.summaryText, reason: "privilege escalation allowed")
        }
        let macro = MacroBlock(name: names.macro("allow_privilege_escalation"),
                               condition: .line("(ka.req.pod.containers.allow_privilege_escalation intersects (true))"))
        let rule = RuleBlock.k8sAudit(names, "(allowPrivilegeEscalation)",
            desc: "Detect a psp validation failure for allowPrivilegeEscalation using k8s audit logs",
            condition: macro.name,
            output: "pod with allowPrivilegeEscalation=true")
        return .rules(title: "allowPrivilegeEscalation property", body: "\n" + macro.render() + "\n" + rule.render(),
                      rules: [rule], field: "allowPrivilegeEscalation", setting: "false")
    }
}
