import Foundation
import K8sAuditFields

/// `--format`.
public enum ReportFormat: String, Sendable, CaseIterable {
    case table, json, markdown
    /// Kubernetes objects (KubernetesReports.swift): `wgpolicyk8s.io/v1alpha2` PolicyReport / ClusterPolicyReport,
    /// `openreports.io/v1alpha1` Report / ClusterReport.
    case policyreport, openreports
}

extension Report {
    /// The report in `format`; `color` (a table on a terminal only) marks ✓ green and ✗ red. `now`
    /// (nanoseconds since the epoch) stamps the results of workloads without a time of their own in the
    /// Kubernetes formats.
    public func rendered(_ format: ReportFormat, color: Bool = false, now: UInt64 = Report.currentTime()) -> String {
        switch format {
        case .table: return table(color: color)
        case .markdown: return markdown()
        case .json: return json()
        case .policyreport: return kubernetesReports(.policyReport, now: now)
        case .openreports: return kubernetesReports(.openReports, now: now)
        }
    }

    /// Nanoseconds since the epoch, now.
    public static func currentTime() -> UInt64 {
        let since = Date().timeIntervalSince1970
        return since > 0 ? UInt64(since * 1_000_000_000) : 0
    }

    // MARK: JSON

    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(self) else { return "{}\n" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    // MARK: Table

    static let pass = "✓", fail = "✗", warn = "⚠", unjudged = "–"

    /// The matrix cell of one verdict: ✓, ✗ (pods rejected) or ⚠ (only the controller's template) with the
    /// failing checks, or – when nothing could be judged.
    static func cell(_ verdict: Verdict) -> String {
        switch verdict.result {
        case "fail": return fail + " " + verdict.failingChecks.joined(separator: ", ")
        case "warn": return warn + " " + verdict.failingChecks.joined(separator: ", ")
        case "pass": return pass
        default: return unjudged
        }
    }

    static func usersText(_ row: WorkloadReport) -> String {
        row.users.joined(separator: ", ") + (row.moreUsers > 0 ? " +\(row.moreUsers) more" : "")
    }

    /// A failure as one line: `check: reason (detail)` for PSA's checks, `rule: output` for rules.
    /// `withCheck: false` leaves the check id out of a PSA failure (`reason (detail)`, as PSA words it).
    static func failureText(_ failure: PolicyFailure, kind: ReportPolicyKind, withCheck: Bool = true) -> String {
        var text = ""
        appendFailureText(failure, kind: kind, withCheck: withCheck, to: &text)
        return text
    }

    /// `failureText` appended to `out`, each piece passed through `escape` (the table's: a large report has
    /// a million failure lines, written without a string for each).
    static func appendFailureText(_ failure: PolicyFailure, kind: ReportPolicyKind, withCheck: Bool = true, to out: inout String,
                                  escape: (String) -> String = { $0 }) {
        if kind == .pss {
            if withCheck { out += escape(failure.check); out += ": " }
            out += escape(failure.reason.isEmpty ? "unknown forbidden reason" : failure.reason)
            if !failure.detail.isEmpty { out += " ("; out += escape(failure.detail); out += ")" }
        } else {
            out += escape(failure.reason)
            if !failure.detail.isEmpty { out += ": "; out += escape(failure.detail) }
        }
    }

    /// Seconds are enough in a table; JSON keeps the nanoseconds.
    static func shortTime(_ time: String) -> String {
        guard let dot = time.firstIndex(of: ".") else { return time }
        return String(time[..<dot]) + "Z"
    }

    func headline() -> String {
        if let manifests { return checkHeadline(manifests) }
        let namespaces = Set(workloads.map(\.namespace)).count
        var text = "\(workloads.count) workload\(workloads.count == 1 ? "" : "s") in \(namespaces) namespace\(namespaces == 1 ? "" : "s"), "
            + "\(log.requests) pod-creating request\(log.requests == 1 ? "" : "s") (\(log.unjudgedRequests) without an object, not judged)"
            + " of \(log.events) event\(log.events == 1 ? "" : "s")"
        if log.skippedLines > 0 { text += ", \(log.skippedLines) unreadable line\(log.skippedLines == 1 ? "" : "s") skipped" }
        return text
    }

    func answers() -> [String] {
        var lines: [String] = []
        if policies.count > 1 || comparison.budget > 0 {
            lines.append("Least restrictive policy that breaks nothing: \(comparison.leastRestrictiveBreakingNothing ?? "none")")
        }
        lines.append("Most restrictive policy that breaks at most \(comparison.budget) workload\(comparison.budget == 1 ? "" : "s"): \(comparison.mostRestrictiveWithinBudget ?? "none")")
        return lines
    }

    /// The columns between a row's name and its verdicts: a log's requests, times and users, or where a
    /// checked manifest is.
    var detailHeader: [String] {
        manifests == nil ? ["requests", "first seen", "last seen", "users"] : ["source"]
    }

    func detailCells(_ row: WorkloadReport) -> [String] {
        guard manifests == nil else {
            let sources = row.sources ?? []
            return [(sources.first ?? "") + (sources.count > 1 ? " +\(sources.count - 1) more" : "")]
        }
        return [row.unjudgedRequests > 0 ? "\(row.requests) (\(row.unjudgedRequests) unjudged)" : "\(row.requests)",
                Self.shortTime(row.firstSeen), Self.shortTime(row.lastSeen), Self.usersText(row)]
    }

    var noWorkloads: String {
        manifests == nil ? "No pod-creating requests in the log." : "No workloads in the manifests."
    }

    func checkHeadline(_ manifests: ManifestCounts) -> String {
        func plural(_ count: Int, _ noun: String) -> String { "\(count) \(noun)\(count == 1 ? "" : "s")" }
        let namespaces = Set(workloads.map(\.namespace)).count
        var text = "\(plural(workloads.count, "workload")) in \(plural(namespaces, "namespace")) from "
            + "\(plural(manifests.objects, "object")) in \(plural(manifests.files, "file"))"
        let others = manifests.otherKinds.values.reduce(0, +)
        if others > 0 {
            text += " (\(others) of other kinds not judged: "
                + manifests.otherKinds.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ") + ")"
        }
        if manifests.errors > 0 { text += ", \(plural(manifests.errors, "manifest error")) (see stderr)" }
        return text
    }

