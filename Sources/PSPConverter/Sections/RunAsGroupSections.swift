/// `runAsGroup` MustRunAs (psp-conversion.md §2.4.8).
enum RunAsGroupMustRunAsSection: PropertySection {
    static func build(_ context: ConversionContext) -> SectionOutput {
        let names = context.names
        guard let strategy = context.policy.runAsGroup else {
            return .none(field: "runAsGroup", setting: "absent", reason: "any group allowed")
        }
        switch strategy.rule {
        case .mustRunAs: break
        case .mayRunAs: return .silent
        default: return .none(field: "runAsGroup", setting: strategy.rule?.rawValue ?? "no rule", reason: "any group allowed")
        }
        let rendered = RangeText.quoted(strategy.ranges)
        let audit = RuleBlock.k8sAudit(names, "(runAsGroup=MustRunAs) K8s Audit",
            desc: "Detect a psp validation failure for a runAsGroup outside of the MustRunAs allowed set using k8s audit logs",
            condition: "not (ka.req.pod.containers.eff_run_as_group in (\(rendered)))",
            // Correction: falcoctl printed the runAsUser ranges here.
            output: "runAsGroup outside of the MustRunAs allowed set. runAsGroup MustRunAs set=(\(rendered))")
        let terms = strategy.ranges.enumerated().map { index, range in
            (index > 0 ? " or " : "") + "(group.gid >= \(range.min) and group.gid <= \(range.max))"
        }.joined()
        let gids = MacroBlock(name: names.macro("allowed_gids"), condition: .verbatimFoldedLines(["   (", "     " + terms, "   )"]))
        let activity = RuleBlock(
            name: names.rule("(runAsGroup=MustRunAs) System Activity"),
            desc: .folded("Detect a psp validation failure for a runAsGroup outside of the allowed set using syscalls"),
            condition: .line("\(names.container) and evt.type in (execve, setgid) and evt.dir=< and not \(gids.name)"),
            output: .line(names.failure("runAsGroup outside of allowed set. runAsGroup set=(\(rendered)) (command=%proc.cmdline user=%user.uid gid=%group.gid container_id=%container.id images=%container.image.repository)")),
            source: .syscall)
        return .rules(title: "runAsGroup property: MustRunAs + list of gids",
                      body: [audit.render(), gids.render(), activity.render()].joined(separator: "\n"),
                      rules: [audit, activity], field: "runAsGroup", setting: "MustRunAs \(strategy.ranges.summaryText)")
    }
}

/// `runAsGroup` MayRunAs (psp-conversion.md §2.4.9): once any runAsGroup is set in the pod, every
/// container's effective gid (unset counts as 0) must be in range — falcoctl's meaning, kept.
enum RunAsGroupMayRunAsSection: PropertySection {
    static func build(_ context: ConversionContext) -> SectionOutput {
        guard let strategy = context.policy.runAsGroup, strategy.rule == .mayRunAs else { return .silent }
        let rendered = RangeText.quoted(strategy.ranges)
        let rule = RuleBlock.k8sAudit(context.names, "(runAsGroup=MayRunAs)",
            desc: "Detect a psp validation failure for a runAsGroup outside of the MayRunAs allowed set using k8s audit logs",
            condition: "not ka.req.pod.containers.eff_run_as_group in (\(rendered)) and not (ka.req.pod.containers.run_as_group in (\"<NA>\") and ka.req.pod.run_as_group=\"<NA>\")",
            output: "runAsGroup outside of the MayRunAs allowed set. runAsGroup MayRunAs set=(\(rendered))")
        return .rules(title: "runAsGroup property: MayRunAs + list of gids", body: rule.render(), rules: [rule],
                      field: "runAsGroup", setting: "MayRunAs \(strategy.ranges.summaryText)")
    }
}
