/// The sysctls Kubernetes treats as safe (allowed unless forbidden).
enum SafeSysctls {
    static let names = ["kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.tcp_syncookies",
                        "net.ipv4.ping_group_range", "net.ipv4.ip_unprivileged_port_start"]
}

/// A sysctl pattern: an exact name, `prefix*`, or `*` alone.
struct SysctlPattern {
    let text: String
    var prefix: String? { text.hasSuffix("*") ? String(text.dropLast()) : nil }
}

/// `forbiddenSysctls` (psp-conversion.md §7.2), a pspctl extension: fires when a pod-level sysctl
/// matches a forbidden name or prefix — forbidding beats both the safe set and allowedUnsafeSysctls.
enum ForbiddenSysctlsSection: PropertySection {
    static func build(_ context: ConversionContext) -> SectionOutput {
        let forbidden = context.policy.forbiddenSysctls
        guard !forbidden.isEmpty else { return .silent }
        let check = PodPointers.anyOf((0..<PodPointers.sysctls).map { slot in
            let name = PodPointers.value(PodPointers.podSecurityContext + ["sysctls", String(slot), "name"])
            return matchesAny(name, forbidden.map(SysctlPattern.init))
        })
        return .extensionRule(context, property: "forbiddenSysctls", field: "forbiddenSysctls",
            macroSuffix: "forbidden_sysctls", check: check,
            desc: "Detect a psp validation failure for a forbidden sysctl using k8s audit logs",
            output: "forbidden sysctl (\(forbidden.joined(separator: ",")))",
            setting: forbidden.joined(separator: ", "))
    }

    /// `name` equals one of the exact patterns or starts with one of the prefixes.
    static func matchesAny(_ name: String, _ patterns: [SysctlPattern]) -> String {
        let exact = patterns.filter { $0.prefix == nil }.map(\.text)
        var terms = exact.isEmpty ? [] : ["\(name) in \(PodPointers.quotedList(exact))"]
        for prefix in patterns.compactMap(\.prefix) {
            terms.append(prefix.isEmpty ? "\(name) exists" : "\(name) startswith \(PolicyValue.quoted(prefix))")
        }
        return terms.joined(separator: " or ")
    }
}

/// `allowedUnsafeSysctls` (psp-conversion.md §7.2), a pspctl extension: fires when a pod-level sysctl is
/// neither safe nor allowed. Emitted for every PSP unless it allows `*`, because PSP admission rejects
/// unsafe sysctls by default.
enum AllowedUnsafeSysctlsSection: PropertySection {
    static func build(_ context: ConversionContext) -> SectionOutput {
        let allowed = context.policy.allowedUnsafeSysctls
        guard !allowed.contains("*") else {
            return .none(field: "allowedUnsafeSysctls", setting: "*", reason: "every sysctl allowed")
        }
        let patterns = allowed.map(SysctlPattern.init)
        let names = context.names
        let listName = names.macro("allowed_sysctls")
        let list = FalcoList.block(name: listName, items: SafeSysctls.names + patterns.filter { $0.prefix == nil }.map(\.text))
        let check = PodPointers.anyOf((0..<PodPointers.sysctls).map { slot in
            let name = PodPointers.value(PodPointers.podSecurityContext + ["sysctls", String(slot), "name"])
            let prefixes = patterns.compactMap(\.prefix).map { " and not \(name) startswith \(PolicyValue.quoted($0))" }
            return "not \(name) in (\"<NA>\", \(listName))" + prefixes.joined()
        })
        let shown = allowed.isEmpty ? "none" : allowed.joined(separator: ",")
        return .extensionRule(context, property: "allowedUnsafeSysctls", field: "allowedUnsafeSysctls",
            lists: [list], macroSuffix: "unsafe_sysctls", check: check,
            desc: "Detect a psp validation failure for an unsafe sysctl outside of the allowed set using k8s audit logs",
            output: "unsafe sysctl outside of allowed set (\(shown))",
            setting: allowed.isEmpty ? "none listed, only safe sysctls" : allowed.joined(separator: ", "))
    }
}
