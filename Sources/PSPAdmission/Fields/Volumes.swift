import PodSecurity
import PSPConverter

// volumes: each pod volume's type must be listed (`*` = all; an empty list admits no volume). A projected
// volume holding only the service-account token Kubernetes injects passes where `secret` is allowed.
// An admitted hostPath, flexVolume or csi volume is then checked against allowedHostPaths,
// allowedFlexVolumes and allowedCSIDrivers.
enum VolumeType {
    /// PSP's FSType of each volume source key, in the order Kubernetes tests them (`GetVolumeFSType`);
    /// only `cephfs` is spelled differently (`cephFS`).
    static let types: [(key: String, fsType: String)] = [
        ("hostPath", "hostPath"), ("emptyDir", "emptyDir"), ("gcePersistentDisk", "gcePersistentDisk"),
        ("awsElasticBlockStore", "awsElasticBlockStore"), ("gitRepo", "gitRepo"), ("secret", "secret"), ("nfs", "nfs"),
        ("iscsi", "iscsi"), ("glusterfs", "glusterfs"), ("persistentVolumeClaim", "persistentVolumeClaim"), ("rbd", "rbd"),
        ("flexVolume", "flexVolume"), ("cinder", "cinder"), ("cephfs", "cephFS"), ("flocker", "flocker"),
        ("downwardAPI", "downwardAPI"), ("fc", "fc"), ("azureFile", "azureFile"), ("configMap", "configMap"),
        ("vsphereVolume", "vsphereVolume"), ("quobyte", "quobyte"), ("azureDisk", "azureDisk"),
        ("photonPersistentDisk", "photonPersistentDisk"), ("storageos", "storageos"), ("projected", "projected"),
        ("portworxVolume", "portworxVolume"), ("scaleIO", "scaleIO"), ("csi", "csi"), ("ephemeral", "ephemeral"),
    ]

    /// The FSType of a volume; nil when it has no known source.
    static func of(_ volume: Volume) -> String? {
        types.first { volume.sources.contains($0.key) }?.fsType
    }
}

extension Validation {
    mutating func validateVolumes() {
        let allowsAll = policy.volumes.contains("*")
        let allowed = Set(policy.volumes)
        for (index, volume) in pod.spec.volumes.enumerated() {
            let path = FieldPath("spec.volumes").index(index)
            let fsType = VolumeType.of(volume) ?? "emptyDir"
            let admitted = allowsAll || allowed.contains(fsType)
                || (fsType == "projected" && allowed.contains("secret") && volume.projectsOnlyServiceAccountToken)
            guard admitted else {
                add("volumes", [.invalid(path, .string(fsType), "\(fsType) volumes are not allowed to be used")])
                continue
            }
            switch fsType {
            case "hostPath": validateHostPath(volume, path: path)
            case "flexVolume": add("allowedFlexVolumes", validateFlexVolume(volume, path: path))
            case "csi": add("allowedCSIDrivers", validateCSIDriver(volume, path: path))
            default: break
            }
        }
    }
}
