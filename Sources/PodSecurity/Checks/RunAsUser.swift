/// `runAsUser` (restricted, v1.23 and v1.35): neither the pod nor a container may set `runAsUser: 0`;
/// from v1.35 pods in a user namespace are exempt.
let runAsUserCheck = PodSecurityCheck(
    id: "runAsUser", level: .restricted, control: "Running as Non-root user",
    summary: "Containers must not set runAsUser to 0.",
    versions: [
        VersionedCheck(.v(1, 23), runAsUser_1_23),
        VersionedCheck(.v(1, 35), skippingUserNamespacePods(runAsUser_1_23)),
    ])

private func runAsUser_1_23(_ metadata: PodMetadata, _ spec: PodSpec) -> CheckResult {
    let findings = judgeSetting(pod: spec.securityContext?.shared.runAsUser, in: spec,
                                container: { $0.securityContext?.shared.runAsUser }, isValid: { $0 != 0 })
    guard findings.hasExplicitlyBad else { return .allowed }
    return .forbidden("runAsUser=0", "\(findings.setters) must not set runAsUser=0")
}
