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
        //
        // A chain `[m0, m1, …, mk]` stands for Falco's left-nested tree (((m0 op m1) op m2) … op mk).
        // Walking that tree from its root checks mk, m(k-1), …, m2 as right operands, then m0 as the
        // left and m1 as the right operand of the innermost node, and only then descends into m0, m1,
        // …, mk in order; this loop does the same without building the tree.
        // An explicit stack keeps deep trees from exhausting the call stack.
        var pending = [root]
        while let node = pending.popLast() {
            switch node {
            case .and(let operands), .or(let operands):
                for operand in operands.dropFirst(2).reversed() {
                    if case .macro(let name) = operand, !isDefined(name) { return unquotedMessage(name) }
                }
                if let first = operands.first, case .macro(let name) = first, !isDefined(name) { return quotedMessage(name) }
                if operands.count > 1, case .macro(let name) = operands[1], !isDefined(name) { return unquotedMessage(name) }
                pending.append(contentsOf: operands.reversed())
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
