import AuditJSON
import EventTime
import K8sAuditFields
import PodSecurity

/// Pod Security Admission's exemptions (`--exempt-…`, an AdmissionConfiguration's `exemptions`): a request
/// they exempt is allowed by every `pss:` policy without being judged.
public struct ReportExemptions: Sendable, Equatable {
    public var usernames: Set<String>
    public var namespaces: Set<String>
    public var runtimeClasses: Set<String>
    public init(usernames: [String] = [], namespaces: [String] = [], runtimeClasses: [String] = []) {
        self.usernames = Set(usernames); self.namespaces = Set(namespaces); self.runtimeClasses = Set(runtimeClasses)
    }
    public var isEmpty: Bool { usernames.isEmpty && namespaces.isEmpty && runtimeClasses.isEmpty }
}

/// Builds a report in one pass over a log: every event goes through `add`, each pod-creating request is
/// judged by every policy and counted on its workload's row. Memory grows with the number of distinct
/// workloads, never with the number of events: each row keeps counts, two times, at most `userLimit`
/// users and at most `failureLimit` distinct failures per policy.
public struct ReportBuilder {
    public let policies: [ReportPolicy]
    public let exemptions: ReportExemptions
    public static let userLimit = 5
    public static let failureLimit = 32

    private var attribution = WorkloadAttribution()
    private var rows: [WorkloadKey: WorkloadRow] = [:]
    public private(set) var counts = LogCounts()

    /// The check entries the `pss:` policies run, each once (a baseline check at one version is the same
    /// entry in baseline and restricted, and in two versions that did not change it), and for each policy
    /// the slot of each of its active checks.
    private let checkEntries: [VersionedCheck]
    private let checkSlots: [[Int]]

    public init(policies: [ReportPolicy], exemptions: ReportExemptions = ReportExemptions()) {
        self.policies = policies
        self.exemptions = exemptions
        var entries: [VersionedCheck] = []
        var slotOf: [String: Int] = [:]
        checkSlots = policies.map { policy in
            policy.activeChecks.map { active in
                let key = "\(active.check.id)@\(active.entry.minimumVersion)"
                if let slot = slotOf[key] { return slot }
                entries.append(active.entry)
                slotOf[key] = entries.count - 1
                return entries.count - 1
            }
        }
        checkEntries = entries
    }

    /// Adds one line of the log (an Event, an EventList or a JSON array of events). Throws the reason
    /// when the line is not audit events (nothing of it is counted then).
    public mutating func add(line: UnsafeBufferPointer<UInt8>, number: Int) throws(K8sAuditInputError) {
        counts.lines = number
        if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A }) { return }
        let events = try K8sAuditDocument.events(from: line)
        for event in events { add(event) }
    }

    /// A line that was not read (malformed or overlong, skipped with --keep-going).
    public mutating func skipLine(number: Int) {
        counts.lines = number
        counts.skippedLines += 1
    }

    public mutating func add(_ event: K8sAuditEvent) { add(event, as: nil) }

    /// Adds one event; a pod-creating request is counted on `workload`'s row when given (`pspctl check`:
    /// each manifest is its own workload), else on the workload its owners make it part of.
    public mutating func add(_ event: K8sAuditEvent, as workload: WorkloadKey?) {
        counts.events += 1
        guard case .counted(let attributed, let kind, let pod) = attribution.classify(event) else { return }
        let key = workload ?? attributed
        counts.requests += 1
        let row = rows[key] ?? WorkloadRow(key: key, policyCount: policies.count)
        rows[key] = row
        row.requests += 1
        row.firstSeen = min(row.firstSeen ?? event.timeNs, event.timeNs)
        row.lastSeen = max(row.lastSeen ?? event.timeNs, event.timeNs)
        if let user = event.object["user"]?["username"]?.string {
            row.addUser(user, limit: Self.userLimit)
        }
        guard let pod else {
            row.unjudgedRequests += 1
            counts.unjudgedRequests += 1
            return
        }
        let exempt = isExempt(event, namespace: key.namespace, pod: pod)
        let context = K8sEventContext(event: event)
        let cluster = ClusterAnnotations(event: event.object)
        if cluster?.exempt != nil { row.clusterExemptRequests += 1 }
        var verdicts = [CheckResult?](repeating: nil, count: checkEntries.count)
        for (index, policy) in policies.enumerated() {
            if exempt && policy.kind == .pss {
                row.verdicts[index].exemptRequests += 1
                continue
            }
            let failures: [PolicyFailure]
            let slots = checkSlots[index]
            do {
                failures = try policy.judge(context, pod: pod) { check in
                    let slot = slots[check]
                    if let known = verdicts[slot] { return known }
                    let result = checkEntries[slot].evaluate(pod)
                    verdicts[slot] = result
                    return result
                }
            } catch {
                failures = [PolicyFailure(check: "evaluation-error", reason: "the rules could not evaluate the event", detail: "\(error)")]
            }
            row.verdicts[index].add(failures, template: kind != .pod, limit: Self.failureLimit)
            if let standard = policy.standard, let violates = cluster?.violates(standard) {
                row.verdicts[index].compare(clusterViolates: violates, pspctlFails: !failures.isEmpty, time: event.timeNs,
                                            annotation: violates ? cluster?.auditViolationText ?? "" : "")
            }
        }
    }

    private func isExempt(_ event: K8sAuditEvent, namespace: String, pod: PodSpecView) -> Bool {
        guard !exemptions.isEmpty else { return false }
        if exemptions.namespaces.contains(namespace) { return true }
        if let user = event.object["user"]?["username"]?.string, exemptions.usernames.contains(user) { return true }
        if let runtimeClass = pod.spec.runtimeClassName, exemptions.runtimeClasses.contains(runtimeClass) { return true }
        return false
    }

    /// The report of everything added so far.
    public func report(budget: Int) -> Report {
        Report(policies: policies, rows: rows.values.sorted { $0.key < $1.key }, counts: counts, budget: budget)
    }
}

