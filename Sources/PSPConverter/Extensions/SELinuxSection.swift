/// `seLinux` MustRunAs (psp-conversion.md §7.1), a pspctl extension. PSP admission fills unset options
/// with the policy's, so only options a pod sets are judged: the pod-level `seLinuxOptions` and each
/// container's own (init containers included), each compared as a whole with the policy's.
enum SELinuxSection: PropertySection {
    /// Beyond this many categories a level is only matched as written, not in every order.
    static let maxPermutedCategories = 5

    static func build(_ context: ConversionContext) -> SectionOutput {
        guard context.policy.seLinuxRule == "MustRunAs", let required = context.policy.seLinuxOptions else {
            return context.policy.seLinuxRule == nil ? .silent
                : .none(field: "seLinux", setting: "RunAsAny", reason: "any SELinux options allowed")
        }
        let owners = [PodPointers.podSecurityContext] + PodPointers.containerSlots.map { $0 + ["securityContext"] }
        let check = PodPointers.anyOf(owners.map { differs(at: $0 + ["seLinuxOptions"], from: required) })
        let shown = "user=\(required.user) role=\(required.role) type=\(required.type) level=\(required.level)"
        return .extensionRule(context, property: "seLinux=MustRunAs", field: "seLinux", macroSuffix: "selinux_options_differ",
            check: check,
            desc: "Detect a psp validation failure for seLinuxOptions other than the MustRunAs options using k8s audit logs",
            output: "seLinuxOptions other than the MustRunAs options (\(shown))",
            setting: "MustRunAs \(shown)")
    }

    /// True when the options object at `pointer` is set and one of its fields differs from `required`.
    /// An empty required field means the pod's must be empty or absent.
    static func differs(at pointer: [String], from required: SELinuxOptions) -> String {
        let fields = [("user", [required.user]), ("role", [required.role]), ("type", [required.type]),
                      ("level", equivalentLevels(required.level))]
        let matches = fields.map { key, accepted in
            let values = accepted == [""] ? ["<NA>", ""] : accepted
            return "\(PodPointers.value(pointer + [key])) in \(PodPointers.quotedList(values))"
        }
        return "\(PodPointers.value(pointer)) exists and not (\(matches.joined(separator: " and ")))"
    }

    /// Levels Kubernetes treats as equal to `level`: `<sensitivity>:<categories>` with the categories
    /// in any order (`s0:c6,c0` = `s0:c0,c6`). Only MCS categories (`c` and up to four digits) are
    /// reordered: anything else is matched as written, so a hostile level cannot be copied 120 times
    /// into every container slot's condition.
    static func equivalentLevels(_ level: String) -> [String] {
        guard let colon = level.firstIndex(of: ":") else { return [level] }
        let sensitivity = level[..<colon]
        var categories: [Substring] = []
        for category in level[level.index(after: colon)...].split(separator: ",", omittingEmptySubsequences: false)
        where !categories.contains(category) { categories.append(category) }
        guard categories.count > 1, categories.count <= maxPermutedCategories,
              sensitivity.utf8.count <= 16, categories.allSatisfy(isCategory) else { return [level] }
        var levels = [level]
        for order in permutations(categories) {
            let candidate = "\(sensitivity):\(order.joined(separator: ","))"
            if !levels.contains(candidate) { levels.append(candidate) }
        }
        return levels
    }

    /// `c0` … `c9999`.
    private static func isCategory(_ text: Substring) -> Bool {
        let digits = text.utf8.dropFirst()
        return text.utf8.first == UInt8(ascii: "c") && (1...4).contains(digits.count)
            && digits.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    private static func permutations<T>(_ items: [T]) -> [[T]] {
        guard items.count > 1 else { return [items] }
        return items.indices.flatMap { index -> [[T]] in
            var rest = items
            let head = rest.remove(at: index)
            return permutations(rest).map { [head] + $0 }
        }
    }
}
