import ConditionLanguage

/// A loaded rule set described as plain values: what ConverterService sends and EvaluatorService loads
/// back (through `RulesEngine(description:)`, which validates everything, never trusting it).
public struct RuleSetDescription: Sendable, Equatable {
    /// Every loaded rule in evaluation order (order of first definition).
    public var rules: [RuleDescription]

    public init(rules: [RuleDescription]) { self.rules = rules }
}

/// One loaded rule.
public struct RuleDescription: Sendable, Equatable {
    public var name: String
    public var description: String
    public var priority: Priority
    /// The priority as spelled in the rules file (Falco's statistics print it).
    public var prioritySpelling: String
    /// The event source's name: `k8s_audit` or `syscall` (a string, so a described set naming another
    /// source can be refused with a message).
    public var source: String
    /// Sorted, de-duplicated.
    public var tags: [String]
    /// The `output:` format as loaded (trimmed).
    public var output: String
    public var enabled: Bool
    /// The condition with macros, lists and exceptions expanded: a tree of `and`/`or`/`not` over
    /// comparisons (never `.macro`). Values are as the engine hands them to fields; whether they are a
    /// list follows from the operator (`in`, `intersects`, `pmatch`). Nil only for a disabled rule
    /// whose condition named a field unknown to pspctl under `skip-if-unknown-filter`.
    public var condition: ConditionNode?

    public init(name: String, description: String, priority: Priority, prioritySpelling: String, source: String,
                tags: [String], output: String, enabled: Bool, condition: ConditionNode?) {
        self.name = name
        self.description = description
        self.priority = priority
        self.prioritySpelling = prioritySpelling
        self.source = source
        self.tags = tags
        self.output = output
        self.enabled = enabled
        self.condition = condition
    }
}

extension RulesEngine {
    /// The loaded rules as a `RuleSetDescription` (the compiled form of the rule set).
    public var ruleSetDescription: RuleSetDescription {
        RuleSetDescription(rules: rules.map { rule in
            RuleDescription(name: rule.name, description: rule.description, priority: rule.priority,
                            prioritySpelling: rule.prioritySpelling, source: rule.source.rawValue, tags: rule.tags,
                            output: rule.output, enabled: rule.enabled, condition: rule.condition)
        })
    }
}
