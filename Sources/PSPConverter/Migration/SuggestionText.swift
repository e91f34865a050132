import Foundation

extension StandardSuggestions {
    /// The JSON form: `{"policies": [StandardSuggestion…], "notes": […]}`, keys sorted, two-space indent.
    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Every member is a string, number, bool, array or object: encoding cannot fail.
        return String(decoding: (try? encoder.encode(self)) ?? Data("{}".utf8), as: UTF8.self) + "\n"
    }

    /// The text form: one block per PSP, then the notes that hold for all.
    public var text: String {
        var lines: [String] = []
        for policy in policies {
            lines += policy.textLines
            lines.append("")
        }
        lines += notes.map { "Note: \($0)" }
        return lines.joined(separator: "\n") + "\n"
    }
}

extension StandardSuggestion {
    var textLines: [String] {
        var lines: [String] = []
        let versionText = targetVersion == evaluatedVersion ? evaluatedVersion : "\(evaluatedVersion) (\(targetVersion))"
        lines.append("PodSecurityPolicy \(name.isEmpty ? "(no name)" : name)\(location.isEmpty ? "" : " (\(location))")")
        lines.append("  suggested: \(suggested.level) at \(versionText)")
        for assumption in assumes { lines.append("    assuming \(assumption)") }
        if strict != suggested {
            lines.append("  strictly:  \(strict.level) (the only level that admits every pod the PSP admits)")
        }
        if let older = stricterAtOlderVersion {
            lines.append("  also:      \(older.level) at \(older.version) admits every pod\(assumes.isEmpty ? "" : " (same assumptions)"); "
                + "later versions added the checks named below")
        }
        lines.append("  namespace labels: pod-security.kubernetes.io/enforce=\(suggested.level) "
            + "pod-security.kubernetes.io/enforce-version=\(suggested.version)")
        if !limits.isEmpty {
            lines.append("  allows beyond stricter levels:")
            for limit in limits {
                lines.append("    \(limit.field): \(limit.allowance): allows \(limit.allows)\(limit.assumed ? " (assumed away)" : "")")
                lines += limit.rejectedBy.map { "      \(limit.rejectedAt) rejects: \($0.textLine)" }
            }
        }
        if !mutationDependencies.isEmpty {
            lines.append("  PSP defaults the \(suggested.level) level needs (set them in the pod specs):")
            for dependency in mutationDependencies {
                lines.append("    \(dependency.field): \(dependency.text)")
                lines += dependency.rejectedBy.map { "      without it \(suggested.level) rejects: \($0.textLine)" }
            }
        }
        if !gaps.isEmpty {
            lines.append("  pods the PSP admits that \(suggested.level) rejects:")
            for gap in gaps {
                lines.append("    \(gap.field): \(gap.pods)")
                lines += gap.rejectedBy.map { "      \($0.textLine)" }
            }
        }
        if !notCovered.isEmpty {
            lines.append("  what the PSP enforces that Pod Security Standards cannot:")
            lines += notCovered.map { "    \($0.field): \($0.text)" }
        }
        if !lostDefaults.isEmpty {
            lines.append("  PSP defaults that are lost (Pod Security Admission never changes pods):")
            lines += lostDefaults.map { "    \($0.field): \($0.text)" }
        }
        if !notes.isEmpty {
            lines.append("  notes:")
            lines += notes.map { "    \($0.field): \($0.text)" }
        }
        lines.append("  on real traffic: \(reportCommand)")
        return lines
    }
}

extension StandardSuggestion.Rejection {
    /// `capabilities_restricted: unrestricted capabilities (container "app" must …)`.
    var textLine: String { detail.isEmpty ? "\(check): \(reason)" : "\(check): \(reason) (\(detail))" }
}
