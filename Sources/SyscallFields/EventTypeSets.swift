import ConditionLanguage

/// Event-type sets of checks and condition trees (falco-rules.md §7.4, syscall-fields.md §4.3;
/// falcosecurity/libs b7eb0dd `gen_filter.cpp`, `filterchecks.cpp`).
extension EventTypeSet {
    /// `evt.type` with `=`/`in` → the named types; with `!=` → every other type; any other check → all.
    static func contribution(of check: SyscallCheck) -> EventTypeSet {
        let names = check.values.compactMap { value -> String? in
            if case .text(let bytes) = value { return String(decoding: bytes, as: UTF8.self) }
            return nil
        }
        return contribution(field: check.field.name == "evt.type" && check.field.argument == nil ? "evt.type" : nil,
                            op: check.op, names: names)
    }

    /// The set of a macro-free tree. The loader's groups (a flattened `and`/`or` chain, a `not` as its
    /// own group) evaluate left to right with ∩/∪ and complement, which is this recursion.
    static func of(_ node: ConditionNode) -> EventTypeSet {
        switch node {
        case .and(let operands):
            guard let first = operands.first else { return .all }
            return operands.dropFirst().reduce(of(first)) { $0.intersection(of($1)) }
        case .or(let operands):
            guard let first = operands.first else { return .all }
            return operands.dropFirst().reduce(of(first)) { $0.union(of($1)) }
        case .not(let operand): return of(operand).complement
        case .comparison(let comparison):
            return contribution(field: comparison.field, op: comparison.op, names: comparison.values)
        case .macro: return .all
        }
    }

    private static func contribution(field: String?, op: ComparisonOperator, names: [String]) -> EventTypeSet {
        guard field == "evt.type" else { return .all }
        switch op {
        case .equal, .in: return EventTypeSet(names: names)
        // "Every type whose name is none of the values": a plain difference, even when it is all.
        case .notEqual: return EventTypeSet(bits: NameBits.all.subtracting(EventTypeSet(names: names).bits))
        default: return .all
        }
    }
}
