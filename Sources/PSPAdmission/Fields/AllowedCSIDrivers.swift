import PodSecurity
import PSPConverter

// allowedCSIDrivers (an empty list admits any driver): an inline csi volume's driver must be listed exactly
// (CSIInlineVolume is on by default in 1.16–1.24). PVC-backed and generic ephemeral volumes are not affected.
extension Validation {
    func validateCSIDriver(_ volume: Volume, path: FieldPath) -> [FieldError] {
        let driver = volume.csiDriver ?? ""
        guard !policy.allowedCSIDrivers.isEmpty, !policy.allowedCSIDrivers.contains(driver) else { return [] }
        return [.invalid(path.child("csi").child("driver"), .string(driver), "Inline CSI driver is not allowed to be used")]
    }
}
