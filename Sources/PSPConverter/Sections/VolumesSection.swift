/// `volumes`: emitted when types are listed (psp-conversion.md §2.4.3).
enum VolumesSection: PropertySection {
    static func build(_ context: ConversionContext) -> SectionOutput {
        let volumes = context.policy.volumes
        guard !volumes.isEmpty else {
            return .none(field: "volumes", setting: "none listed", reason: "as in falcoctl (PSP admission would reject every volume)")
        }
        // Correction: `*` allows every volume type, as in PSP admission (falcoctl compared it literally).
        guard !volumes.contains("*") else {
            return .none(field: "volumes", setting: "*", reason: "every volume type allowed")
        }
        // Correction: the FSType `cephFS` is the pod volume key `cephfs`; the condition compares pod keys.
        let podKeys = volumes.map { $0 == "cephFS" ? "cephfs" : $0 }
        let rule = RuleBlock.k8sAudit(context.names, "(volumes)",
            desc: "Detect a psp validation failure for a volume type outside of the allowed set using k8s audit logs",
            condition: "not ka.req.pod.volumes.volume_type in (\(PolicyValue.tokens(podKeys)),\"<NA>\")",
            output: "volume type outside of allowed set (\(volumes.joined(separator: ",")))")
        return .rules(title: "volumes property", body: rule.render(), rules: [rule],
                      field: "volumes", setting: volumes.joined(separator: ", "))
    }
}
