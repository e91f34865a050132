import ConditionLanguage
import PspctlProtocol
import RulesEngine

/// A compiled rule set off the wire that cannot be taken: the message names the rule and the problem.
public struct RuleSetWireError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The engine's `RuleSetDescription` ↔ `pspctl.v1.CompiledRule`s (types.proto). ConverterService writes
/// with it; EvaluatorService's LoadRuleSet reads with it, then validates through
/// `RulesEngine(description:)` (`engine(from:options:)` does both).
public enum RuleSetWire {
    // MARK: engine → wire

    public static func compiledRules(_ description: RuleSetDescription) -> [PspctlV1.CompiledRule] {
        description.rules.map { rule in
            PspctlV1.CompiledRule(
                name: rule.name, description: rule.description, priority: priority(rule.priority),
                prioritySpelling: rule.prioritySpelling, source: rule.source, tags: rule.tags, output: rule.output,
                enabled: rule.enabled, condition: rule.condition.map(expression))
        }
    }

    public static func priority(_ priority: Priority) -> PspctlV1.Priority {
        PspctlV1.Priority(rawValue: Int32(priority.rawValue) + 1)
    }

    /// The wire form of an expanded condition (a `.macro` node, which a loaded rule never holds, is
    /// written as an empty Expression, which readers refuse).
    public static func expression(_ node: ConditionNode) -> PspctlV1.Expression {
        switch node {
        case .and(let operands): return .and(operands.map(expression))
        case .or(let operands): return .or(operands.map(expression))
        case .not(let operand): return .not(expression(operand))
        case .comparison(let comparison):
            let op = PspctlV1.ComparisonOperator(spelling: comparison.op.rawValue) ?? .unspecified
            return .compare(comparison.field, op, comparison.values)
        case .macro: return PspctlV1.Expression()
        }
    }

    // MARK: wire → engine

    /// The description the wire rules carry, structurally checked (`Expression.structuralProblem`,
    /// priorities); field names, operators against types and values are `RulesEngine(description:)`'s to check.
    public static func description(_ rules: [PspctlV1.CompiledRule]) throws(RuleSetWireError) -> RuleSetDescription {
        var described: [RuleDescription] = []
        described.reserveCapacity(rules.count)
        for (index, rule) in rules.enumerated() {
            let label = rule.name.isEmpty ? "Rule #\(index + 1)" : "Rule \(rule.name)"
            guard let priority = priority(rule.priority) else {
                throw RuleSetWireError("\(label): priority \(rule.priority) is not one of Falco's eight")
            }
            var condition: ConditionNode?
            if let expression = rule.condition {
                if let problem = expression.structuralProblem { throw RuleSetWireError("\(label): \(problem)") }
                condition = node(expression)
            }
            described.append(RuleDescription(
                name: rule.name, description: rule.description, priority: priority,
                prioritySpelling: rule.prioritySpelling, source: rule.source, tags: rule.tags, output: rule.output,
                enabled: rule.enabled, condition: condition))
        }
        return RuleSetDescription(rules: described)
    }

    /// An engine of the wire rules, validated as a rules file is (`RulesEngine(description:)`).
    public static func engine(from rules: [PspctlV1.CompiledRule],
                              options: RulesEngine.Options = RulesEngine.Options()) throws(RuleSetWireError) -> RulesEngine {
        let description = try description(rules)
        do { return try RulesEngine(description: description, options: options) }
        catch { throw RuleSetWireError(error.message) }
    }

    public static func priority(_ priority: PspctlV1.Priority) -> Priority? {
        guard priority.rawValue >= 1 else { return nil }
        return Priority(rawValue: Int(priority.rawValue) - 1)
    }

    /// A structurally valid expression (see `description(_:)`) as a condition tree.
    static func node(_ expression: PspctlV1.Expression) -> ConditionNode {
        switch expression.node {
        case .conjunction(let group)?: return .and(group.operands.map(node))
        case .disjunction(let group)?: return .or(group.operands.map(node))
        case .negation(let negation)?: return .not(node(negation.operand ?? PspctlV1.Expression()))
        case .comparison(let comparison)?:
            let op = comparison.operator.spelling.flatMap(ComparisonOperator.init(rawValue:)) ?? .exists
            return .comparison(Comparison(field: comparison.field, op: op, values: comparison.values))
        case nil:
            return .and([])
        }
    }
}
