/// `sysctls` (baseline): only the "safe" sysctls of the version may be set.
let sysctlsCheck = PodSecurityCheck(
    id: "sysctls", level: .baseline, control: "Sysctls",
    summary: "Sysctls can disable security mechanisms or affect all containers on a host; only the safe subset is allowed.",
    versions: zip(allowedSysctlsByVersion.indices, allowedSysctlsByVersion).map { index, step in
        // Each version allows its own names and those of every earlier version.
        let allowed = Set(allowedSysctlsByVersion[...index].flatMap(\.names))
        return VersionedCheck(step.version) { sysctls($0, $1, allowed: allowed) }
    })

private let allowedSysctlsByVersion: [(version: PolicyVersion, names: [String])] = [
    (.v(1, 0), ["kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.tcp_syncookies",
                "net.ipv4.ping_group_range", "net.ipv4.ip_unprivileged_port_start"]),
    (.v(1, 27), ["net.ipv4.ip_local_reserved_ports"]),
    (.v(1, 29), ["net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl",
                 "net.ipv4.tcp_keepalive_probes"]),
    (.v(1, 32), ["net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"]),
    (.v(1, 37), ["net.ipv4.tcp_slow_start_after_idle", "net.ipv4.tcp_notsent_lowat"]),
]

private func sysctls(_ metadata: PodMetadata, _ spec: PodSpec, allowed: Set<String>) -> CheckResult {
    // Compared literally (the slash spelling is forbidden); list order, duplicates kept, no quotes.
    let bad = (spec.securityContext?.sysctlNames ?? []).filter { !allowed.contains($0) }
    guard !bad.isEmpty else { return .allowed }
    return .forbidden("forbidden sysctls", bad.joined(separator: ", "))
}
