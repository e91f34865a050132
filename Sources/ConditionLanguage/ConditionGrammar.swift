/// Falco 0.31.1's condition grammar (falco-rules.md §6.3), written rule for rule as the PEG it is:
/// alternatives are tried in order and the first that succeeds is kept; a failed rule leaves the
/// position where it found it. Keeping the structure of the original, rather than a conventional
/// precedence parser, is what reproduces Falco's syntax-error positions and "expecting" lists exactly,
/// since those come from every token tried, including in abandoned alternatives.
///
/// Each rule is tried a bounded number of times per position (a field name at most three times), so
/// parsing is linear in the length of the text.
struct ConditionGrammar {
    /// Parentheses and `not` nest by recursion, so nesting is bounded to keep the stack bounded.
    /// Falco's LPeg gives up (with a Lua error) at about 96 nested parentheses or 193 nested `not`s,
    /// so every condition Falco accepts stays within this limit.
    static let maximumNesting = 200

    private let lexemes: Lexemes
    private var position = 0
    private var failures = FarthestFailure()
    private var nesting = 0

    private init(_ text: String) { lexemes = Lexemes(text) }

    /// `text <- SKIP ('#' ANY* / expr)? END`
    static func parse(_ text: String) throws(ConditionSyntaxError) -> ConditionNode? {
        var grammar = ConditionGrammar(text)
        return try grammar.text()
    }

    private mutating func text() throws(ConditionSyntaxError) -> ConditionNode? {
        position = lexemes.skipSpace(from: 0)
        if lexemes.isCommentStart(at: position) { return nil }
        let start = position
        let expression = try orExpression()
        if expression == nil { position = start }
        guard position == lexemes.count else { throw failures.syntaxError(in: lexemes) }
        return expression
    }

    // MARK: Boolean structure

    /// `expr <- and_expr ('or' and_expr)*`
    private mutating func orExpression() throws(ConditionSyntaxError) -> ConditionNode? {
        try chain(joinedBy: "or") { grammar throws(ConditionSyntaxError) in try grammar.andExpression() }
            .map { operands in operands.count == 1 ? operands[0] : .or(Self.spliceLeading(operands, isAnd: false)) }
    }

    /// `and_expr <- not_expr ('and' not_expr)*`
    private mutating func andExpression() throws(ConditionSyntaxError) -> ConditionNode? {
        try chain(joinedBy: "and") { grammar throws(ConditionSyntaxError) in try grammar.notExpression() }
            .map { operands in operands.count == 1 ? operands[0] : .and(Self.spliceLeading(operands, isAnd: true)) }
    }

    /// The operands of `operand (keyword operand)*`, in order; nil when the first operand fails.
    /// Collected in a loop, so a chain of any length costs no recursion.
    private mutating func chain(
        joinedBy keyword: String,
        operand: (inout ConditionGrammar) throws(ConditionSyntaxError) -> ConditionNode?
    ) throws(ConditionSyntaxError) -> [ConditionNode]? {
        guard let first = try operand(&self) else { return nil }
        var operands = [first]
        while true {
            let beforeKeyword = position
            guard match(.keyword(keyword)) != nil, let next = try operand(&self) else {
                position = beforeKeyword
                return operands
            }
            operands.append(next)
        }
    }

    /// Falco's chains are left-nested, so `(a and b) and c` is the same tree as `a and b and c`: a
    /// parenthesised chain of the same kind in first place joins the outer one (see `ConditionNode`).
    private static func spliceLeading(_ operands: [ConditionNode], isAnd: Bool) -> [ConditionNode] {
        switch operands[0] {
        case .and(let inner) where isAnd, .or(let inner) where !isAnd:
            return inner + operands.dropFirst()
        default:
            return operands
        }
    }

    /// `not_expr <- 'not' not_expr / exists_expr`. When the operand after `not` fails, the second
    /// alternative reads the word `not` itself as a macro reference.
    private mutating func notExpression() throws(ConditionSyntaxError) -> ConditionNode? {
        let start = position
        if match(.keyword("not")) != nil {
            try enterNesting(at: start)
            defer { nesting -= 1 }
            if let operand = try notExpression() { return .not(operand) }
            position = start
        }
        return try existsExpression()
    }

    /// `exists_expr <- FIELD 'exists' / macro_expr`
    private mutating func existsExpression() throws(ConditionSyntaxError) -> ConditionNode? {
        let start = position
        if let field = fieldName(), match(.keyword(ComparisonOperator.exists.rawValue)) != nil {
            return .comparison(Comparison(field: field, op: .exists, values: []))
        }
        position = start
        return try macroExpression()
    }

    /// `macro_expr <- MACRO / rel_expr`
    private mutating func macroExpression() throws(ConditionSyntaxError) -> ConditionNode? {
        if let name = match(.macro) { return .macro(lexemes.text(name)) }
        return try relationalExpression()
    }

