/// `allowedHostPaths`: emitted when prefixes are listed (psp-conversion.md §2.4.3). `readOnly` is not
/// checked (it constrains volume mounts, which no audit field joins to their volume).
enum AllowedHostPathsSection: PropertySection {
    static func build(_ context: ConversionContext) -> SectionOutput {
        let paths = context.policy.allowedHostPaths.map(\.pathPrefix)
        guard !paths.isEmpty else { return .silent }
        let rule = RuleBlock.k8sAudit(context.names, "(allowedHostPaths)",
            desc: "Detect a psp validation failure for a hostPath volume with a path outside of the allowed set using k8s audit logs",
            condition: "not ka.req.pod.volumes.hostpath pmatch (\(PolicyValue.tokens(paths)),\"<NA>\")",
            output: "hostPath volume mounting path outside of allowed set (\(paths.joined(separator: ",")))")
        var output = SectionOutput.rules(title: "allowedHostPaths property", body: rule.render(), rules: [rule],
                                         field: "allowedHostPaths", setting: paths.joined(separator: ", "))
        if context.policy.allowedHostPaths.contains(where: \.readOnly) {
            output.summary.append("warning: allowedHostPaths readOnly is not checked (no audit field joins volume mounts to their volume)")
        }
        return output
    }
}
