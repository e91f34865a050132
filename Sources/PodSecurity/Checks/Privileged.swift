/// `privileged` (baseline, v1.0): no container may set `securityContext.privileged=true`.
let privilegedCheck = PodSecurityCheck(
    id: "privileged", level: .baseline, control: "Privileged Containers",
    summary: "Privileged Pods disable most security mechanisms and must be disallowed.",
    versions: [VersionedCheck(.v(1, 0), privileged_1_0)])

private func privileged_1_0(_ metadata: PodMetadata, _ spec: PodSpec) -> CheckResult {
    let bad = spec.containerNames { $0.securityContext?.privileged == true }
    guard !bad.isEmpty else { return .allowed }
    return .forbidden("privileged", "\(containersPhrase(bad)) must not set securityContext.privileged=true")
}