    func table(color: Bool) -> String {
        func esc(_ text: String) -> String { TextEscaping.escaped(text) }
        func paint(_ cell: String) -> String {
            guard color else { return cell }
            if cell.hasPrefix(Self.pass) { return "\u{1B}[32m\(cell)\u{1B}[0m" }
            if cell.hasPrefix(Self.fail) { return "\u{1B}[31m\(cell)\u{1B}[0m" }
            if cell.hasPrefix(Self.warn) { return "\u{1B}[33m\(cell)\u{1B}[0m" }
            return cell
        }
        var out = headline() + "\n\n"
        out += Self.aligned([["POLICY", "JUDGED", "BREAKS", "WARNS", "NAMESPACES BROKEN"]] + policies.map {
            [esc($0.id), "\($0.judgedWorkloads)", "\($0.breaksWorkloads)", "\($0.warnsWorkloads)",
             $0.brokenNamespaces.map(esc).joined(separator: ", ")]
        }, paint: { $0 })
        out += "\n"
        let header = ["NAMESPACE", "KIND", "NAME"] + detailHeader.map { $0.uppercased() } + policies.map { esc($0.id) }
        let rows = workloads.map { row in
            [esc(row.namespace), esc(row.kind), esc(row.name)] + detailCells(row).map(esc)
                + row.verdicts.map { esc(Self.cell($0)) }
        }
        out += workloads.isEmpty ? noWorkloads + "\n" : Self.aligned([header] + rows, paint: paint)
        appendFailures(to: &out)
        let disagreements = clusterDisagreementLines()
        if !disagreements.isEmpty {
            out += "\nWhere the cluster's Pod Security Admission decided otherwise:\n"
            for line in disagreements { out += "  \(esc(line))\n" }
        }
        out += "\n" + answers().map { $0 + "\n" }.joined()
        return out
    }

    /// One line per (pss: policy, workload) whose verdicts differ from the cluster's annotations.
    func clusterDisagreementLines() -> [String] {
        var lines: [String] = []
        for (index, policy) in policies.enumerated() {
            for w in workloads.indices {
                guard let cluster = workloads[w].verdicts[index].cluster, cluster.disagreements > 0,
                      let first = cluster.firstDisagreement else { continue }
                let row = workloads[w]
                lines.append("\(policy.id)  \(row.namespace)/\(row.kind)/\(row.name): \(cluster.disagreements) of "
                    + "\(cluster.comparedRequests) request\(cluster.comparedRequests == 1 ? "" : "s"); first at \(Self.shortTime(first.time)): "
                    + "the cluster \(first.cluster == "violates" ? "found a violation" : "admitted it"), pspctl says \(first.pspctl)"
                    + (first.annotation == "enforce-policy" ? "" : " (\(first.annotation))"))
            }
        }
        return lines
    }

    /// The table's "Failures:" section, written in place (the lines of `failureLines`, escaped piece by
    /// piece: a large report has a million of them).
    private func appendFailures(to out: inout String) {
        func esc(_ text: String) -> String { TextEscaping.escaped(text) }
        var started = false
        for (index, policy) in policies.enumerated() {
            let id = esc(policy.id)
            for w in workloads.indices {
                let result = workloads[w].verdicts[index].result
                guard result == "fail" || result == "warn" else { continue }
                if !started { out += "\nFailures:\n"; started = true }
                out += id; out += "  "
                out += esc(workloads[w].namespace); out += "/"; out += esc(workloads[w].kind); out += "/"; out += esc(workloads[w].name)
                if result == "warn" { out += Self.warnOnlyNote }
                out += "\n"
                for failure in workloads[w].verdicts[index].failures {
                    out += "  "
                    Self.appendFailureText(failure, kind: policy.kind, to: &out, escape: esc)
                    out += "\n"
                }
                let more = workloads[w].verdicts[index].moreFailures
                if more > 0 { out += "  … \(more) more\n" }
            }
        }
    }

