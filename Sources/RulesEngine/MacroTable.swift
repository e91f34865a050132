import ConditionLanguage

/// The compiled macros of one second pass (falco-rules.md §4): each macro's parsed tree, which macros
/// are used, and the expansion of macro references in rules. Every step is linear in what it reads or
/// builds: a used macro's references are marked once, and the size and depth of each macro's expansion
/// are computed once, so a rule whose expansion passes a limit is refused before anything is built.
struct MacroTable {
    private(set) var trees: [String: ConditionNode] = [:]
    private(set) var used: Set<String> = []
    private var shapes: [String: Shape] = [:]

    /// The size and depth of an expanded tree, in which nested `and`s (and nested `or`s) are one group.
    struct Shape {
        enum Kind { case and, or, other }
        var kind: Kind
        /// Nodes, saturating just past the limit.
        var nodes: Int
        /// Levels of `and`/`or`/`not`; a check alone is 0.
        var depth: Int
    }

    func isDefined(_ name: String) -> Bool { trees[name] != nil }

    /// Records a macro's tree; its references must already be defined (the caller checks).
    mutating func define(_ name: String, tree: ConditionNode) {
        markUsed(in: tree)
        shapes[name] = shape(of: tree)
        trees[name] = tree
    }

    /// Marks every macro `tree` references, directly or through other macros. A macro already marked
    /// had its own references marked then, so it is not walked again.
    mutating func markUsed(in tree: ConditionNode) {
        var pending = [tree]
        while let node = pending.popLast() {
            switch node {
            case .and(let operands), .or(let operands): pending.append(contentsOf: operands)
            case .not(let operand): pending.append(operand)
            case .macro(let name):
                if used.insert(name).inserted, let macroTree = trees[name] { pending.append(macroTree) }
            case .comparison: break
            }
        }
    }

    /// The shape `tree` has once its macros are expanded. Recursion follows the parsed tree only, whose
    /// depth the parser bounds; macros contribute their recorded shapes.
    func shape(of tree: ConditionNode) -> Shape {
        switch tree {
        case .comparison: return Shape(kind: .other, nodes: 1, depth: 0)
        case .macro(let name): return shapes[name] ?? Shape(kind: .other, nodes: 1, depth: 0)
        case .not(let operand):
            let inner = shape(of: operand)
            return Shape(kind: .other, nodes: Self.capped(inner.nodes + 1),
                         depth: min(inner.depth + 1, LoaderLimits.maximumExpandedDepth + 1))
        case .and(let operands): return groupShape(operands, kind: .and)
        case .or(let operands): return groupShape(operands, kind: .or)
        }
    }

    private func groupShape(_ operands: [ConditionNode], kind: Shape.Kind) -> Shape {
        var nodes = 1, depth = 0
        for operand in operands {
            let member = shape(of: operand)
            // A member of the same kind joins this group: its own node and level disappear.
            let joins = member.kind == kind
            nodes = Self.capped(nodes + member.nodes - (joins ? 1 : 0))
            depth = max(depth, member.depth - (joins ? 1 : 0))
        }
        return Shape(kind: kind, nodes: nodes, depth: min(depth + 1, LoaderLimits.maximumExpandedDepth + 1))
    }

    private static func capped(_ nodes: Int) -> Int { min(nodes, LoaderLimits.maximumExpandedNodes + 1) }

    /// `tree` with every macro reference replaced by the macro's tree, repeatedly (§4), and nested
    /// `and`s and `or`s joined into one group each, as the filter evaluates them (§7.2). Iterative, so
    /// chains of any length cost no recursion; the caller has checked `shape(of: tree)` against the limits.
    func expand(_ tree: ConditionNode) -> ConditionNode {
        enum GroupKind { case root, and, or, not }
        enum Work { case visit(ConditionNode), close }
        var groups: [(kind: GroupKind, members: [ConditionNode])] = [(.root, [])]
        var work: [Work] = [.visit(tree)]
        while let item = work.popLast() {
            switch item {
            case .close:
                let group = groups.removeLast()
                let node: ConditionNode
                switch group.kind {
                case .and: node = .and(group.members)
                case .or: node = .or(group.members)
                case .not, .root: node = .not(group.members[0])
                }
                groups[groups.count - 1].members.append(node)
            case .visit(let node):
                switch node {
                case .comparison:
                    groups[groups.count - 1].members.append(node)
                case .macro(let name):
                    work.append(.visit(trees[name]!))
                case .not(let operand):
                    groups.append((.not, []))
                    work.append(.close)
                    work.append(.visit(operand))
                case .and(let operands), .or(let operands):
                    let kind: GroupKind
                    if case .and = node { kind = .and } else { kind = .or }
                    if groups[groups.count - 1].kind != kind {
                        groups.append((kind, []))
                        work.append(.close)
                    }
                    for operand in operands.reversed() { work.append(.visit(operand)) }
                }
            }
        }
        return groups[0].members[0]
    }
}
