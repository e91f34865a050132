/// The undefined-macro check Falco runs while expanding macros (compiler.lua `expand_macros`,
/// falco-rules.md §4.1). Falco words the message differently depending on where the reference sits,
/// and users see that text, so both spellings are kept:
/// the whole condition or a left operand of `and`/`or` → `Undefined macro 'foo' used in filter.`;
/// a right operand or the operand of `not` → `Undefined macro foo used in filter.`
enum MacroReferences {
    static func firstUndefined(in root: ConditionNode, isDefined: (String) -> Bool) -> String? {
        if case .macro(let name) = root, !isDefined(name) { return quotedMessage(name) }
        // Depth-first, left before right, but each `and`/`or` node looks at both of its operands
        // before descending into either: in `x.y=1 and foo and bar` Falco reports `bar`.
        // An explicit stack keeps very long `and`/`or` chains from exhausting the call stack.
        var pending = [root]
        while let node = pending.popLast() {
            switch node {
            case .and(let left, let right), .or(let left, let right):
                if case .macro(let name) = left, !isDefined(name) { return quotedMessage(name) }
                if case .macro(let name) = right, !isDefined(name) { return unquotedMessage(name) }
                pending.append(right)
                pending.append(left)
            case .not(let operand):
                if case .macro(let name) = operand, !isDefined(name) { return unquotedMessage(name) }
                pending.append(operand)
            case .comparison, .macro:
                break
            }
        }
        return nil
    }

    private static func quotedMessage(_ name: String) -> String { "Undefined macro '\(name)' used in filter." }
    private static func unquotedMessage(_ name: String) -> String { "Undefined macro \(name) used in filter." }
}