    static let warnOnlyNote = " (would warn: only the controller's pod template was seen)"

    /// Per failing (policy, workload): its failure lines.
    func failureLines() -> [(policy: String, workload: String, failures: [String])] {
        var result: [(policy: String, workload: String, failures: [String])] = []
        for (index, policy) in policies.enumerated() {
            // By index: a row is not copied for each policy.
            for w in workloads.indices where workloads[w].verdicts[index].result == "fail" || workloads[w].verdicts[index].result == "warn" {
                let verdict = workloads[w].verdicts[index]
                var lines = verdict.failures.map { Self.failureText($0, kind: policy.kind) }
                if verdict.moreFailures > 0 { lines.append("… \(verdict.moreFailures) more") }
                let warnOnly = verdict.result == "warn" ? Self.warnOnlyNote : ""
                result.append((policy: policy.id, workload: "\(workloads[w].namespace)/\(workloads[w].kind)/\(workloads[w].name)\(warnOnly)",
                               failures: lines))
            }
        }
        return result
    }

    /// Columns padded to their widest cell (two spaces apart); the last column is not padded.
    static func aligned(_ rows: [[String]], paint: (String) -> String) -> String {
        guard let columns = rows.map(\.count).max() else { return "" }
        // Each cell's width is counted once (Characters: what a terminal shows), then padded from one run of spaces.
        let cellWidths = rows.map { $0.map(\.count) }
        var widths = Array(repeating: 0, count: columns)
        for row in cellWidths { for (i, width) in row.enumerated() { widths[i] = max(widths[i], width) } }
        let spaces = String(repeating: " ", count: (widths.max() ?? 0) + 2)
        var out = ""
        for (r, row) in rows.enumerated() {
            for (i, cell) in row.enumerated() {
                out += r == 0 ? cell : paint(cell)
                if i < row.count - 1 { out += spaces.prefix(widths[i] - cellWidths[r][i] + 2) }
            }
            out += "\n"
        }
        return out
    }

    // MARK: Markdown

    func markdown() -> String {
        func md(_ text: String) -> String {
            TextEscaping.escaped(text).replacingOccurrences(of: "|", with: "\\|")
        }
        var out = "## pspctl \(manifests == nil ? "report" : "check")\n\n\(headline()).\n\n"
        out += "| Policy | Workloads judged | Workloads broken | Workloads warned | Namespaces broken |\n|---|---:|---:|---:|---|\n"
        for policy in policies {
            out += "| `\(md(policy.id))` | \(policy.judgedWorkloads) | \(policy.breaksWorkloads) | \(policy.warnsWorkloads) | "
                + "\(policy.brokenNamespaces.map(md).joined(separator: ", ")) |\n"
        }
        out += "\n"
        if workloads.isEmpty {
            out += noWorkloads + "\n"
        } else {
            out += "| Namespace | Kind | Name |" + detailHeader.map { " \($0.prefix(1).uppercased() + $0.dropFirst()) |" }.joined()
                + policies.map { " `\(md($0.id))` |" }.joined() + "\n"
            out += "|---|---|---|" + detailHeader.map { $0 == "requests" ? "---:|" : "---|" }.joined()
                + String(repeating: "---|", count: policies.count) + "\n"
            for row in workloads {
                out += "| \(md(row.namespace)) | \(md(row.kind)) | \(md(row.name)) |" + detailCells(row).map { " \(md($0)) |" }.joined()
                    + row.verdicts.map { " \(md(Self.cell($0))) |" }.joined() + "\n"
            }
        }
        let failing = failureLines()
        if !failing.isEmpty {
            out += "\n### Failures\n\n"
            for (policy, workload, failures) in failing {
                out += "- `\(md(policy))` rejects `\(md(workload))`:\n"
                for failure in failures { out += "  - \(md(failure))\n" }
            }
        }
        let disagreements = clusterDisagreementLines()
        if !disagreements.isEmpty {
            out += "\n### Where the cluster's Pod Security Admission decided otherwise\n\n"
            for line in disagreements { out += "- \(md(line))\n" }
        }
        out += "\n" + answers().map { "**\($0.replacingOccurrences(of: ": ", with: ":** "))\n\n" }.joined()
        return out
    }
}

extension Report.Comparison {
    private enum Keys: String, CodingKey {
        case order, restrictivenessRule, leastRestrictiveBreakingNothing, budget, mostRestrictiveWithinBudget
    }

    /// Absent answers are written as `null`, so every key is always there.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(order, forKey: .order)
        try container.encode(restrictivenessRule, forKey: .restrictivenessRule)
        try container.encode(leastRestrictiveBreakingNothing, forKey: .leastRestrictiveBreakingNothing)
        try container.encode(budget, forKey: .budget)
        try container.encode(mostRestrictiveWithinBudget, forKey: .mostRestrictiveWithinBudget)
    }
}
