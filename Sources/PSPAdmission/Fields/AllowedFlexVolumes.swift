import PodSecurity
import PSPConverter

// allowedFlexVolumes (an empty list admits any driver): a flexVolume's driver must be listed exactly.
extension Validation {
    func validateFlexVolume(_ volume: Volume, path: FieldPath) -> [FieldError] {
        let driver = volume.flexVolumeDriver ?? ""
        guard !policy.allowedFlexVolumes.isEmpty, !policy.allowedFlexVolumes.contains(driver) else { return [] }
        return [.invalid(path.child("driver"), .string(driver), "Flexvolume driver is not allowed to be used")]
    }
}
