/// `seccompProfile_baseline` (baseline): v1.0 judges only the seccomp annotations, v1.19 only the
/// `seccompProfile` fields; an unset profile is fine, `Unconfined` is not.
let seccompProfileBaselineCheck = PodSecurityCheck(
    id: "seccompProfile_baseline", level: .baseline, control: "Seccomp",
    summary: "Seccomp profile must not be explicitly set to Unconfined.",
    versions: [
        VersionedCheck(.v(1, 0), seccompProfileBaseline_1_0),
        VersionedCheck(.v(1, 19), seccompProfileBaseline_1_19),
    ])

private let podAnnotationKey = "seccomp.security.alpha.kubernetes.io/pod"
private let containerAnnotationKeyPrefix = "container.seccomp.security.alpha.kubernetes.io/"

private func seccompProfileBaseline_1_0(_ metadata: PodMetadata, _ spec: PodSpec) -> CheckResult {
    // Annotations of names that are not containers of this pod are ignored.
    let keys = [podAnnotationKey] + spec.allContainers.map { containerAnnotationKeyPrefix + $0.name }
    let forbidden = sortedDistinct(keys.compactMap { key -> String? in
        guard let value = metadata.annotations[key],
              !(value == "runtime/default" || value == "docker/default" || value.hasPrefix("localhost/")) else { return nil }
        return "\(key)=\(goQuote(value))"
    })
    guard !forbidden.isEmpty else { return .allowed }
    return .forbidden("seccompProfile",
                      "forbidden \(pluralize("annotation", "annotations", forbidden.count)) \(forbidden.joined(separator: ", "))")
}

private func seccompProfileBaseline_1_19(_ metadata: PodMetadata, _ spec: PodSpec) -> CheckResult {
    let findings = judgeSeccompProfiles(spec, inherited: false)
    guard findings.hasExplicitlyBad else { return .allowed }
    return forbiddenSeccompTypes(findings)
}

/// Pod- and container-level `seccompProfile.type` findings; with `inherited`, containers without a
/// profile are implicitly bad unless the pod sets a valid one.
func judgeSeccompProfiles(_ spec: PodSpec, inherited: Bool) -> SettingFindings<String> {
    let pod = spec.securityContext?.shared.seccompProfileType
    let container = { (container: Container) in container.securityContext?.shared.seccompProfileType }
    let isValid = { (type: String) in type == "RuntimeDefault" || type == "Localhost" }
    return inherited ? judgeInheritedSetting(pod: pod, in: spec, container: container, isValid: isValid)
        : judgeSetting(pod: pod, in: spec, container: container, isValid: isValid)
}

func forbiddenSeccompTypes(_ findings: SettingFindings<String>) -> CheckResult {
    .forbidden("seccompProfile", "\(findings.setters) must not set securityContext.seccompProfile.type to "
        + joinQuote(sortedDistinct(findings.badValues)))
}
