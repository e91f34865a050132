/// `procMount` (baseline, v1.0 and v1.35): containers must use the default `/proc` mask; from v1.35 pods
/// in a user namespace may use any.
let procMountCheck = PodSecurityCheck(
    id: "procMount", level: .baseline, control: "/proc Mount Type",
    summary: "The default /proc masks are set up to reduce attack surface, and should be required.",
    versions: [
        VersionedCheck(.v(1, 0), procMount_1_0),
        VersionedCheck(.v(1, 35), skippingUserNamespacePods(procMount_1_0)),
    ])

/// `procMount_restricted` (restricted, v1.35; overrides `procMount`): the v1.0 rule without the
/// user-namespace relaxation.
let procMountRestrictedCheck = PodSecurityCheck(
    id: "procMount_restricted", level: .restricted, control: "/proc Mount Type",
    summary: "The default /proc masks are required, even for pods in a user namespace.",
    versions: [VersionedCheck(.v(1, 35), overrides: ["procMount"], procMount_1_0)])

private func procMount_1_0(_ metadata: PodMetadata, _ spec: PodSpec) -> CheckResult {
    // An explicitly empty procMount is forbidden too: only the literal `Default` passes.
    let findings = judgeSetting(pod: nil, in: spec, container: { $0.securityContext?.procMount },
                                isValid: { $0 == "Default" })
    guard findings.hasExplicitlyBad else { return .allowed }
    return .forbidden("procMount", "\(containersPhrase(findings.badContainerNames)) must not set "
        + "securityContext.procMount to \(joinQuote(sortedDistinct(findings.badValues)))")
}
