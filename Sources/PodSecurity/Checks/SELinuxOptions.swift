/// `seLinuxOptions` (baseline, v1.0 and v1.31): only container types may be set, never a user or a role.
let seLinuxOptionsCheck = PodSecurityCheck(
    id: "seLinuxOptions", level: .baseline, control: "SELinux",
    summary: "Setting the SELinux type is restricted, and setting a custom SELinux user or role option is forbidden.",
    versions: [
        VersionedCheck(.v(1, 0)) { seLinuxOptions($0, $1, allowedTypes: allowedTypes_1_0) },
        VersionedCheck(.v(1, 31)) { seLinuxOptions($0, $1, allowedTypes: allowedTypes_1_31) },
    ])

private let allowedTypes_1_0: Set<String> = ["", "container_t", "container_init_t", "container_kvm_t"]
private let allowedTypes_1_31 = allowedTypes_1_0.union(["container_engine_t"])

private func seLinuxOptions(_ metadata: PodMetadata, _ spec: PodSpec, allowedTypes: Set<String>) -> CheckResult {
    let findings = judgeSetting(pod: spec.securityContext?.shared.seLinuxOptions, in: spec,
                                container: { $0.securityContext?.shared.seLinuxOptions },
                                isValid: { allowedTypes.contains($0.type) && $0.user.isEmpty && $0.role.isEmpty })
    guard findings.hasExplicitlyBad else { return .allowed }
    let bad = findings.badValues
    var data: [String] = []
    let badTypes = sortedDistinct(bad.map(\.type).filter { !allowedTypes.contains($0) })
    if !badTypes.isEmpty { data.append("\(pluralize("type", "types", badTypes.count)) \(joinQuote(badTypes))") }
    if bad.contains(where: { !$0.user.isEmpty }) { data.append("user may not be set") }
    if bad.contains(where: { !$0.role.isEmpty }) { data.append("role may not be set") }
    return .forbidden("seLinuxOptions",
                      "\(findings.setters) set forbidden securityContext.seLinuxOptions: \(data.joined(separator: "; "))")
}
