/// `readOnlyRootFilesystem`: emitted when true (psp-conversion.md §2.4.5).
enum ReadOnlyRootFilesystemSection: PropertySection {
    static func build(_ context: ConversionContext) -> SectionOutput {
        let names = context.names
        guard context.policy.readOnlyRootFilesystem == true else { return .silent }
        let audit = RuleBlock.k8sAudit(names, "(readOnlyRootFilesystem) K8s Audit",
            desc: "Detect a psp validation failure for a readOnlyRootFilesystem pod using k8s audit logs",
            condition: "not ka.req.pod.containers.read_only_fs in (true)",
            output: "pod without readOnlyRootFilesystem=true")
        let activity = RuleBlock(
            name: names.rule("(readOnlyRootFilesystem) System Activity"),
            desc: .folded("Detect a psp validation failure for a readOnlyRootFilesystem pod using syscalls"),
            condition: .line("\(names.container) and \(names.macro("open_write"))"),
            output: .foldedLines([
                names.failure("write in container with readOnlyRootFilesystem=true"),
                "(user=%user.name command=%proc.cmdline file=%fd.name parent=%proc.pname container_id=%container.id images=%container.image.repository)",
            ]),
            source: .syscall)
        return .rules(title: "readOnlyRootFilesystem property", body: audit.render() + "\n" + activity.render(),
                      rules: [audit, activity], field: "readOnlyRootFilesystem", setting: "true")
    }
}
