import ConditionLanguage
import K8sAuditFields

/// A described rule set that does not load: the message names the rule and the problem, worded as the
/// rules-file loader words the same problem (`Rule R: error filter_check called with nonexistent field ka.foo`).
public struct DescribedRuleSetError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension RulesEngine {
    /// An engine holding the rules of `description`, validated as the rules-file loader validates a file,
    /// never trusted: source, priority and its spelling, the tree's shape (no macro, no empty group,
    /// values fitting the operator, the loader's node and depth limits), every comparison type-checked by
    /// the loader's filter builder (unknown field, operator the field's type does not support, value not
    /// of the field's type), and the output parsed as the loader parses it. Rules less severe than
    /// `options.minimumPriority` are left out, as the loader leaves them out.
    ///
    /// The engine evaluates exactly as one that loaded the rules file the description was made from.
    /// It has no lists or macros of its own, so it is meant to be used as it is, not loaded further.
    public convenience init(description: RuleSetDescription, options: Options = Options()) throws(DescribedRuleSetError) {
        self.init(options: options)
        let builder = FilterBuilder(fields: fields)
        var names: Set<String> = []
        var compiled: [CompiledRule] = []
        for (index, rule) in description.rules.enumerated() {
            let label = rule.name.isEmpty ? "Rule #\(index + 1)" : "Rule \(rule.name)"
            guard !rule.name.isEmpty else { throw DescribedRuleSetError("\(label): the rule has no name") }
            guard names.insert(rule.name).inserted else { throw DescribedRuleSetError("\(label): defined twice") }
            guard let source = EventSource(rawValue: rule.source) else {
                throw DescribedRuleSetError("\(label): unknown source \(rule.source)")
            }
            guard Priority(spelling: rule.prioritySpelling) == rule.priority else {
                throw DescribedRuleSetError("\(label): priority spelling \(rule.prioritySpelling) is not \(rule.priority.name)")
            }
            guard rule.priority.isAtLeast(options.minimumPriority) else { continue }
            var filter: Filter?
            if let condition = rule.condition {
                if let problem = Self.shapeProblem(condition) { throw DescribedRuleSetError("\(label): \(problem)") }
                do { filter = try builder.build(condition, source: source) }
                catch { throw DescribedRuleSetError("\(label): error \(error.message)") }
            } else if rule.enabled {
                throw DescribedRuleSetError("\(label): an enabled rule needs a condition")
            }
            let alertFormat: AlertFormats
            do {
                alertFormat = try OutputValidator.validate(output: rule.output, priority: rule.priority, source: source,
                                                           fields: fields, timeFormatISO8601: options.timeFormatISO8601)
            } catch {
                throw DescribedRuleSetError("\(label): \(error.message)")
            }
            compiled.append(CompiledRule(
                name: rule.name, description: rule.description, priority: rule.priority,
                prioritySpelling: rule.prioritySpelling, source: source,
                tags: Array(Set(rule.tags)).sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }),
                output: rule.output, enabled: rule.enabled && filter != nil, condition: rule.condition,
                filter: filter, k8sAlertFormat: alertFormat.k8s, syscallAlertFormat: alertFormat.syscall))
        }
        install(compiled)
    }

    /// The first structural problem of a described condition, walking it iteratively (any depth is safe):
    /// a macro reference, an empty `and`/`or`, values that do not fit the operator, or more nodes or
    /// levels than `LoaderLimits` allow a rule after macro expansion.
    static func shapeProblem(_ root: ConditionNode) -> String? {
        var pending: [(ConditionNode, Int)] = [(root, 0)]
        var nodes = 0
        while let (node, depth) = pending.popLast() {
            nodes += 1
            if nodes > LoaderLimits.maximumExpandedNodes {
                return "the condition has more than \(LoaderLimits.maximumExpandedNodes) nodes (pspctl's limit per rule)"
            }
            if depth > LoaderLimits.maximumExpandedDepth {
                return "the condition nests more than \(LoaderLimits.maximumExpandedDepth) levels of and/or/not (pspctl's limit per rule)"
            }
            switch node {
            case .macro(let name):
                return "the condition refers to macro \(name); a described condition has its macros expanded"
            case .and(let operands), .or(let operands):
                guard !operands.isEmpty else { return "the condition has an and/or without operands" }
                pending += operands.map { ($0, depth + 1) }
            case .not(let operand):
                pending.append((operand, depth + 1))
            case .comparison(let comparison):
                let count = comparison.values.count
                if comparison.op == .exists, count != 0 {
                    return "\(comparison.field) exists takes no value, has \(count)"
                }
                if !comparison.op.takesList, comparison.op != .exists, count != 1 {
                    return "\(comparison.field) \(comparison.op.rawValue) takes one value, has \(count)"
                }
            }
        }
        return nil
    }
}
