/// The lexemes of Falco 0.31.1's condition grammar (falco-rules.md §6.2), recognised on UTF-8 bytes
/// because Falco reports byte offsets. Each recogniser answers "where does this lexeme end if it starts
/// here?" and records nothing: failures are recorded per *token* by the grammar (ConditionGrammar).
/// Character classes are the C-locale ones LPeg uses (`lpeg.locale`): ASCII only.
struct Lexemes {
    let bytes: [UInt8]

    init(_ text: String) { bytes = Array(text.utf8) }

    var count: Int { bytes.count }

    func text(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }

    private func byte(at index: Int) -> UInt8? { index < bytes.count ? bytes[index] : nil }

    private func isByte(at index: Int, _ test: (UInt8) -> Bool) -> Bool {
        byte(at: index).map(test) ?? false
    }

    /// End of the run of bytes satisfying `test` that starts at `start` (== `start` if none does).
    private func run(from start: Int, while test: (UInt8) -> Bool) -> Int {
        var end = start
        while isByte(at: end, test) { end += 1 }
        return end
    }

    // MARK: Whitespace and comments

    /// `Skip <- space*`: the *space* class (space, \t, \n, \v, \f, \r).
    func skipSpace(from start: Int) -> Int { run(from: start, while: \.isSpace) }

    func isCommentStart(at index: Int) -> Bool { byte(at: index) == UInt8(ascii: "#") }

    // MARK: Names

    /// `Identifier <- [A-Za-z_] [A-Za-z0-9_]*`
    func identifierEnd(from start: Int) -> Int? {
        guard isByte(at: start, \.isIdentifierStart) else { return nil }
        return run(from: start + 1, while: \.isIdentifierRest)
    }

    /// `Macro <- Identifier !'.'`
    func macroEnd(from start: Int) -> Int? {
        guard let end = identifierEnd(from: start), byte(at: end) != UInt8(ascii: ".") else { return nil }
        return end
    }

    /// `FieldName <- Identifier ('.' / Identifier)+ ('[' Index ']')?`
    func fieldNameEnd(from start: Int) -> Int? {
        guard var end = identifierEnd(from: start) else { return nil }
        var elements = 0
        while true {
            if byte(at: end) == UInt8(ascii: ".") {
                end += 1
            } else if let identifierEnd = identifierEnd(from: end) {
                end = identifierEnd
            } else {
                break
            }
            elements += 1
        }
        guard elements > 0 else { return nil }
        // The index is optional: a malformed one leaves the field name ending before `[`.
        if byte(at: end) == UInt8(ascii: "["), let indexEnd = indexEnd(from: end + 1),
           byte(at: indexEnd) == UInt8(ascii: "]") {
            return indexEnd + 1
        }
        return end
    }

    /// `Index <- PortRangeString / Int / PathString`: ordered choice, so the first alternative that
    /// matches a non-empty prefix is kept even when `]` does not follow it (`[1.2]` is no index).
    /// The middle alternative (`Int`) can never be reached: any digit already starts a port range.
    private func indexEnd(from start: Int) -> Int? {
        let portRangeEnd = run(from: start, while: \.isPortRangeCharacter)
        if portRangeEnd > start { return portRangeEnd }
        let pathEnd = run(from: start, while: \.isPathCharacter)
        return pathEnd > start ? pathEnd : nil
    }

    // MARK: Keywords and symbols

    /// A keyword (`and`, `in`, `exists`, …) must not run into an identifier character.
    func keywordEnd(_ word: String, from start: Int) -> Int? {
        guard let end = symbolEnd(word, from: start), !isByte(at: end, \.isIdentifierRest) else { return nil }
        return end
    }

    /// Relational symbols, including the word operators (`contains`, …), need no delimiter after them.
    func symbolEnd(_ symbol: String, from start: Int) -> Int? {
        var end = start
        for expected in symbol.utf8 {
            guard byte(at: end) == expected else { return nil }
            end += 1
        }
        return end
    }

    // MARK: Values

    /// `Number <- (Hex / Float / Int) ![A-Za-z_]`. Each alternative is committed once it matches, so
    /// `0x1g` and `1.5e` are not numbers at all (they become bare strings), while `1.2.3` is the number
    /// `1.2` followed by `.3`.
    func numberEnd(from start: Int) -> Int? {
        guard let end = hexEnd(from: start) ?? floatEnd(from: start) ?? digitsEnd(from: start),
              !isByte(at: end, \.isIdentifierStart) else { return nil }
        return end
    }

    private func digitsEnd(from start: Int) -> Int? {
        let end = run(from: start, while: \.isDigit)
        return end > start ? end : nil
    }

    /// `Hex <- ('0x' / '0X') [0-9A-Fa-f]+`
    private func hexEnd(from start: Int) -> Int? {
        guard byte(at: start) == UInt8(ascii: "0"),
              byte(at: start + 1) == UInt8(ascii: "x") || byte(at: start + 1) == UInt8(ascii: "X") else { return nil }
        let end = run(from: start + 2, while: \.isHexDigit)
        return end > start + 2 ? end : nil
    }