    /// `rel_expr <- FIELD RELOP value / FIELD SETOP list / '(' expr ')'`
    private mutating func relationalExpression() throws(ConditionSyntaxError) -> ConditionNode? {
        let start = position
        if let field = fieldName(), let op = relationalOperator(), let value = value() {
            return .comparison(Comparison(field: field, op: op, values: [value]))
        }
        position = start
        if let field = fieldName(), let op = setOperator(), let values = valueList() {
            return .comparison(Comparison(field: field, op: op, values: values))
        }
        position = start
        return try parenthesizedExpression()
    }

    private mutating func parenthesizedExpression() throws(ConditionSyntaxError) -> ConditionNode? {
        let start = position
        guard match(.symbol("(")) != nil else { return nil }
        try enterNesting(at: start)
        defer { nesting -= 1 }
        guard let inner = try orExpression(), match(.symbol(")")) != nil else {
            position = start
            return nil
        }
        return inner
    }

    /// Counts one level of `(` or `not` starting at `offset`; past the limit, that is the error's position.
    private mutating func enterNesting(at offset: Int) throws(ConditionSyntaxError) {
        nesting += 1
        guard nesting <= Self.maximumNesting else {
            throw ConditionSyntaxError(
                position: offset + 1,
                message: "\(offset + 1): syntax error, expression nested too deeply "
                    + "(more than \(Self.maximumNesting) levels of parentheses and 'not')")
        }
    }

    // MARK: Comparisons

    private mutating func fieldName() -> String? {
        match(.fieldName).map(lexemes.text)
    }

    /// `RELOP` in grammar order. `==` comes after `=`, which matches first, so `==` never matches:
    /// it is only ever tried, which is why Falco names it among the expected tokens.
    private static let relationalOperators: [(spelling: String, op: ComparisonOperator?)] = [
        ("=", .equal), ("==", nil), ("!=", .notEqual), ("<=", .lessOrEqual), (">=", .greaterOrEqual),
        ("<", .less), (">", .greater), ("contains", .contains), ("icontains", .icontains), ("glob", .glob),
        ("startswith", .startswith), ("endswith", .endswith),
    ]

    private static let setOperators: [ComparisonOperator] = [.in, .intersects, .pmatch]

    private mutating func relationalOperator() -> ComparisonOperator? {
        for (spelling, op) in Self.relationalOperators {
            if match(.symbol(spelling)) != nil { return op }
        }
        return nil
    }

    private mutating func setOperator() -> ComparisonOperator? {
        for op in Self.setOperators {
            if match(.keyword(op.rawValue)) != nil { return op }
        }
        return nil
    }

    /// `list <- '(' value? (',' value*)* ')'`: hence `()`, `(,a)`, `(a,,b)`, `(a,)` and, after the
    /// first comma, values separated by spaces only (`(a, b c)`), but not `(a b)`.
    private mutating func valueList() -> [String]? {
        let start = position
        guard match(.symbol("(")) != nil else { return nil }
        var values: [String] = []
        if let first = value() { values.append(first) }
        while match(.symbol(",")) != nil {
            while let next = value() { values.append(next) }
        }
        guard match(.symbol(")")) != nil else {
            position = start
            return nil
        }
        return values
    }

    /// `value <- NUMBER / STRING / BARESTRING`, converted as Falco hands values to fields (§6.4):
    /// numbers re-printed the LuaJIT way, quoted strings unquoted but not unescaped, bare strings trimmed.
    private mutating func value() -> String? {
        if let number = match(.number) {
            return LuaNumberFormat.string(from: LuaNumberFormat.number(fromToken: lexemes.text(number)))
        }
        if let quoted = match(.string) {
            return lexemes.text(quoted.lowerBound + 1..<quoted.upperBound - 1)
        }
        if let bare = match(.bareString) {
            return lexemes.trimmedText(bare)
        }
        return nil
    }

    // MARK: Tokens

    /// A token is a lexeme followed by any whitespace. When the lexeme is absent the token's name is
    /// recorded for the error message and the position does not move.
    private mutating func match(_ token: Token) -> Range<Int>? {
        guard let end = token.end(in: lexemes, from: position) else {
            failures.record(token.name, at: position)
            return nil
        }
        let lexeme = position..<end
        position = lexemes.skipSpace(from: end)
        return lexeme
    }
}

/// The named tokens of the grammar; `name` is how a syntax error lists them.
private enum Token {
    case keyword(String)
    case symbol(String)
    case fieldName, macro, number, string, bareString

    var name: String {
        switch self {
        case .keyword(let word): word
        case .symbol(let symbol): symbol
        case .fieldName: "FieldName"
        case .macro: "Macro"
        case .number: "Number"
        case .string: "String"
        case .bareString: "BareString"
        }
    }

    func end(in lexemes: Lexemes, from start: Int) -> Int? {
        switch self {
        case .keyword(let word): lexemes.keywordEnd(word, from: start)
        case .symbol(let symbol): lexemes.symbolEnd(symbol, from: start)
        case .fieldName: lexemes.fieldNameEnd(from: start)
        case .macro: lexemes.macroEnd(from: start)
        case .number: lexemes.numberEnd(from: start)
        case .string: lexemes.quotedStringEnd(from: start)
        case .bareString: lexemes.bareStringEnd(from: start)
        }
    }
}
