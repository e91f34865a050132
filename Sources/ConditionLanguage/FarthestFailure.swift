/// Falco's syntax-error bookkeeping (parser.lua `setffp`): every token that fails to match records its
/// name at the position where it was tried. Only the farthest position is kept, with the names tried
/// there, most recent first and each once. Failures inside alternatives that were later abandoned count
/// too, which is what makes the "expecting" lists of falco-rules.md §6.6.
struct FarthestFailure {
    /// 0-based byte offset, nil until a token has failed.
    private(set) var position: Int?
    private(set) var expectedMostRecentFirst: [String] = []

    mutating func record(_ tokenName: String, at offset: Int) {
        if position == nil || offset > position! {
            position = offset
            expectedMostRecentFirst = [tokenName]
        } else if offset == position, !expectedMostRecentFirst.contains(tokenName) {
            expectedMostRecentFirst.insert(tokenName, at: 0)
        }
    }

    /// `<pos>: syntax error, unexpected '<tok>', expecting '<a>', '<b>', …`
    func syntaxError(in lexemes: Lexemes) -> ConditionSyntaxError {
        let offset = position ?? 0
        let expecting = expectedMostRecentFirst.map { "'\($0)'" }.joined(separator: ", ")
        let oneBased = offset + 1
        return ConditionSyntaxError(
            position: oneBased,
            message: "\(oneBased): syntax error, unexpected '\(lexemes.unexpectedToken(at: offset))', expecting \(expecting)")
    }
}
