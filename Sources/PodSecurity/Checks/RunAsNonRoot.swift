/// `runAsNonRoot` (restricted, v1.0 and v1.35): the pod or every container must set `runAsNonRoot: true`
/// and none may set it false; from v1.35 pods in a user namespace are exempt.
let runAsNonRootCheck = PodSecurityCheck(
    id: "runAsNonRoot", level: .restricted, control: "Running as Non-root",
    summary: "Containers must be required to run as non-root users (runAsNonRoot: true).",
    versions: [
        VersionedCheck(.v(1, 0), runAsNonRoot_1_0),
        VersionedCheck(.v(1, 35), skippingUserNamespacePods(runAsNonRoot_1_0)),
    ])

private func runAsNonRoot_1_0(_ metadata: PodMetadata, _ spec: PodSpec) -> CheckResult {
    let findings = judgeInheritedSetting(pod: spec.securityContext?.shared.runAsNonRoot, in: spec,
                                         container: { $0.securityContext?.shared.runAsNonRoot }, isValid: { $0 })
    // Explicit violations hide the implicit ones.
    if findings.hasExplicitlyBad {
        return .forbidden("runAsNonRoot != true", "\(findings.setters) must not set securityContext.runAsNonRoot=false")
    }
    guard !findings.implicitlyBadContainers.isEmpty else { return .allowed }
    return .forbidden("runAsNonRoot != true",
                      "pod or \(containersPhrase(findings.implicitlyBadContainers)) must set securityContext.runAsNonRoot=true")
}