/// What was read.
public struct LogCounts: Sendable, Equatable, Codable {
    public var lines = 0
    public var events = 0
    /// Pod-creating requests (the events that count).
    public var requests = 0
    /// Of those, the ones without an object to judge (audit level Metadata).
    public var unjudgedRequests = 0
    /// Lines skipped with --keep-going (not audit events, or too long).
    public var skippedLines = 0
    public init() {}
}

/// One workload's accumulated requests (a class: rows are updated in place in the builder's table).
final class WorkloadRow {
    let key: WorkloadKey
    var requests = 0
    var unjudgedRequests = 0
    var firstSeen: UInt64?
    var lastSeen: UInt64?
    /// The first users seen, in order; `moreUsers` counts the other distinct ones (exactly, up to 4096).
    var users: [String] = []
    var moreUsers = 0
    /// Requests the cluster's Pod Security Admission recorded as exempt (an `…/exempt` annotation).
    var clusterExemptRequests = 0
    private var overflowUsers = Set<Int>()
    var verdicts: [VerdictAccumulator]

    init(key: WorkloadKey, policyCount: Int) {
        self.key = key
        verdicts = Array(repeating: VerdictAccumulator(), count: policyCount)
    }

    /// Keeps the first `limit` users; the others are counted exactly by a set of their hashes, itself
    /// capped so a row never holds more than a few thousand integers.
    func addUser(_ user: String, limit: Int) {
        if users.contains(user) { return }
        if users.count < limit { users.append(user); return }
        if overflowUsers.count < 4096 {
            if overflowUsers.insert(user.hashValue).inserted { moreUsers += 1 }
        }
    }
}

/// One policy's verdict on one workload, as it accumulates.
struct VerdictAccumulator {
    var judgedRequests = 0
    var failedRequests = 0
    /// Of the failed requests, those that wrote a controller's pod template (not a pod).
    var failedTemplateRequests = 0
    var exemptRequests = 0
    /// Distinct failures (check, reason, detail), first seen first.
    var failures: [PolicyFailure] = []
    var moreFailures = 0
    var cluster: ClusterComparison?

    mutating func add(_ found: [PolicyFailure], template: Bool, limit: Int) {
        judgedRequests += 1
        guard !found.isEmpty else { return }
        failedRequests += 1
        if template { failedTemplateRequests += 1 }
        for failure in found where !failures.contains(failure) {
            if failures.count < limit { failures.append(failure) } else { moreFailures += 1 }
        }
    }

    /// One request the cluster's annotations judged at this policy's level and version.
    mutating func compare(clusterViolates: Bool, pspctlFails: Bool, time: UInt64, annotation: String) {
        var comparison = cluster ?? ClusterComparison()
        comparison.comparedRequests += 1
        if clusterViolates != pspctlFails {
            comparison.disagreements += 1
            if comparison.firstDisagreement == nil {
                comparison.firstDisagreement = ClusterComparison.Disagreement(
                    time: TimestampText.utc(time), cluster: clusterViolates ? "violates" : "admits",
                    pspctl: pspctlFails ? "fail" : "pass",
                    annotation: annotation.isEmpty ? "enforce-policy" : annotation)
            }
        }
        cluster = comparison
    }
}

extension ReportExemptions {
    /// Adds the exemptions of an AdmissionConfiguration or PodSecurityConfiguration (`--admission-config`,
    /// read as `convert` reads it); `name` labels its errors.
    public mutating func add(admissionConfig text: String, name: String) throws {
        do {
            let referenced = try PodSecurityConfiguration.readReferencedFile(of: text)
            let configuration = try PodSecurityConfiguration(yaml: text, referencedFile: referenced)
            usernames.formUnion(configuration.exemptions.usernames)
            namespaces.formUnion(configuration.exemptions.namespaces)
            runtimeClasses.formUnion(configuration.exemptions.runtimeClasses)
        } catch {
            throw ReportInputError("--admission-config \(name): \(error.message)")
        }
    }
}
