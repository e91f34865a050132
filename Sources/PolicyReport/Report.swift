import EventTime

/// A finished report: rows of workloads, each policy's verdict on each, the per-policy summary and the
/// comparison of the candidates. Its `Codable` form is the `--format json` document (keys documented in
/// README, "pspctl report").
public struct Report: Sendable, Codable {
    /// The JSON document's version; a key is only ever added to it.
    public var apiVersion = "pspctl.dev/report/v1"
    public var log: LogCounts
    public var policies: [PolicySummary]
    public var workloads: [WorkloadReport]
    public var comparison: Comparison
    /// `pspctl check` only: what the manifests held (absent from a report on an audit log).
    public var manifests: ManifestCounts?

    public struct PolicySummary: Sendable, Codable {
        public var id: String
        public var kind: ReportPolicyKind
        /// Workloads with at least one judged request, and their namespaces.
        public var judgedWorkloads: Int
        public var judgedNamespaces: Int
        /// Workloads that have at least one request the policy rejects, and their namespaces.
        public var breaksWorkloads: Int
        public var breaksNamespaces: Int
        public var brokenNamespaces: [String]
        /// Judged requests the policy rejects.
        public var failedRequests: Int
    }

    public struct WorkloadReport: Sendable, Codable {
        public var namespace: String
        public var kind: String
        public var name: String
        public var requests: Int
        /// Requests logged without an object (audit level Metadata): counted, not judged.
        public var unjudgedRequests: Int
        /// `YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ` (the events' stageTimestamp).
        public var firstSeen: String
        public var lastSeen: String
        /// The first users seen (service accounts as `system:serviceaccount:NS:NAME`), at most 5.
        public var users: [String]
        /// Distinct users past those (counted up to 4096).
        public var moreUsers: Int
        /// One per policy, in the order of `policies`.
        public var verdicts: [Verdict]
        /// `pspctl check` only: where the workload's manifests are (`file#document`, `file#document.item`
        /// for a List item, `helm-source (-#document)` for a Helm stream), in reading order.
        public var sources: [String]? = nil
    }

    public struct Verdict: Sendable, Codable {
        public var policy: String
        /// `fail` (some request rejected), `pass` (every judged request admitted) or `unjudged` (no request
        /// could be judged: no object in the log, or every request exempt).
        public var result: String
        public var judgedRequests: Int
        public var failedRequests: Int
        public var exemptRequests: Int
        /// Distinct failures, first seen first (at most 32; `moreFailures` counts the ones not kept).
        public var failures: [PolicyFailure]
        public var moreFailures: Int
        /// The failing check ids (or rule names), without repeats, in order.
        public var failingChecks: [String]
    }

    public struct Comparison: Sendable, Codable {
        /// The policies from least to most restrictive on this log (see `restrictivenessRule`).
        public var order: [String]
        public var restrictivenessRule: String
        /// The least restrictive policy that breaks no workload (nil when each breaks some).
        public var leastRestrictiveBreakingNothing: String?
        public var budget: Int
        /// The most restrictive policy that breaks at most `budget` workloads.
        public var mostRestrictiveWithinBudget: String?
    }

    public static let restrictivenessRule = "more workloads broken is more restrictive; ties: more failing (workload, check) pairs, then Pod Security Standards level and version (pss: policies), then the later --policy"

    init(policies: [ReportPolicy], rows: [WorkloadRow], counts: LogCounts, budget: Int) {
        log = counts
        let workloads = rows.map { row in
            WorkloadReport(
                namespace: row.key.namespace, kind: row.key.kind, name: row.key.name, requests: row.requests,
                unjudgedRequests: row.unjudgedRequests,
                firstSeen: row.firstSeen.map(TimestampText.utc) ?? "", lastSeen: row.lastSeen.map(TimestampText.utc) ?? "",
                users: row.users, moreUsers: row.moreUsers,
                verdicts: zip(policies, row.verdicts).map { policy, verdict in
                    var checks: [String] = []
                    for failure in verdict.failures where !checks.contains(failure.check) { checks.append(failure.check) }
                    return Verdict(policy: policy.id,
                                   result: verdict.failedRequests > 0 ? "fail" : verdict.judgedRequests > 0 ? "pass" : "unjudged",
                                   judgedRequests: verdict.judgedRequests, failedRequests: verdict.failedRequests,
                                   exemptRequests: verdict.exemptRequests, failures: verdict.failures,
                                   moreFailures: verdict.moreFailures, failingChecks: checks)
                })
        }
        self.workloads = workloads
        var summaries: [PolicySummary] = []
        for (index, policy) in policies.enumerated() {
            let verdicts = workloads.map { ($0, $0.verdicts[index]) }
            let judged = verdicts.filter { $0.1.result != "unjudged" }
            let broken = verdicts.filter { $0.1.result == "fail" }
            let brokenNamespaces = Set(broken.map { $0.0.namespace }).sorted()
            summaries.append(PolicySummary(
                id: policy.id, kind: policy.kind, judgedWorkloads: judged.count,
                judgedNamespaces: Set(judged.map { $0.0.namespace }).count, breaksWorkloads: broken.count,
                breaksNamespaces: brokenNamespaces.count, brokenNamespaces: brokenNamespaces,
                failedRequests: broken.reduce(0) { $0 + $1.1.failedRequests }))
        }
        self.policies = summaries
        // Restrictiveness on this log: workloads broken, then failing (workload, check) pairs, then level and
        // version for two pss: policies, then the order given.
        let pairs = policies.indices.map { index in workloads.reduce(0) { $0 + $1.verdicts[index].failingChecks.count } }
        let order = policies.indices.sorted { a, b in
            if summaries[a].breaksWorkloads != summaries[b].breaksWorkloads {
                return summaries[a].breaksWorkloads < summaries[b].breaksWorkloads
            }
            if pairs[a] != pairs[b] { return pairs[a] < pairs[b] }
            if let x = policies[a].standard, let y = policies[b].standard, x != y {
                return x.level.strictness != y.level.strictness ? x.level.strictness < y.level.strictness : x.version < y.version
            }
            return a < b
        }
        comparison = Comparison(
            order: order.map { policies[$0].id }, restrictivenessRule: Self.restrictivenessRule,
            leastRestrictiveBreakingNothing: order.first { summaries[$0].breaksWorkloads == 0 }.map { policies[$0].id },
            budget: budget,
            mostRestrictiveWithinBudget: order.last { summaries[$0].breaksWorkloads <= budget }.map { policies[$0].id })
    }

    /// Whether some policy would reject some workload.
    public var anyWorkloadBreaks: Bool { policies.contains { $0.breaksWorkloads > 0 } }
}
