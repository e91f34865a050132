/// `allowPrivilegeEscalation` (restricted, v1.8 and v1.25): every container must set
/// `allowPrivilegeEscalation: false`; from v1.25 Windows pods are exempt.
let allowPrivilegeEscalationCheck = PodSecurityCheck(
    id: "allowPrivilegeEscalation", level: .restricted, control: "Privilege Escalation",
    summary: "Privilege escalation (such as via set-user-ID or set-group-ID file mode) must not be allowed.",
    versions: [
        VersionedCheck(.v(1, 8), allowPrivilegeEscalation_1_8),
        VersionedCheck(.v(1, 25), skippingWindowsPods(allowPrivilegeEscalation_1_8)),
    ])

private func allowPrivilegeEscalation_1_8(_ metadata: PodMetadata, _ spec: PodSpec) -> CheckResult {
    // Unset counts as allowed: the container must say false explicitly.
    let bad = spec.containerNames { $0.securityContext?.allowPrivilegeEscalation != false }
    guard !bad.isEmpty else { return .allowed }
    return .forbidden("allowPrivilegeEscalation != false",
                      "\(containersPhrase(bad)) must set securityContext.allowPrivilegeEscalation=false")
}
