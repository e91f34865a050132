/// The verdict of one check on one pod spec (pod-security-admission `policy.CheckResult`).
public struct CheckResult: Sendable, Equatable {
    public var allowed: Bool
    /// Short reason, e.g. `host namespaces`; empty when allowed.
    public var forbiddenReason: String
    /// What exactly is forbidden, e.g. `hostNetwork=true`; empty when allowed.
    public var forbiddenDetail: String

    public static let allowed = CheckResult(allowed: true, forbiddenReason: "", forbiddenDetail: "")

    public static func forbidden(_ reason: String, _ detail: String) -> CheckResult {
        CheckResult(allowed: false, forbiddenReason: reason, forbiddenDetail: detail)
    }

    public init(allowed: Bool, forbiddenReason: String, forbiddenDetail: String) {
        self.allowed = allowed; self.forbiddenReason = forbiddenReason; self.forbiddenDetail = forbiddenDetail
    }

    /// The reason as PSA reports it: `unknown forbidden reason` when a check gave none.
    var reportedReason: String { forbiddenReason.isEmpty ? "unknown forbidden reason" : forbiddenReason }

    /// `reason (detail)` as one entry of PSA's detail string (the reason alone when there is no detail).
    public var reasonWithDetail: String {
        forbiddenDetail.isEmpty ? reportedReason : "\(reportedReason) (\(forbiddenDetail))"
    }
}

/// The outcome of evaluating every active check (`policy.AggregateCheckResult`).
public struct AggregateCheckResult: Sendable, Equatable {
    /// Forbidden results, in evaluation order, with the ID of the check that produced each.
    public let violations: [(checkID: String, result: CheckResult)]

    public init(_ results: [(checkID: String, result: CheckResult)]) {
        violations = results.filter { !$0.result.allowed }
    }

    public var allowed: Bool { violations.isEmpty }

    /// The reasons joined with `, ` (an empty reason reads `unknown forbidden reason`).
    public var forbiddenReason: String {
        violations.map(\.result.reportedReason).joined(separator: ", ")
    }

    /// PSA's detail string: each violation as `reason (detail)`, joined with `, `.
    public var forbiddenDetail: String {
        violations.map(\.result.reasonWithDetail).joined(separator: ", ")
    }

    public static func == (lhs: AggregateCheckResult, rhs: AggregateCheckResult) -> Bool {
        lhs.violations.elementsEqual(rhs.violations) { $0.checkID == $1.checkID && $0.result == $1.result }
    }
}
