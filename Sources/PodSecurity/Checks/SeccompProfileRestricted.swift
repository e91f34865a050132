/// `seccompProfile_restricted` (restricted, v1.19 and v1.25; overrides `seccompProfile_baseline`): the pod
/// or every container must set a `RuntimeDefault` or `Localhost` profile; from v1.25 Windows pods are exempt.
let seccompProfileRestrictedCheck = PodSecurityCheck(
    id: "seccompProfile_restricted", level: .restricted, control: "Seccomp",
    summary: "Seccomp profile must be explicitly set to RuntimeDefault or Localhost; Unconfined and an unset profile are forbidden.",
    versions: [
        VersionedCheck(.v(1, 19), overrides: ["seccompProfile_baseline"], seccompProfileRestricted_1_19),
        VersionedCheck(.v(1, 25), overrides: ["seccompProfile_baseline"], skippingWindowsPods(seccompProfileRestricted_1_19)),
    ])

private func seccompProfileRestricted_1_19(_ metadata: PodMetadata, _ spec: PodSpec) -> CheckResult {
    let findings = judgeSeccompProfiles(spec, inherited: true)
    // Explicit violations hide the implicit ones.
    if findings.hasExplicitlyBad { return forbiddenSeccompTypes(findings) }
    guard !findings.implicitlyBadContainers.isEmpty else { return .allowed }
    return .forbidden("seccompProfile", "pod or \(containersPhrase(findings.implicitlyBadContainers)) must set "
        + "securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\"")
}
