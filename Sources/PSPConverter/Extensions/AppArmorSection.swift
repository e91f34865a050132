/// AppArmor profile annotations of the PSP (psp-conversion.md §7.4), a pspctl extension, emitted when
/// `allowedProfileNames` is present. A container's profile is the pod annotation
/// `container.apparmor.security.beta.kubernetes.io/<container name>`; no Falco 0.31.1 field can join a
/// container to an annotation keyed by its name, so the rule reads pspctl's field
/// `ka.req.pod.containers.apparmor_profile` and carries `skip-if-unknown-filter: true`: Falco 0.31.1
/// (or an engine without the field) skips this one rule with a warning and loads the rest.
enum AppArmorSection: PropertySection {
    static let profileField = "ka.req.pod.containers.apparmor_profile"

    static func build(_ context: ConversionContext) -> SectionOutput {
        let annotations = context.policy.appArmor
        guard let listed = annotations.allowed, let allowedText = annotations.allowedText else { return .silent }
        // An empty profile is never allowed; an unset or empty one gets the default, if the PSP has one.
        var accepted = listed.filter { !$0.isEmpty }
        if !annotations.defaultProfile.isEmpty, accepted.contains(annotations.defaultProfile) {
            accepted = ["<NA>", ""] + accepted
        }
        // The check stays in the rule (no macro): a skipped rule must be the only item naming the field.
        let rule = RuleBlock.k8sAudit(context.names, "(apparmor)",
            desc: "Detect a psp validation failure for an AppArmor profile outside of the allowed set using k8s audit logs",
            condition: "not \(profileField) in \(PodPointers.quotedList(accepted))",
            output: "AppArmor profile outside of allowed set (\(allowedText))",
            skipIfUnknownFilter: true)
        var output = SectionOutput.rules(title: "apparmor property (pspctl extension)", body: rule.render(), rules: [rule],
                                         field: "apparmor", setting: "allowedProfileNames \(allowedText)")
        output.summary.append("note: the apparmor rule reads \(profileField) (pspctl); Falco 0.31.1 skips it (skip-if-unknown-filter)")
        return output
    }
}
