/// `windowsHostProcess` (baseline, v1.0): neither the pod nor a container may be a HostProcess one,
/// whatever `spec.os.name` says.
let windowsHostProcessCheck = PodSecurityCheck(
    id: "windowsHostProcess", level: .baseline, control: "HostProcess",
    summary: "Windows HostProcess containers give privileged access to the Windows host and must be disallowed.",
    versions: [VersionedCheck(.v(1, 0), windowsHostProcess_1_0)])

private func windowsHostProcess_1_0(_ metadata: PodMetadata, _ spec: PodSpec) -> CheckResult {
    let findings = judgeSetting(pod: spec.securityContext?.shared.windowsHostProcess, in: spec,
                                container: { $0.securityContext?.shared.windowsHostProcess }, isValid: { !$0 })
    guard findings.hasExplicitlyBad else { return .allowed }
    return .forbidden("hostProcess", "\(findings.setters) must not set securityContext.windowsOptions.hostProcess=true")
}
