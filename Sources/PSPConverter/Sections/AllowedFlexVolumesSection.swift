/// `allowedFlexVolumes`: emitted when drivers are listed (psp-conversion.md §2.4.3).
enum AllowedFlexVolumesSection: PropertySection {
    static func build(_ context: ConversionContext) -> SectionOutput {
        let drivers = context.policy.allowedFlexVolumes
        guard !drivers.isEmpty else { return .silent }
        let rule = RuleBlock.k8sAudit(context.names, "(allowedFlexVolumes)",
            desc: "Detect a psp validation failure for a FlexVolume driver outside of the allowed set using k8s audit logs",
            condition: "not ka.req.pod.volumes.flexvolume_driver in (\(PolicyValue.tokens(drivers)),\"<NA>\")",
            output: "Flexvolume driver outside of allowed set (\(drivers.joined(separator: ",")))")
        return .rules(title: "allowedFlexVolumes property", body: rule.render(), rules: [rule],
                      field: "allowedFlexVolumes", setting: drivers.joined(separator: ", "))
    }
}
