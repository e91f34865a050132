import PodSecurity
import PSPConverter

// allowedUnsafeSysctls / forbiddenSysctls, for each of the pod's sysctls in order: a forbidden one is rejected
// (even a safe one); a safe one passes; an unsafe one passes only when allowed (`prefix*` patterns, `*` = all).
extension Validation {
    /// The sysctls Kubernetes ≤ 1.24 counts as safe (namespaced and isolated).
    static let safeSysctls: Set<String> = [
        "kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.tcp_syncookies",
        "net.ipv4.ping_group_range", "net.ipv4.ip_unprivileged_port_start",
    ]

    mutating func validateSysctls() {
        let path = Self.podSecurityContextPath.child("sysctls")
        for (index, name) in (pod.spec.securityContext?.sysctlNames ?? []).enumerated() {
            if Self.matches(name, policy.forbiddenSysctls) {
                add("forbiddenSysctls", [.forbidden(path.index(index), "sysctl \(goQuote(name)) is not allowed")])
            } else if !Self.safeSysctls.contains(name) && !Self.matches(name, policy.allowedUnsafeSysctls) {
                add("allowedUnsafeSysctls", [.forbidden(path.index(index), "unsafe sysctl \(goQuote(name)) is not allowed")])
            }
        }
    }

    /// An exact name, or a pattern ending in `*` matching the names it prefixes.
    static func matches(_ name: String, _ patterns: [String]) -> Bool {
        patterns.contains { $0.hasSuffix("*") ? name.hasPrefix($0.dropLast()) : name == $0 }
    }
}
