import K8sAuditFields
import FalcoRulesText
import PodSecurity

/// `--format policyreport` (`wgpolicyk8s.io/v1alpha2` PolicyReport / ClusterPolicyReport) and
/// `--format openreports` (`openreports.io/v1alpha1` Report / ClusterReport): the report as Kubernetes
/// objects that Kyverno's Policy Reporter shows (facts: shared spec `policy-reports.md`).
///
/// Shaped as Kyverno shapes its pod-security results (§2): one result per policy and workload, `pass`
/// included, so each report's `summary` (recomputed from its results) counts workloads as the table does:
/// `fail` = workloads the policy breaks, `pass` = judged and admitted, `skip` = nothing judged (exempt, or
/// logged without the object). The failing checks are `properties.controls` (Kyverno's key) and the
/// message is Pod Security Admission's `reason (detail), …` text. One report per namespace (split when one
/// would pass `maxDocumentBytes`); workloads without a namespace go to one cluster-scoped report.
/// pspctl's conventions (§2, §4.4): `source: pspctl` on every result, label
/// `app.kubernetes.io/managed-by: pspctl`, never a resource UID as the name, so Kyverno neither adopts
/// nor deletes the reports.
public enum KubernetesReportFlavour: Sendable {
    case policyReport, openReports

    var apiVersion: String { self == .policyReport ? "wgpolicyk8s.io/v1alpha2" : "openreports.io/v1alpha1" }
    func kind(clusterScoped: Bool) -> String {
        switch self {
        case .policyReport: return clusterScoped ? "ClusterPolicyReport" : "PolicyReport"
        case .openReports: return clusterScoped ? "ClusterReport" : "Report"
        }
    }
}

extension Report {
    /// The engine name every result (and an openreports report) carries.
    public static let reportSource = "pspctl"
    /// Above this many bytes of results, a namespace's results continue in a further report (`-2`, `-3` …):
    /// an object must stay well under the API server's 1.5 MiB request limit.
    public static let maxDocumentBytes = 1_000_000

    /// The reports as a multi-document YAML stream. `now` (nanoseconds since the epoch) stamps results
    /// whose workload has no time of its own (judged from manifests, not a log).
    public func kubernetesReports(_ flavour: KubernetesReportFlavour, now: UInt64,
                                  maxDocumentBytes: Int = Report.maxDocumentBytes) -> String {
        var out = "# pspctl: \(TextEscaping.escaped(headline()).replacingOccurrences(of: "\n", with: " "))\n"
        var byNamespace: [String: [Int]] = [:]
        for (index, row) in workloads.enumerated() { byNamespace[row.namespace, default: []].append(index) }
        if byNamespace.isEmpty { out += "# no workloads, no reports\n" }
        for namespace in byNamespace.keys.sorted() {
            let rows = byNamespace[namespace]!
            // Results grouped by policy (in --policy order), then by workload.
            var results: [(result: String, text: String)] = []
            for (policyIndex, policy) in policies.enumerated() {
                for rowIndex in rows {
                    results.append(Self.result(workloads[rowIndex], workloads[rowIndex].verdicts[policyIndex], policy: policy, now: now))
                }
            }
            var part = 1, start = 0
            while start < results.count {
                var end = start, bytes = 0
                while end < results.count, end == start || bytes + results[end].text.utf8.count <= maxDocumentBytes {
                    bytes += results[end].text.utf8.count
                    end += 1
                }
                out += document(flavour, namespace: namespace, part: part, results: Array(results[start..<end]))
                start = end
                part += 1
            }
        }
        return out
    }

    /// The shared part of every report name, then the namespace (or `cluster`), then `-N` for a further part.
    static let namePrefix = "pspctl-"

    func document(_ flavour: KubernetesReportFlavour, namespace: String, part: Int,
                  results: [(result: String, text: String)]) -> String {
        let cluster = namespace.isEmpty
        var out = "---\napiVersion: \(flavour.apiVersion)\nkind: \(flavour.kind(clusterScoped: cluster))\nmetadata:\n"
        out += "  name: \(YAMLText.scalar(Self.reportName(namespace: namespace, part: part)))\n"
        if !cluster { out += "  namespace: \(YAMLText.scalar(namespace))\n" }
        out += "  labels:\n    app.kubernetes.io/managed-by: \(Self.reportSource)\n"
        if flavour == .openReports { out += "source: \(Self.reportSource)\n" }
        if !cluster { out += "scope:\n  apiVersion: v1\n  kind: Namespace\n  name: \(YAMLText.scalar(namespace))\n" }
        out += "summary:\n"
        for outcome in ["pass", "fail", "warn", "error", "skip"] {
            out += "  \(outcome): \(results.filter { $0.result == outcome }.count)\n"
        }
        out += "results:\n"
        for result in results { out += result.text }
        return out
    }

    /// `pspctl-<namespace>` (or `pspctl-cluster`), `-<part>` from the second part on: a DNS subdomain of at
    /// most 253 characters whatever the log's namespace says (a character other than `a-z`, `0-9`, `-` becomes
    /// `-`, and a name so changed or shortened ends in a hash of the namespace, keeping two namespaces apart).
    static func reportName(namespace: String, part: Int) -> String {
        let base = namespace.isEmpty ? "cluster" : namespace
        var name = String(String.UnicodeScalarView(base.unicodeScalars.map { scalar -> Unicode.Scalar in
            ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "-" ? scalar : "-"
        }))
        let suffix = part > 1 ? "-\(part)" : ""
        let room = 253 - namePrefix.count - suffix.count
        if name != base || name.count > room || name.hasSuffix("-") {
            name = String(name.prefix(room - 9))
            while name.last == "-" { name.removeLast() }
            name += (name.isEmpty ? "" : "-") + fnv1a(base)
        }
        return namePrefix + name + suffix
    }

