/// `runAsUser` MustRunAs (psp-conversion.md §2.4.6).
enum RunAsUserMustRunAsSection: PropertySection {
    static func build(_ context: ConversionContext) -> SectionOutput {
        let names = context.names
        guard let strategy = context.policy.runAsUser else {
            return .none(field: "runAsUser", setting: "absent", reason: "any user allowed")
        }
        switch strategy.rule {
        case .mustRunAs: break
        case .mustRunAsNonRoot: return .silent
        default: return .none(field: "runAsUser", setting: strategy.rule?.rawValue ?? "no rule", reason: "any user allowed")
        }
        let rendered = RangeText.quoted(strategy.ranges)
        let audit = RuleBlock.k8sAudit(names, "(runAsUser=MustRunAs) K8s Audit",
            desc: "Detect a psp validation failure for a runAsUser outside of the allowed set using k8s audit logs",
            condition: "not (ka.req.pod.containers.eff_run_as_user in (\(rendered)))",
            // Correction: falcoctl glued a debug field (`FOO=%ka.req.pod.containers.eff_run_as_user`) to the spec.
            output: "runAsUser outside of allowed set. runAsUser set=(\(rendered))")
        let terms = strategy.ranges.enumerated().map { index, range in
            " " + (index > 0 ? " or " : "") + "(user.uid >= \(range.min) and user.uid <= \(range.max))"
        }.joined()
        let uids = MacroBlock(name: names.macro("allowed_uids"), condition: .verbatimFoldedLines(["   (", "     " + terms, "   )"]))
        let activity = RuleBlock(
            name: names.rule("(runAsUser=MustRunAs) System Activity"),
            desc: .folded("Detect a psp validation failure for a runAsUser outside of the allowed set using syscalls"),
            condition: .line("\(names.container) and evt.type in (execve, setuid) and evt.dir=< and not \(uids.name)"),
            output: .line(names.failure("runAsUser outside of allowed set. runAsUser set=(\(rendered)) (command=%proc.cmdline uid=%user.uid container_id=%container.id images=%container.image.repository)")),
            source: .syscall)
        return .rules(title: "runAsUser property: MustRunAs + list of uids",
                      body: [audit.render(), uids.render(), activity.render()].joined(separator: "\n"),
                      rules: [audit, activity], field: "runAsUser", setting: "MustRunAs \(strategy.ranges.summaryText)")
    }
}

/// `runAsUser` MustRunAsNonRoot (psp-conversion.md §2.4.7). A pod that sets no user fires too: its
/// effective uid counts as 0 (PSP admission would have added `runAsNonRoot: true` instead).
enum RunAsUserMustRunAsNonRootSection: PropertySection {
    static func build(_ context: ConversionContext) -> SectionOutput {
        let names = context.names
        guard context.policy.runAsUser?.rule == .mustRunAsNonRoot else { return .silent }
        let audit = RuleBlock.k8sAudit(names, "(runAsUser=MustRunAsNonRoot) K8s Audit",
            desc: "Detect a psp validation failure for a uid=0 runAsUser when MustRunAsNonRoot is set using k8s audit logs",
            condition: "(ka.req.pod.containers.eff_run_as_user intersects (\"0:0\"))",
            output: "uid 0 runAsUser when MustRunAsNonRoot is set")
        let activity = RuleBlock(
            name: names.rule("(runAsUser=MustRunAsNonRoot) System Activity"),
            desc: .folded("Detect a psp validation failure for a uid=0 user when MustRunAsNonRoot is set using syscalls"),
            condition: .line("\(names.container) and evt.type in (execve, setuid) and evt.dir=< and user.uid=0"),
            output: .line(names.failure("root user when MustRunAsNonRoot is set (command=%proc.cmdline uid=%user.uid container_id=%container.id images=%container.image.repository)")),
            source: .syscall)
        return .rules(title: "runAsUser property: MustRunAsNonRoot", body: audit.render() + "\n" + activity.render(),
                      rules: [audit, activity], field: "runAsUser", setting: "MustRunAsNonRoot")
    }
}
