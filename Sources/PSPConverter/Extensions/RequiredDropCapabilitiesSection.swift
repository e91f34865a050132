/// `requiredDropCapabilities` (psp-conversion.md §7.7), a pspctl extension. PSP admission adds the
/// required capabilities to every container's drop list, so after mutation the only violation left is a
/// container (init containers included) that *adds* one of them.
enum RequiredDropCapabilitiesSection: PropertySection {
    static func build(_ context: ConversionContext) -> SectionOutput {
        let required = context.policy.requiredDropCapabilities
        guard !required.isEmpty else { return .silent }
        let list = PolicyValue.tokens(required)
        var operands = ["ka.req.pod.containers.add_capabilities intersects (\(list))"]
        // The added list of an init container is one JSON array value: look for each name as a JSON string.
        operands += PodPointers.initContainerSlots.map { slot in
            let added = PodPointers.value(slot + ["securityContext", "capabilities", "add"])
            return required.map { "\(added) contains \(PolicyValue.quoted("\"\($0)\""))" }.joined(separator: " or ")
        }
        let shown = required.joined(separator: ",")
        return .extensionRule(context, property: "requiredDropCapabilities", field: "requiredDropCapabilities",
            macroSuffix: "adds_required_drop_capability", check: PodPointers.anyOf(operands),
            desc: "Detect a psp validation failure for a container adding a capability it is required to drop using k8s audit logs",
            output: "pod added capabilities that must be dropped \"(\(shown))\"",
            setting: required.joined(separator: ", "))
    }
}
