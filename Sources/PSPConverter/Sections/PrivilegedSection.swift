/// `privileged`: emitted unless the PSP allows privileged containers (psp-conversion.md §2.4.1).
enum PrivilegedSection: PropertySection {
    static func build(_ context: ConversionContext) -> SectionOutput {
        let names = context.names, privileged = context.policy.privileged
        guard privileged != true else {
            return .none(field: "privileged", setting: "true", reason: "privileged containers allowed")
        }
        let audit = RuleBlock.k8sAudit(names, "(privileged) K8s Audit",
            desc: "Detect a psp validation failure for a privileged pod using k8s audit logs",
            condition: "ka.req.pod.containers.privileged intersects (true)",
            output: "pod with privileged=true")
        let activity = RuleBlock(
            name: names.rule("(privileged) System Activity"),
            desc: .plain("Detect a psp validation failure for a privileged pod using syscalls"),
            condition: .line("\(names.container) and evt.type=container and container.privileged intersects (true)"),
            output: .line(names.failure("container with privileged=true created (user=%user.name command=%proc.cmdline %container.info images=%container.image.repository:%container.image.tag)")),
            source: .syscall)
        return .rules(title: "privileged property", body: audit.render() + "\n" + activity.render() + "\n",
                      rules: [audit, activity], field: "privileged", setting: privileged.summaryText)
    }
}
