/// `restrictedVolumes` (restricted, v1.0; overrides `hostPathVolumes`): only ephemeral and projected
/// kinds of volume.
let restrictedVolumesCheck = PodSecurityCheck(
    id: "restrictedVolumes", level: .restricted, control: "Volume Types",
    summary: "Only configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected and secret volumes are allowed.",
    versions: [VersionedCheck(.v(1, 0), overrides: ["hostPathVolumes"], restrictedVolumes_1_0)])

private let allowedSources: Set<String> = [
    "configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "image", "persistentVolumeClaim", "projected", "secret",
]

/// The label of a forbidden volume is the first of these it sets, else `unknown`.
private let labelledSources = [
    "hostPath", "gcePersistentDisk", "awsElasticBlockStore", "gitRepo", "nfs", "iscsi", "glusterfs", "rbd",
    "flexVolume", "cinder", "cephfs", "flocker", "fc", "azureFile", "vsphereVolume", "quobyte", "azureDisk",
    "photonPersistentDisk", "portworxVolume", "scaleIO", "storageos",
]

private func restrictedVolumes_1_0(_ metadata: PodMetadata, _ spec: PodSpec) -> CheckResult {
    // A volume with any allowed source is not inspected further.
    let bad = spec.volumes.filter { allowedSources.isDisjoint(with: $0.sources) }
    guard !bad.isEmpty else { return .allowed }
    let labels = sortedDistinct(bad.map { volume in labelledSources.first(where: volume.sources.contains) ?? "unknown" })
    return .forbidden("restricted volume types",
                      "\(pluralize("volume", "volumes", bad.count)) \(joinQuote(bad.map(\.name))) "
                      + "\(pluralize("uses", "use", bad.count)) "
                      + "\(pluralize("restricted volume type", "restricted volume types", labels.count)) \(joinQuote(labels))")
}
