/// `hostNamespaces` (baseline, v1.0): no `hostNetwork`, `hostPID` or `hostIPC` (`hostUsers` is not judged).
let hostNamespacesCheck = PodSecurityCheck(
    id: "hostNamespaces", level: .baseline, control: "Host Namespaces",
    summary: "Sharing the host namespaces must be disallowed.",
    versions: [VersionedCheck(.v(1, 0), hostNamespaces_1_0)])

private func hostNamespaces_1_0(_ metadata: PodMetadata, _ spec: PodSpec) -> CheckResult {
    var bad: [String] = []
    if spec.hostNetwork == true { bad.append("hostNetwork=true") }
    if spec.hostPID == true { bad.append("hostPID=true") }
    if spec.hostIPC == true { bad.append("hostIPC=true") }
    guard !bad.isEmpty else { return .allowed }
    return .forbidden("host namespaces", bad.joined(separator: ", "))
}
