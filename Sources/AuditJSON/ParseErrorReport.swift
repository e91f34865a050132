// Builds nlohmann v3.3.0's error text for a rejected document (k8s-audit-fields.md §1.6):
//   syntax error - unexpected TOKEN; expected TOKEN
//   syntax error - LEXER MESSAGE; last read: 'TEXT'[; expected TOKEN]
// Runs once per rejected document, so it favours clarity over speed.

enum ParseErrorReport {
    static func error(for failure: ParseFailure, in input: ScanInput) -> JSONParseError {
        switch failure {
        case .numberOverflow(let start, let end):
            let text = String(decoding: UnsafeBufferPointer(start: input.bytes + start, count: end - start),
                              as: UTF8.self)
            return JSONParseError(offset: end, message: "number overflow parsing '\(text)'", category: .numberOverflow)
        case .lexical(let lex, let tokenStart, let expecting):
            return lexicalError(lex, tokenStart: tokenStart, expecting: expecting, in: input)
        case .unexpectedToken(let p, let lastTokenStart, let expecting):
            switch scanToken(at: p, in: input) {
            case .token(let name, let end):
                return JSONParseError(offset: end,
                                      message: "syntax error - unexpected \(name)" + expecting.parserSuffix)
            case .lexical(let lex, let tokenStart):
                return lexicalError(lex, tokenStart: tokenStart ?? lastTokenStart, expecting: expecting, in: input)
            }
        }
    }

    private static func lexicalError(_ lex: LexFailure, tokenStart: Int, expecting: Expectation,
                                     in input: ScanInput) -> JSONParseError {
        let lastRead = tokenString(input, from: tokenStart, upTo: min(lex.position, input.count))
        return JSONParseError(offset: lex.position,
                              message: "syntax error - \(lex.problem.message); last read: '\(lastRead)'"
                                  + expecting.lexerSuffix)
    }

    private enum ScannedToken {
        case token(name: String, end: Int)
        /// `tokenStart` is nil when the "last read" text starts at the previous string or number.
        case lexical(LexFailure, tokenStart: Int?)
    }

    /// Reads the token at `p` the way nlohmann's lexer would, to name it or to find its lexer error.
    private static func scanToken(at p: Int, in input: ScanInput) -> ScannedToken {
        guard p < input.count else { return .token(name: "end of input", end: input.count + 1) }
        let structural: [UInt8: String] = [
            ASCII.openBracket: "'['", ASCII.closeBracket: "']'", ASCII.openBrace: "'{'", ASCII.closeBrace: "'}'",
            ASCII.colon: "':'", ASCII.comma: "','",
        ]
        let c = input.bytes[p]
        if let name = structural[c] { return .token(name: name, end: p + 1) }
        do {
            switch c {
            case ASCII.quote:
                do { return .token(name: "string literal", end: try input.scanString(quoteAt: p).end) }
                catch { return .lexical(error, tokenStart: p) }
            case ASCII.minus, ASCII.zero...0x39:
                do { return .token(name: "number literal", end: try input.scanNumber(at: p).end) }
                catch { return .lexical(error, tokenStart: p) }
            case 0x74: return .token(name: "true literal", end: try input.scanLiteral("true", at: p))
            case 0x66: return .token(name: "false literal", end: try input.scanLiteral("false", at: p))
            case 0x6E: return .token(name: "null literal", end: try input.scanLiteral("null", at: p))
            default: return .lexical(input.fail(.invalidLiteral, readingAt: p), tokenStart: nil)
            }
        } catch {
            return .lexical(error, tokenStart: nil)
        }
    }

    /// nlohmann's `get_token_string`: the bytes as read, control characters shown as `<U+XXXX>`.
    private static func tokenString(_ input: ScanInput, from start: Int, upTo end: Int) -> String {
        var text: [UInt8] = []
        text.reserveCapacity(max(0, end - start))
        for i in start..<max(start, end) {
            let c = input.bytes[i]
            if c < 0x20 {
                let hex = String(c, radix: 16, uppercase: true)
                text += Array("<U+\(String(repeating: "0", count: 4 - hex.count))\(hex)>".utf8)
            } else {
                text.append(c)
            }
        }
        return String(decoding: text, as: UTF8.self)
    }
}

extension Expectation {
    /// nlohmann's `token_type_name` of the expected token.
    var tokenName: String {
        switch self {
        case .value: return "'[', '{', or a literal"
        case .key: return "string literal"
        case .nameSeparator: return "':'"
        case .endOfArray: return "']'"
        case .endOfObject: return "'}'"
        case .endOfInput: return "end of input"
        }
    }

    var parserSuffix: String { "; expected \(tokenName)" }

    /// Where a value is expected, nlohmann reports a lexer error without an expected token.
    var lexerSuffix: String { self == .value ? "" : parserSuffix }
}
