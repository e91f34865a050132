/// Where EvaluatorService reports what it does, for metrics; the module knows no metrics library
/// (ServiceMetrics' `EvaluatorMetrics` has exactly these methods; `NoEvaluationMetrics` drops everything).
/// Called from stream tasks and LoadRuleSet handlers at once: implementations are thread-safe and quick.
public protocol EvaluationMetricsSink: Sendable {
    /// An Evaluate stream passed its `start` (its rule set was found).
    func evaluateStreamOpened()
    /// That stream ended, however it ended.
    func evaluateStreamClosed()
    /// One batch was evaluated: its items, the audit events in them, the items answered with an error,
    /// the alerts by rule and priority (Falco's priority names), and the time it took.
    func batchEvaluated(items: Int, events: Int, rejectedItems: Int,
                        alerts: [(rule: String, priority: String, count: Int)], duration: Duration)
    /// The rule-set cache now holds `count` sets.
    func ruleSetsCached(_ count: Int)
    /// A LoadRuleSet call: `source` is `files` or `compiled`; `outcome` is `loaded`, `cached` or `rejected`.
    func ruleSetLoad(source: String, outcome: String)
}

/// A sink that records nothing.
public struct NoEvaluationMetrics: EvaluationMetricsSink {
    public init() {}
    public func evaluateStreamOpened() {}
    public func evaluateStreamClosed() {}
    public func batchEvaluated(items: Int, events: Int, rejectedItems: Int,
                               alerts: [(rule: String, priority: String, count: Int)], duration: Duration) {}
    public func ruleSetsCached(_ count: Int) {}
    public func ruleSetLoad(source: String, outcome: String) {}
}
