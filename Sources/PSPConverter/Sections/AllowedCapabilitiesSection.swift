/// `allowedCapabilities`: emitted when capabilities are listed (psp-conversion.md §2.4.12).
enum AllowedCapabilitiesSection: PropertySection {
    static func build(_ context: ConversionContext) -> SectionOutput {
        let policy = context.policy
        guard !policy.allowedCapabilities.isEmpty else {
            return .none(field: "allowedCapabilities", setting: "none listed", reason: "as in falcoctl (PSP admission would reject adding any capability but defaultAddCapabilities)")
        }
        // Correction: `*` allows every capability, as in PSP admission (falcoctl compared it literally).
        guard !policy.allowedCapabilities.contains("*") else {
            return .none(field: "allowedCapabilities", setting: "*", reason: "every capability allowed")
        }
        // Correction: PSP admission lets containers add the defaultAddCapabilities too.
        var allowed = policy.allowedCapabilities
        for capability in policy.defaultAddCapabilities where !allowed.contains(capability) { allowed.append(capability) }
        let rendered = allowed.joined(separator: ",")
        let rule = RuleBlock.k8sAudit(context.names, "(allowedCapabilities)",
            desc: "Detect a psp validation failure for Allowed Capabilities using k8s audit logs",
            condition: "not ka.req.pod.containers.add_capabilities in (\(PolicyValue.tokens(allowed)),\"<NA>\")",
            output: "pod added capabilities outside of allowed set \"(\(rendered))\"")
        return .rules(title: "allowedCapabilities property", body: rule.render(), rules: [rule],
                      field: "allowedCapabilities", setting: allowed.joined(separator: ", "))
    }
}