    private static func fnv1a(_ text: String) -> String {
        var hash: UInt32 = 0x811C_9DC5
        for byte in text.utf8 { hash = (hash ^ UInt32(byte)) &* 0x0100_0193 }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 8 - hex.count) + hex
    }

    // MARK: One result

    /// `fail`, `warn`, `pass`, or `skip` for a verdict that judged nothing.
    static func outcome(_ verdict: Verdict) -> String {
        switch verdict.result {
        case "fail", "pass", "warn", "error": return verdict.result
        default: return "skip"
        }
    }

    /// A policy's category, severity and rule as Policy Reporter groups them (§4.4): Pod Security Standards
    /// by level (the level is the rule, as Kyverno's pod-security rule), a PSP by its name, a rules file by
    /// its file name.
    static func classification(_ policy: PolicySummary) -> (category: String, severity: String, rule: String, level: String?, version: String?) {
        let parts = policy.id.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        switch policy.kind {
        case .pss:
            let level = parts.count > 1 ? parts[1] : ""
            let version = parts.count > 2 ? parts[2] : "latest"
            let severity = level == "baseline" ? "high" : level == "restricted" ? "medium" : "info"
            return ("Pod Security Standards (\(level.prefix(1).uppercased() + level.dropFirst()))", severity, level, level, version)
        case .psp:
            return ("Pod Security Policy", "high", String(policy.id.dropFirst("psp:".count)), nil, nil)
        case .rules:
            let path = String(policy.id.dropFirst("rules:".count))
            let file = path.split(separator: "/").last.map(String.init) ?? path
            return ("Falco rules", "medium", file, nil, nil)
        }
    }

    /// The result's message: PSA's `reason (detail), …` for a pss: policy (as in its audit annotation),
    /// `rule: output; …` for psp: and rules: policies; for a pass or skip, what was judged.
    static func message(_ row: WorkloadReport, _ verdict: Verdict, kind: ReportPolicyKind, outcome: String) -> String {
        func plural(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
        switch outcome {
        case "fail", "warn", "error":
            var parts = verdict.failures.map { failureText($0, kind: kind, withCheck: false) }
            if verdict.moreFailures > 0 { parts.append("… \(verdict.moreFailures) more") }
            return parts.isEmpty ? outcome : parts.joined(separator: kind == .pss ? ", " : "; ")
        case "pass":
            return "admitted: \(plural(verdict.judgedRequests, "judged request")), none rejected"
        default:
            var why: [String] = []
            if verdict.exemptRequests > 0 { why.append("\(plural(verdict.exemptRequests, "request")) exempt") }
            if row.unjudgedRequests > 0 {
                why.append("\(plural(row.unjudgedRequests, "request")) logged without \(row.unjudgedRequests == 1 ? "its" : "their") object (audit level Metadata)")
            }
            return "not judged" + (why.isEmpty ? "" : ": " + why.joined(separator: ", "))
        }
    }

    static func result(_ row: WorkloadReport, _ verdict: Verdict, policy: PolicySummary, now: UInt64) -> (result: String, text: String) {
        let outcome = outcome(verdict)
        let (category, severity, rule, level, version) = classification(policy)
        let nanoseconds = K8sAuditDocument.eventTime(parsing: row.lastSeen) ?? now
        let time = (seconds: nanoseconds / 1_000_000_000, nanos: nanoseconds % 1_000_000_000)
        func s(_ text: String) -> String { YAMLText.scalar(text) }
        var out = "- source: \(reportSource)\n  policy: \(s(policy.id))\n"
        if !rule.isEmpty { out += "  rule: \(s(rule))\n" }
        out += "  category: \(s(category))\n  severity: \(severity)\n  result: \(outcome)\n  scored: true\n"
        out += "  message: \(s(message(row, verdict, kind: policy.kind, outcome: outcome)))\n"
        out += "  timestamp:\n    seconds: \(time.seconds)\n    nanos: \(time.nanos)\n"
        out += "  resources:\n"
        var first = true
        func field(_ key: String, _ value: String) {
            out += (first ? "  - " : "    ") + "\(key): \(s(value))\n"
            first = false
        }
        if let kind = WorkloadKind(rawValue: row.kind) { field("apiVersion", kind.apiVersion) }
        field("kind", row.kind)
        field("name", row.name)
        if !row.namespace.isEmpty { field("namespace", row.namespace) }
        // Kyverno's pod-security keys (standard, version, controls), then pspctl's counts and times.
        var properties: [(String, String)] = []
        if let level { properties.append(("standard", level)) }
        if let version { properties.append(("version", version)) }
        if !verdict.failingChecks.isEmpty { properties.append(("controls", verdict.failingChecks.joined(separator: ","))) }
        properties.append(("requests", "\(row.requests)"))
        properties.append(("judgedRequests", "\(verdict.judgedRequests)"))
        properties.append(("failedRequests", "\(verdict.failedRequests)"))
        if verdict.exemptRequests > 0 { properties.append(("exemptRequests", "\(verdict.exemptRequests)")) }
        if row.unjudgedRequests > 0 { properties.append(("unjudgedRequests", "\(row.unjudgedRequests)")) }
        if !row.firstSeen.isEmpty { properties.append(("firstSeen", row.firstSeen)) }
        if !row.lastSeen.isEmpty { properties.append(("lastSeen", row.lastSeen)) }
        let users = usersText(row)
        if !users.isEmpty { properties.append(("users", users)) }
        out += "  properties:\n"
        for (key, value) in properties { out += "    \(key): \(s(value))\n" }
        return (outcome, out)
    }
}
