/// `hostPorts`: emitted when ranges are listed (psp-conversion.md §2.4.3). falcoctl emits nothing for
/// an empty list although PSP admission then rejects every host port; that choice is kept.
enum HostPortsSection: PropertySection {
    static func build(_ context: ConversionContext) -> SectionOutput {
        let ranges = context.policy.hostPorts
        guard !ranges.isEmpty else {
            return .none(field: "hostPorts", setting: "none listed", reason: "as in falcoctl (PSP admission would reject every host port)")
        }
        let rendered = RangeText.quoted(ranges)
        let rule = RuleBlock.k8sAudit(context.names, "(hostPorts)",
            desc: "Detect a psp validation failure for a hostnetwork port outside of the allowed set using k8s audit logs",
            condition: "not ka.req.pod.containers.host_port in (\(rendered),\"<NA>\")",
            output: "hostnetwork port outside of allowed ranges (\(rendered))")
        return .rules(title: "hostPorts ranges", body: rule.render(), rules: [rule],
                      field: "hostPorts", setting: ranges.summaryText)
    }
}