    /// `Float <- (digits '.' digits* / '.' digits) Expo? / digits Expo`
    private func floatEnd(from start: Int) -> Int? {
        if let mantissaEnd = decimalMantissaEnd(from: start) {
            return exponentEnd(from: mantissaEnd) ?? mantissaEnd
        }
        guard let integerEnd = digitsEnd(from: start) else { return nil }
        return exponentEnd(from: integerEnd)
    }

    private func decimalMantissaEnd(from start: Int) -> Int? {
        if let integerEnd = digitsEnd(from: start) {
            guard byte(at: integerEnd) == UInt8(ascii: ".") else { return nil }
            return run(from: integerEnd + 1, while: \.isDigit)
        }
        guard byte(at: start) == UInt8(ascii: ".") else { return nil }
        return digitsEnd(from: start + 1)
    }

    /// `Expo <- [eE] [+-]? digits`
    private func exponentEnd(from start: Int) -> Int? {
        guard byte(at: start) == UInt8(ascii: "e") || byte(at: start) == UInt8(ascii: "E") else { return nil }
        var digitsStart = start + 1
        if byte(at: digitsStart) == UInt8(ascii: "+") || byte(at: digitsStart) == UInt8(ascii: "-") {
            digitsStart += 1
        }
        return digitsEnd(from: digitsStart)
    }

    /// `String <- '"' ('\' . / [^"])* '"' / "'" ('\' . / [^'])* "'"`: returns the end after the closing
    /// quote. A backslash only hides the next byte from the quote search; nothing is unescaped.
    func quotedStringEnd(from start: Int) -> Int? {
        guard let quote = byte(at: start), quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else {
            return nil
        }
        var index = start + 1
        while let current = byte(at: index) {
            if current == quote { return index + 1 }
            index += current == UInt8(ascii: "\\") ? 2 : 1
        }
        return nil
    }

    /// `BareString <- [^ (),=]+`: only the space character (not tabs or newlines) ends it.
    func bareStringEnd(from start: Int) -> Int? {
        let end = run(from: start, while: \.isBareStringCharacter)
        return end > start ? end : nil
    }

    /// Lua's `trim` (`^%s*(.-)%s*$`), applied by Falco to every value except quoted strings.
    func trimmedText(_ range: Range<Int>) -> String {
        var lower = range.lowerBound, upper = range.upperBound
        while lower < upper, bytes[lower].isSpace { lower += 1 }
        while upper > lower, bytes[upper - 1].isSpace { upper -= 1 }
        return text(lower..<upper)
    }

    // MARK: Error reporting

    /// What a syntax error reports as the unexpected token (`OneWord` in Falco's parser): an identifier
    /// run, else a number, else a quoted string with its quotes, else one character; `EOF` at the end.
    /// The longest token a syntax error quotes whole, in bytes; longer ones end in `…`.
    static let quotedTokenLimit = 200

    func unexpectedToken(at start: Int) -> String {
        guard let first = byte(at: start) else { return "EOF" }
        if let end = identifierEnd(from: start) ?? numberEnd(from: start) ?? quotedStringEnd(from: start) {
            // A token of hostile length (a 400 KB quoted string) is quoted by its beginning only.
            guard end - start > Self.quotedTokenLimit else { return text(start..<end) }
            var cut = start + Self.quotedTokenLimit
            while cut > start, let byte = byte(at: cut), byte & 0xC0 == 0x80 { cut -= 1 }
            return text(start..<cut) + "…"
        }
        // Falco prints a single byte; a whole UTF-8 character keeps the message valid text.
        return text(start..<min(start + first.utf8SequenceLength, count))
    }
}

extension UInt8 {
    var isSpace: Bool { self == 0x20 || (0x09...0x0D).contains(self) }
    var isDigit: Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self) }
    var isAlpha: Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(self) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(self)
    }
    var isAlphanumeric: Bool { isAlpha || isDigit }
    var isHexDigit: Bool {
        isDigit || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(self) || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(self)
    }
    var isIdentifierStart: Bool { isAlpha || self == UInt8(ascii: "_") }
    var isIdentifierRest: Bool { isAlphanumeric || self == UInt8(ascii: "_") }
    var isPortRangeCharacter: Bool { isDigit || self == UInt8(ascii: ":") || self == UInt8(ascii: ",") }
    var isPathCharacter: Bool { isAlphanumeric || Self.pathPunctuation.contains(self) }
    var isBareStringCharacter: Bool { !Self.bareStringTerminators.contains(self) }

    private static let pathPunctuation = Set(",.-_/*?~".utf8)
    private static let bareStringTerminators = Set(" (),=".utf8)

    /// Length of the UTF-8 sequence this byte starts (1 for ASCII and for stray continuation bytes).
    var utf8SequenceLength: Int {
        switch self {
        case 0xF0...0xF7: 4
        case 0xE0...0xEF: 3
        case 0xC0...0xDF: 2
        default: 1
        }
    }
}
