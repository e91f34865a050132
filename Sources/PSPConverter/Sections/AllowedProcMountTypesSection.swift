/// `allowedProcMountTypes`: emitted when types are listed (psp-conversion.md §2.4.12); a container that
/// sets no procMount does not fire.
enum AllowedProcMountTypesSection: PropertySection {
    static func build(_ context: ConversionContext) -> SectionOutput {
        let types = context.policy.allowedProcMountTypes
        guard !types.isEmpty else { return .silent }
        let rendered = types.joined(separator: ",")
        let rule = RuleBlock.k8sAudit(context.names, "(allowedProcMountTypes)",
            desc: "Detect a psp validation failure for Allowed Proc Mount Types using k8s audit logs",
            condition: "not ka.req.pod.containers.proc_mount in (\(PolicyValue.tokens(types)),\"<NA>\")",
            output: "pod with proc mounts outside of allowed set \"(\(rendered))\"")
        return .rules(title: "allowedProcMountTypes property", body: rule.render(), rules: [rule],
                      field: "allowedProcMountTypes", setting: types.joined(separator: ", "))
    }
}
