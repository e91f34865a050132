/// `fsGroup`: emitted unless the rule is exactly RunAsAny (psp-conversion.md §2.4.4). With no rule
/// falcoctl still emits the section, but both macros are always true so the rule never fires; kept so
/// that files overriding the rule by name keep loading.
enum FSGroupSection: PropertySection {
    static func build(_ context: ConversionContext) -> SectionOutput {
        let names = context.names, strategy = context.policy.fsGroup
        let rule = strategy?.rule
        guard rule != .runAsAny else { return .none(field: "fsGroup", setting: "RunAsAny", reason: "any fsGroup allowed") }
        let ranges = strategy?.ranges ?? []
        let rendered = RangeText.quoted(ranges)
        let alwaysTrue = "(\(names.macro("ka_always_true")))"
        let must = MacroBlock(name: names.macro("fs_group_must_run_matches"),
                              condition: .line(rule == .mustRunAs ? "ka.req.pod.fs_group in (\(rendered))" : alwaysTrue))
        let may = MacroBlock(name: names.macro("fs_group_may_run_matches"),
                             condition: .line(rule == .mayRunAs ? "ka.req.pod.fs_group in (\(rendered),\"<NA>\")" : alwaysTrue))
        let both = MacroBlock(name: names.macro("fs_group"), condition: .line("(\(must.name) and \(may.name))"))
        let ruleBlock = RuleBlock.k8sAudit(names, "(fsGroup)",
            desc: "Detect a psp validation failure for a fsGroup gid outside of the allowed set using k8s audit logs",
            condition: "not \(both.name)",
            output: "fsGroup outside of allowed set. Rule=\(rule?.rawValue ?? "") ranges= (\(rendered))")
        let body = [must.render(), may.render(), both.render(), ruleBlock.render()].joined(separator: "\n")
        var output = SectionOutput.rules(title: "fsGroup property", body: body, rules: [ruleBlock], field: "fsGroup",
                                         setting: rule.map { "\($0.rawValue) \(ranges.summaryText)" } ?? "no rule")
        if rule == nil {
            output.summary[0] += " (inert: never fires without a rule, as in falcoctl)"
        }
        return output
    }
}
