/// `hostProbesAndHostLifecycle` (baseline, v1.34): probes and lifecycle hooks must not name a host.
let hostProbesAndHostLifecycleCheck = PodSecurityCheck(
    id: "hostProbesAndHostLifecycle", level: .baseline, control: "Host Probes / Lifecycle Hooks",
    summary: "The host field of httpGet and tcpSocket probes and lifecycle hooks must not be set.",
    versions: [VersionedCheck(.v(1, 34), hostProbesAndHostLifecycle_1_34)])

private func hostProbesAndHostLifecycle_1_34(_ metadata: PodMetadata, _ spec: PodSpec) -> CheckResult {
    let hosts = { (container: Container) in
        container.handlers.flatMap { [$0.httpGetHost, $0.tcpSocketHost].compactMap { $0 }.filter { !$0.isEmpty } }
    }
    // Unlike every other check, names are sorted and de-duplicated here.
    let bad = sortedDistinct(spec.containerNames { !hosts($0).isEmpty })
    guard !bad.isEmpty else { return .allowed }
    let badHosts = sortedDistinct(spec.allContainers.flatMap(hosts))
    return .forbidden("probe or lifecycle host",
                      "\(containersPhrase(bad)) \(pluralize("uses", "use", bad.count)) "
                      + "\(pluralize("probe or lifecycle host", "probe or lifecycle hosts", badHosts.count)) \(joinQuote(badHosts))")
}
