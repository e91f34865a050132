/// `runtimeClass` (psp-conversion.md §7.5), a pspctl extension, emitted unless `*` is allowed: a pod
/// naming a runtime class outside `allowedRuntimeClassNames` fires; a pod naming none gets the
/// default and passes.
enum RuntimeClassSection: PropertySection {
    static func build(_ context: ConversionContext) -> SectionOutput {
        guard let allowed = context.policy.allowedRuntimeClassNames else { return .silent }
        guard !allowed.contains("*") else {
            return .none(field: "runtimeClass", setting: "*", reason: "any runtime class allowed")
        }
        let name = PodPointers.value(PodPointers.spec + ["runtimeClassName"])
        let shown = allowed.joined(separator: ",")
        return .extensionRule(context, property: "runtimeClass", field: "runtimeClass", macroSuffix: "runtime_class_not_allowed",
            check: ["not \(name) in \(PodPointers.quotedList(["<NA>"] + allowed))"],
            desc: "Detect a psp validation failure for a runtimeClassName outside of the allowed set using k8s audit logs",
            output: "runtimeClassName outside of allowed set (\(shown))",
            setting: allowed.isEmpty ? "no runtime class allowed" : allowed.joined(separator: ", "))
    }
}
