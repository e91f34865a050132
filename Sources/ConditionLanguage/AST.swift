/// The operators of Falco 0.31.1's condition grammar (`==`, `bcontains`, … do not exist there).
public enum ComparisonOperator: String, Sendable, CaseIterable, Hashable {
    case equal = "="
    case notEqual = "!="
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="
    case contains
    case icontains
    case startswith
    case endswith
    case glob
    case `in`
    case intersects
    case pmatch
    case exists

    /// `in`, `intersects` and `pmatch` take a parenthesised list of values.
    public var takesList: Bool { self == .in || self == .intersects || self == .pmatch }
}

/// A parsed condition. Macro references stay unresolved until the loader expands them.
///
/// An `and`/`or` chain is one node holding its operands in order (at least two), not a tree of binary
/// nodes: `a and b and c` is `.and([a, b, c])`, so a condition of 100,000 terms is two levels deep and
/// nothing that walks it (the parser, the macro checks, the filter builder, deinit, `==`) recurses once
/// per term. Depth comes only from parentheses and `not`, which the parser bounds.
///
/// The shape corresponds one to one to Falco's left-nested binary tree: a chain's first operand is
/// never a node of the same kind (`(a and b) and c` is the chain `[a, b, c]`, as Falco's tree of it is
/// that of `a and b and c`), while a later operand may be (`a and (b and c)` is `[a, [b, c]]`). Code that
/// depends on the binary shape, such as the wording of undefined-macro messages, reads it from there.
public indirect enum ConditionNode: Sendable, Equatable {
    case and([ConditionNode])
    case or([ConditionNode])
    case not(ConditionNode)
    /// `field op value`, `field op (v1, v2, …)` or `field exists`.
    /// `values` holds one value for relational operators, the list for set operators, none for `exists`.
    /// Values are already converted the way Falco hands them to fields (numbers re-printed with %.14g,
    /// quoted strings unquoted but not unescaped, bare strings trimmed).
    case comparison(Comparison)
    case macro(String)

    /// `left and right` as Falco's parser joins them: appended to `left` when it is already a chain.
    public static func and(_ left: ConditionNode, _ right: ConditionNode) -> ConditionNode {
        if case .and(let operands) = left { return .and(operands + [right]) }
        return .and([left, right])
    }

    /// `left or right` as Falco's parser joins them: appended to `left` when it is already a chain.
    public static func or(_ left: ConditionNode, _ right: ConditionNode) -> ConditionNode {
        if case .or(let operands) = left { return .or(operands + [right]) }
        return .or([left, right])
    }
}

public struct Comparison: Sendable, Hashable {
    public var field: String
    public var op: ComparisonOperator
    public var values: [String]

    public init(field: String, op: ComparisonOperator, values: [String]) {
        self.field = field
        self.op = op
        self.values = values
    }
}

/// A syntax error, worded as Falco 0.31.1 words it:
/// `<pos>: syntax error, unexpected '<tok>', expecting <list>`.
public struct ConditionSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 1-based byte offset in the parsed text.
    public var position: Int
    public var message: String
    public init(position: Int, message: String) {
        self.position = position
        self.message = message
    }
    public var description: String { message }
}
