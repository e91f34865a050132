/// `capabilities_baseline` (baseline, v1.0): containers may add only the default capabilities.
let capabilitiesBaselineCheck = PodSecurityCheck(
    id: "capabilities_baseline", level: .baseline, control: "Capabilities",
    summary: "Adding capabilities beyond the default set must be disallowed.",
    versions: [VersionedCheck(.v(1, 0), capabilitiesBaseline_1_0)])

/// Exact, case-sensitive names: `CAP_CHOWN` or `chown` are not default capabilities.
private let defaultCapabilities: Set<String> = [
    "AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE",
    "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
]

private func capabilitiesBaseline_1_0(_ metadata: PodMetadata, _ spec: PodSpec) -> CheckResult {
    let added = { (container: Container) in
        (container.securityContext?.capabilities?.add ?? []).filter { !defaultCapabilities.contains($0) }
    }
    let bad = spec.containerNames { !added($0).isEmpty }
    guard !bad.isEmpty else { return .allowed }
    let capabilities = sortedDistinct(spec.allContainers.flatMap(added))
    return .forbidden("non-default capabilities",
                      "\(containersPhrase(bad)) must not include \(joinQuote(capabilities)) in securityContext.capabilities.add")
}
