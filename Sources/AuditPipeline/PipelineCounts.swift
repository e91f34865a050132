/// The running totals of one run (or stream), from which the summary is printed.
public struct PipelineCounts: Sendable, Equatable {
    /// The number of the last line read (blank lines included).
    public var lines = 0
    public var events = 0
    public var alerts = 0
    public var rejectedLines = 0
    public var podRequestsWithoutObject = 0
    /// Alerts per rule, indexed like the engine's rules.
    public var alertsByRule: [Int]

    public init(ruleCount: Int) {
        alertsByRule = Array(repeating: 0, count: ruleCount)
    }

    /// Adds an item's outcome (its alerts already counted per rule by the caller). A rejected item's
    /// events, alerts and requests before its failure count, as they were printed.
    public mutating func add(_ outcome: ItemOutcome) {
        events += outcome.events
        alerts += outcome.alerts
        podRequestsWithoutObject += outcome.podRequestsWithoutObject
        if outcome.rejection != nil { rejectedLines += 1 }
    }
}
