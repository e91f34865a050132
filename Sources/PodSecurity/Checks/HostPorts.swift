/// `hostPorts` (baseline, v1.0): no container port may set a `hostPort` other than 0.
let hostPortsCheck = PodSecurityCheck(
    id: "hostPorts", level: .baseline, control: "Host Ports",
    summary: "HostPorts should be disallowed entirely.",
    versions: [VersionedCheck(.v(1, 0), hostPorts_1_0)])

private func hostPorts_1_0(_ metadata: PodMetadata, _ spec: PodSpec) -> CheckResult {
    let bad = spec.containerNames { $0.hostPorts.contains { $0 != 0 } }
    guard !bad.isEmpty else { return .allowed }
    // Distinct ports, sorted as strings (`10250, 443, 8080`), as PSA sorts them.
    let ports = sortedDistinct(spec.allContainers.flatMap { $0.hostPorts.filter { $0 != 0 }.map(String.init) })
    return .forbidden("hostPort", "\(containersPhrase(bad)) \(pluralize("uses", "use", bad.count)) "
        + "\(pluralize("hostPort", "hostPorts", ports.count)) \(ports.joined(separator: ", "))")
}
