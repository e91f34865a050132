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
        /// Workloads with a pod the policy rejects (result `fail`), and their namespaces.
        public var breaksWorkloads: Int
        public var breaksNamespaces: Int
        public var brokenNamespaces: [String]
        /// Workloads whose controller's pod template the policy rejects while no pod of theirs is rejected
        /// (result `warn`: Pod Security Admission warns on controllers, and rejects their pods once made).
        public var warnsWorkloads: Int
        public var warnNamespaces: [String]
        /// Judged requests the policy rejects.
        public var failedRequests: Int
        /// Workloads where the cluster's own Pod Security Admission annotations disagree with this policy's
        /// verdict on some request (`pss:` policies at the level and version the annotations name).
        public var clusterDisagreements: Int
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
        /// Requests the cluster's Pod Security Admission recorded as exempt (`…/exempt` annotation).
        public var clusterExemptRequests: Int
        /// One per policy, in the order of `policies`.
        public var verdicts: [Verdict]
        /// `pspctl check` only: where the workload's manifests are (`file#document`, `file#document.item`
        /// for a List item, `helm-source (-#document)` for a Helm stream), in reading order.
        public var sources: [String]? = nil
    }

    public struct Verdict: Sendable, Codable {
        public var policy: String
        /// `fail` (some pod rejected), `warn` (only a controller's pod template rejected: its pods would be
        /// once created), `pass` (every judged request admitted) or `unjudged` (no request could be judged:
        /// no object in the log, or every request exempt).
        public var result: String
        public var judgedRequests: Int
        public var failedRequests: Int
        /// Of `failedRequests`, the ones that wrote a controller's template rather than a pod.
        public var failedTemplateRequests: Int
        public var exemptRequests: Int
        /// Distinct failures, first seen first (at most 32; `moreFailures` counts the ones not kept).
        public var failures: [PolicyFailure]
        public var moreFailures: Int
        /// The failing check ids (or rule names), without repeats, in order.
        public var failingChecks: [String]
        /// For `pss:` policies, how the verdicts compare with the cluster's own Pod Security Admission
        /// annotations at the same level and version; absent when the log has none.
        public var cluster: ClusterComparison?
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

    public static let restrictivenessRule = "more workloads broken or warned (fail or warn) is more restrictive; ties: more failing (workload, check) pairs, then Pod Security Standards level and version (pss: policies), then the later --policy"

    init(policies: [ReportPolicy], rows: [WorkloadRow], counts: LogCounts, budget: Int) {
        log = counts
        // One pass over the rows makes the workloads and each policy's tallies (no copy of a row per policy:
        // a report can have tens of thousands of rows).
        var tallies = Array(repeating: PolicyTally(), count: policies.count)
        var workloads: [WorkloadReport] = []
        workloads.reserveCapacity(rows.count)
        for row in rows {
            var verdicts: [Verdict] = []
            verdicts.reserveCapacity(policies.count)
            for (index, policy) in policies.enumerated() {
                let verdict = row.verdicts[index]
                var checks: [String] = []
                for failure in verdict.failures where !checks.contains(failure.check) { checks.append(failure.check) }
                let result = verdict.failedRequests > verdict.failedTemplateRequests ? "fail"
                    : verdict.failedRequests > 0 ? "warn" : verdict.judgedRequests > 0 ? "pass" : "unjudged"
                tallies[index].add(result: result, namespace: row.key.namespace, failedRequests: verdict.failedRequests,
                                   failingChecks: checks.count, disagrees: (verdict.cluster?.disagreements ?? 0) > 0)
                verdicts.append(Verdict(policy: policy.id, result: result,
                                        judgedRequests: verdict.judgedRequests, failedRequests: verdict.failedRequests,
                                        failedTemplateRequests: verdict.failedTemplateRequests,
                                        exemptRequests: verdict.exemptRequests, failures: verdict.failures,
                                        moreFailures: verdict.moreFailures, failingChecks: checks, cluster: verdict.cluster))
            }
            workloads.append(WorkloadReport(
                namespace: row.key.namespace, kind: row.key.kind, name: row.key.name, requests: row.requests,
                unjudgedRequests: row.unjudgedRequests,
                firstSeen: row.firstSeen.map(TimestampText.utc) ?? "", lastSeen: row.lastSeen.map(TimestampText.utc) ?? "",
                users: row.users, moreUsers: row.moreUsers, clusterExemptRequests: row.clusterExemptRequests,
                verdicts: verdicts))
        }
        self.workloads = workloads
        let summaries = zip(policies, tallies).map { policy, tally in
            let brokenNamespaces = tally.brokenNamespaces.sorted()
            return PolicySummary(
                id: policy.id, kind: policy.kind, judgedWorkloads: tally.judged, judgedNamespaces: tally.judgedNamespaces.count,
                breaksWorkloads: tally.broken, breaksNamespaces: brokenNamespaces.count, brokenNamespaces: brokenNamespaces,
                warnsWorkloads: tally.warned, warnNamespaces: tally.warnNamespaces.sorted(),
                failedRequests: tally.failedRequests, clusterDisagreements: tally.disagreements)
        }
        self.policies = summaries
        // Restrictiveness on this log: workloads broken, then failing (workload, check) pairs, then level and
        // version for two pss: policies, then the order given.
        let pairs = tallies.map(\.failingPairs)
        let affected = summaries.map { $0.breaksWorkloads + $0.warnsWorkloads }
        let order = policies.indices.sorted { a, b in
            if affected[a] != affected[b] { return affected[a] < affected[b] }
            if pairs[a] != pairs[b] { return pairs[a] < pairs[b] }
            if let x = policies[a].standard, let y = policies[b].standard, x != y {
                return x.level.strictness != y.level.strictness ? x.level.strictness < y.level.strictness : x.version < y.version
            }
            return a < b
        }
        comparison = Comparison(
            order: order.map { policies[$0].id }, restrictivenessRule: Self.restrictivenessRule,
            leastRestrictiveBreakingNothing: order.first { affected[$0] == 0 }.map { policies[$0].id },
            budget: budget,
            mostRestrictiveWithinBudget: order.last { affected[$0] <= budget }.map { policies[$0].id })
    }

    /// Whether some policy would reject some workload (its pods, or its controller's template).
    public var anyWorkloadBreaks: Bool { policies.contains { $0.breaksWorkloads + $0.warnsWorkloads > 0 } }
}

/// One policy's counts over the rows, as `Report.init` goes through them.
private struct PolicyTally {
    var judged = 0, broken = 0, warned = 0, failedRequests = 0, failingPairs = 0, disagreements = 0
    var judgedNamespaces = Set<String>(), brokenNamespaces = Set<String>(), warnNamespaces = Set<String>()

    mutating func add(result: String, namespace: String, failedRequests: Int, failingChecks: Int, disagrees: Bool) {
        if result != "unjudged" {
            judged += 1
            judgedNamespaces.insert(namespace)
        }
        if result == "fail" {
            broken += 1
            brokenNamespaces.insert(namespace)
        } else if result == "warn" {
            warned += 1
            warnNamespaces.insert(namespace)
        }
        self.failedRequests += failedRequests
        failingPairs += failingChecks
        if disagrees { disagreements += 1 }
    }
}
