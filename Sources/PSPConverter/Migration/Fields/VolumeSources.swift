/// `allowedHostPaths`, `allowedFlexVolumes`, `allowedCSIDrivers` (§6.2 rule 13, §6.5): limits within a
/// volume type the Pod Security Standards allow or forbid as a whole. Reported when `volumes` admits the type.
extension FieldMapping {
    static let allowedHostPaths = FieldMapping(field: "allowedHostPaths") { psp in
        guard !psp.allowedHostPaths.isEmpty, admits(psp, "hostPath") else { return FieldAdvice() }
        let prefixes = psp.allowedHostPaths.map { $0.pathPrefix + ($0.readOnly ? " (read-only)" : "") }
        return FieldAdvice(notCovered: ["hostPath volumes only under \(listPhrase(prefixes)): Pod Security Standards "
            + "forbid hostPath volumes from baseline on and allow any path at privileged"])
    }

    static let allowedFlexVolumes = FieldMapping(field: "allowedFlexVolumes") { psp in
        guard !psp.allowedFlexVolumes.isEmpty, admits(psp, "flexVolume") else { return FieldAdvice() }
        return FieldAdvice(notCovered: ["flexVolume drivers only \(listPhrase(psp.allowedFlexVolumes)): restricted forbids "
            + "flexVolume volumes, baseline and privileged allow any driver"])
    }

    static let allowedCSIDrivers = FieldMapping(field: "allowedCSIDrivers") { psp in
        guard !psp.allowedCSIDrivers.isEmpty, admits(psp, "csi") else { return FieldAdvice() }
        return FieldAdvice(notCovered: ["inline CSI volumes only of the drivers \(listPhrase(psp.allowedCSIDrivers)): "
            + "every level allows any CSI driver"])
    }

    private static func admits(_ psp: PodSecurityPolicy, _ type: String) -> Bool {
        psp.volumes.contains(type) || psp.volumes.contains("*")
    }
}
