import K8sAuditFields

/// Every message `pspctl watch` prints on stderr about its input, as text (each with its newline), so
/// embedded and remote runs print byte-identical text.
public enum WatchMessages {
    public static let prefix = "pspctl watch: "

    /// What a run reads: Kubernetes audit events (`--audit-log`) or sensor events (`--syscall-events`).
    public enum Source: Sendable, Equatable {
        case k8sAudit, syscall

        /// What one line holds, in a line error: `k8s audit event`, `sensor event`.
        public var eventNoun: String { self == .k8sAudit ? "k8s audit event" : "sensor event" }
        /// What the input is, in messages about opening and reading it.
        public var inputName: String { self == .k8sAudit ? "audit log" : "sensor events file" }
    }

    /// A rejected line: quoted (its first 300 bytes) and the reason given with their control characters
    /// escaped, so a line cannot forge other output. `truncated`: `line` is already only a prefix.
    public static func lineError<Line: Collection>(number: Int, line: Line, reason: String, truncated: Bool = false,
                                                   keepGoing: Bool, source: Source = .k8sAudit) -> String
    where Line.Element == UInt8 {
        var shown = TextEscaping.escaped(String(decoding: line.prefix(300), as: UTF8.self))
        if truncated || line.count > 300 { shown += "…" }
        let suffix = keepGoing ? ", skipping" : ", stopping"
        return "\(prefix)Could not read \(source.eventNoun) line #\(number), \"\(shown)\": \(TextEscaping.escaped(reason))\(suffix)\n"
    }

    /// The reason of a line longer than `--max-line-bytes`.
    public static func overlongLineReason(maxLineBytes: Int) -> String {
        "line is longer than \(maxLineBytes) bytes"
    }

    /// The log could not be read on (exit status 2). Control characters (of a file name) are escaped.
    public static func readError(_ message: String, source: Source = .k8sAudit) -> String {
        var message = message
        let reading = "error reading the audit log"
        if source != .k8sAudit, message.hasPrefix(reading) {
            message = "error reading the \(source.inputName)" + message.dropFirst(reading.count)
        }
        return "\(prefix)\(TextEscaping.escaped(message))\n"
    }

    /// What opening the log decided (a rotation while pspctl was stopped …), or why its position could
    /// not be recorded (`--state-file`).
    public static func inputNote(_ message: String) -> String {
        "\(prefix)\(TextEscaping.escaped(message))\n"
    }

    /// A rules-loading warning of `file`.
    public static func loadWarning(file: String, message: String) -> String {
        "\(prefix)\(TextEscaping.escapedKeepingLineBreaks(loadWarningText(file: file, message: message)))\n"
    }

    /// A loading warning as the wire carries it (`LoadRuleSetResponse.warnings`): without prefix and escaping.
    public static func loadWarningText(file: String, message: String) -> String {
        "\(file): warning: \(message)"
    }

    /// A loading warning received as `loadWarningText`.
    public static func loadWarning(text: String) -> String {
        "\(prefix)\(TextEscaping.escapedKeepingLineBreaks(text))\n"
    }

    /// The warning that no enabled rule has source k8s_audit (`RuleSourceCheck.noAuditRulesWarning`).
    public static func noAuditRules(_ warning: String) -> String {
        "\(prefix)\(TextEscaping.escaped(warning))\n"
    }

    /// The end-of-run warning about pod-creating requests logged without their object, or "".
    public static func podRequestsWithoutObjectWarning(_ count: Int) -> String {
        guard count > 0 else { return "" }
        let requests = count == 1 ? "1 pod-creating request" : "\(count) pod-creating requests"
        return "\(prefix)warning: \(requests) (create, update or patch of a pod or a pod template) carried no "
            + "requestObject (audit level Metadata), so the rules about pod specs could not judge "
            + (count == 1 ? "it" : "them")
            + "; log pods and their controllers at level Request in the audit policy\n"
    }

    /// The end-of-run summary: the warning first (the count stays the last line but for --verbose's
    /// statistics), then the counts, then with `verbose` Falco's statistics. `rules`: every loaded rule's
    /// name and priority as written, indexed like `counts.alertsByRule`.
    /// `label`: the source's name, when a run has several (`audit log: 10 lines, …`).
    public static func summary(_ counts: PipelineCounts, rules: [(name: String, prioritySpelling: String)],
                               verbose: Bool, label: String? = nil) -> String {
        var text = podRequestsWithoutObjectWarning(counts.podRequestsWithoutObject)
        text += "\(prefix)\(label.map { "\($0): " } ?? "")\(counts.lines) lines, \(counts.events) events, \(counts.alerts) alerts"
        if counts.rejectedLines > 0 { text += ", \(counts.rejectedLines) rejected lines" }
        text += "\n"
        if verbose {
            // Falco's end-of-run statistics; severities keyed by the priority as written in the rules file.
            var bySeverity: [String: Int] = [:]
            var byRule: [(String, Int)] = []
            for (index, count) in counts.alertsByRule.enumerated() where count > 0 && index < rules.count {
                bySeverity[rules[index].prioritySpelling, default: 0] += count
                byRule.append((rules[index].name, count))
            }
            text += "Events detected: \(counts.alerts)\nRule counts by severity:\n"
            for (k, v) in bySeverity.sorted(by: { $0.key < $1.key }) { text += "   \(TextEscaping.escaped(k)): \(v)\n" }
            text += "Triggered rules by rule name:\n"
            for (k, v) in byRule.sorted(by: { $0.0 < $1.0 }) { text += "   \(TextEscaping.escaped(k)): \(v)\n" }
        }
        return text
    }

    /// The progress line's text.
    public static func progress(_ counts: PipelineCounts) -> String {
        "\(counts.lines) lines, \(counts.events) events, \(counts.alerts) alerts"
    }
}
