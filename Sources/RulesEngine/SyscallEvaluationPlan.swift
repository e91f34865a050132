import ConditionLanguage
import SyscallFields

/// Falco 0.31.1's syscall ruleset, the filter stage of the syscall source (falco-rules.md §10.2–§10.3,
/// syscall-fields.md §4.4, §6.6): each enabled rule is listed under every event-type name of its set
/// (§4.3, computed from its expanded condition), in load order, or in the list of rules whose set is
/// empty. An event is judged by the list of its type (none for a generic event), then the empty-set
/// list; the first rule whose condition holds is the alert. Immutable once built.
final class SyscallEvaluationPlan: Sendable {
    let rules: [CompiledRule]
    /// Rule indexes (into `rules`) per event-type name, in load order.
    private let byType: [String: [Int]]
    /// Rules whose event-type set is empty: evaluated for every event, after the indexed ones.
    private let emptySet: [Int]

    init(rules: [CompiledRule]) {
        self.rules = rules
        var byType: [String: [Int]] = [:]
        var emptySet: [Int] = []
        for (index, rule) in rules.enumerated() where rule.source == .syscall && rule.enabled && rule.filter != nil {
            guard let condition = rule.condition else { continue }
            let set = SyscallEventTypes.set(for: condition)
            if set.isEmpty {
                emptySet.append(index)
            } else {
                for name in set.names { byType[name, default: []].append(index) }
            }
        }
        self.byType = byType
        self.emptySet = emptySet
    }

    /// Whether any enabled syscall rule can be evaluated.
    var isEmpty: Bool { byType.isEmpty && emptySet.isEmpty }

    /// Calls `body` with each rule the event triggers, in evaluation order: only the first unless
    /// `allMatches`. An event Falco skips by default (§4.6) is not evaluated unless `allEvents` (Falco `-A`).
    func forEachMatch(for event: SensorEvent, allMatches: Bool, allEvents: Bool,
                      _ body: (_ index: Int, _ rule: borrowing CompiledRule) -> Void) {
        if event.isSkippedByDefault && !allEvents { return }
        let indexed = event.isGeneric ? [] : byType[event.eventType] ?? []
        for list in [indexed, emptySet] {
            for index in list {
                guard let filter = rules[index].filter, filter.matches(event) else { continue }
                body(index, rules[index])
                if !allMatches { return }
            }
        }
    }
}

extension Filter {
    /// A syscall condition on one event: left to right with short-circuit (falco-rules.md §8.7). pspctl
    /// reports the rule that matched, also through a leading `not` (the "check stamp" correction).
    func matches(_ event: SensorEvent) -> Bool {
        switch self {
        case .and(let members): return members.allSatisfy { $0.matches(event) }
        case .or(let members): return members.contains { $0.matches(event) }
        case .not(let operand): return !operand.matches(event)
        case .syscall(let check): return check.matches(event)
        case .k8s: return false  // never part of a syscall rule
        }
    }
}
