/// `allowedCSIDrivers` (psp-conversion.md §7.6), a pspctl extension mirroring allowedFlexVolumes: an
/// inline `csi` volume whose driver is not listed fires.
enum AllowedCSIDriversSection: PropertySection {
    static func build(_ context: ConversionContext) -> SectionOutput {
        let drivers = context.policy.allowedCSIDrivers
        guard !drivers.isEmpty else { return .silent }
        let check = PodPointers.anyOf((0..<PodPointers.volumes).map { slot in
            let driver = PodPointers.value(PodPointers.spec + ["volumes", String(slot), "csi", "driver"])
            return "not \(driver) in \(PodPointers.quotedList(["<NA>"] + drivers))"
        })
        let shown = drivers.joined(separator: ",")
        return .extensionRule(context, property: "allowedCSIDrivers", field: "allowedCSIDrivers",
            macroSuffix: "csi_driver_not_allowed", check: check,
            desc: "Detect a psp validation failure for an inline CSI driver outside of the allowed set using k8s audit logs",
            output: "inline CSI driver outside of allowed set (\(shown))",
            setting: drivers.joined(separator: ", "))
    }
}
