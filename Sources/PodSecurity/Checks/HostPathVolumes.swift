/// `hostPathVolumes` (baseline, v1.0): no `hostPath` volume.
let hostPathVolumesCheck = PodSecurityCheck(
    id: "hostPathVolumes", level: .baseline, control: "HostPath Volumes",
    summary: "HostPath volumes must be forbidden.",
    versions: [VersionedCheck(.v(1, 0), hostPathVolumes_1_0)])

private func hostPathVolumes_1_0(_ metadata: PodMetadata, _ spec: PodSpec) -> CheckResult {
    let bad = spec.volumes.filter { $0.sources.contains("hostPath") }.map(\.name)
    guard !bad.isEmpty else { return .allowed }
    return .forbidden("hostPath volumes", "\(pluralize("volume", "volumes", bad.count)) \(joinQuote(bad))")
}
