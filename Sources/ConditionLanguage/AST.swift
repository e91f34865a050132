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
public indirect enum ConditionNode: Sendable, Equatable {
    case and(ConditionNode, ConditionNode)
    case or(ConditionNode, ConditionNode)
    case not(ConditionNode)
    /// `field op value`, `field op (v1, v2, …)` or `field exists`.
    /// `values` holds one value for relational operators, the list for set operators, none for `exists`.
    /// Values are already converted the way Falco hands them to fields (numbers re-printed with %.14g,
    /// quoted strings unquoted but not unescaped, bare strings trimmed).
    case comparison(Comparison)
    case macro(String)
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
