// Token scanners shared by the tape parser and the error reporter. Each works on the padded buffer
// (see PaddedBytes), returns the index just past its token, and on bad input throws the lexer problem
// together with nlohmann's `chars_read` at the moment it gave up, so error offsets match upstream.

enum ASCII {
    static let quote: UInt8 = 0x22, backslash: UInt8 = 0x5C, slash: UInt8 = 0x2F
    static let minus: UInt8 = 0x2D, plus: UInt8 = 0x2B, dot: UInt8 = 0x2E, zero: UInt8 = 0x30
    static let comma: UInt8 = 0x2C, colon: UInt8 = 0x3A
    static let openBracket: UInt8 = 0x5B, closeBracket: UInt8 = 0x5D
    static let openBrace: UInt8 = 0x7B, closeBrace: UInt8 = 0x7D
    static let space: UInt8 = 0x20, tab: UInt8 = 0x09, newline: UInt8 = 0x0A, carriageReturn: UInt8 = 0x0D

    @inline(__always) static func isDigit(_ c: UInt8) -> Bool { c &- zero < 10 }
    @inline(__always) static func isWhitespace(_ c: UInt8) -> Bool {
        c == space || c == newline || c == carriageReturn || c == tab
    }
    @inline(__always) static func hexValue(_ c: UInt8) -> UInt32? {
        switch c {
        case 0x30...0x39: return UInt32(c - 0x30)
        case 0x41...0x46: return UInt32(c - 0x41 + 10)
        case 0x61...0x66: return UInt32(c - 0x61 + 10)
        default: return nil
        }
    }
}

/// What the lexer objected to; the texts are nlohmann v3.3.0's `error_message` values.
enum LexProblem: Equatable {
    case invalidLiteral, invalidBOM
    case missingClosingQuote, controlCharacter, forbiddenEscape, badUnicodeEscape
    case highSurrogateWithoutLow, lowSurrogateWithoutHigh, illFormedUTF8
    case digitAfterMinus, digitAfterPoint, exponentStart, digitAfterExponentSign

    var message: String {
        switch self {
        case .invalidLiteral: return "invalid literal"
        case .invalidBOM: return "invalid BOM; must be 0xEF 0xBB 0xBF if given"
        case .missingClosingQuote: return "invalid string: missing closing quote"
        case .controlCharacter: return "invalid string: control character must be escaped"
        case .forbiddenEscape: return "invalid string: forbidden character after backslash"
        case .badUnicodeEscape: return "invalid string: '\\u' must be followed by 4 hex digits"
        case .highSurrogateWithoutLow:
            return "invalid string: surrogate U+DC00..U+DFFF must be followed by U+DC00..U+DFFF"
        case .lowSurrogateWithoutHigh: return "invalid string: surrogate U+DC00..U+DFFF must follow U+D800..U+DBFF"
        case .illFormedUTF8: return "invalid string: ill-formed UTF-8 byte"
        case .digitAfterMinus: return "invalid number; expected digit after '-'"
        case .digitAfterPoint: return "invalid number; expected digit after '.'"
        case .exponentStart: return "invalid number; expected '+', '-', or digit after exponent"
        case .digitAfterExponentSign: return "invalid number; expected digit after exponent sign"
        }
    }
}

struct LexFailure: Error {
    let problem: LexProblem
    /// nlohmann's 1-based count of bytes read when it stopped (input length + 1 once it hit the end).
    let position: Int
}

/// The input as the scanners see it: `count` real bytes followed by zero padding.
struct ScanInput {
    let bytes: UnsafePointer<UInt8>
    let count: Int

    /// nlohmann's `chars_read` after it has read the byte at `index` (reading past the end counts one).
    @inline(__always) func positionAfterReading(_ index: Int) -> Int { index < count ? index + 1 : count + 1 }

    @inline(__always) func fail(_ problem: LexProblem, readingAt index: Int) -> LexFailure {
        LexFailure(problem: problem, position: positionAfterReading(index))
    }

    @inline(__always) func skipWhitespace(from start: Int) -> Int {
        var p = start
        while bytes[p] <= ASCII.space && ASCII.isWhitespace(bytes[p]) { p += 1 }
        return p
    }

    // MARK: strings

    /// Scans the string whose opening quote is at `start`; returns the index after the closing quote and
    /// whether the content contains escapes. Validates escapes, surrogate pairs and UTF-8 as nlohmann does.
    @inline(__always)
    func scanString(quoteAt start: Int) throws(LexFailure) -> (end: Int, hasEscapes: Bool) {
        var p = start + 1
        var hasEscapes = false
        while true {
            let offset = Self.firstSpecialByte(in: UnsafeRawPointer(bytes + p).loadUnaligned(as: SIMD16<Int8>.self))
            p += offset
            if offset == 16 { continue }
            let c = bytes[p]
            if c == ASCII.quote { return (p + 1, hasEscapes) }
            if c == ASCII.backslash {
                hasEscapes = true
                p = try scanEscape(backslashAt: p)
            } else if c < 0x20 {
                throw p >= count ? fail(.missingClosingQuote, readingAt: p) : fail(.controlCharacter, readingAt: p)
            } else {
                p = try scanMultiByteCharacter(leadAt: p)
            }
        }
    }

    /// Offset (0…15) of the first byte of `chunk` that is `"`, `\`, below 0x20 or non-ASCII; 16 if none.
    /// Read as signed bytes, both control characters and non-ASCII bytes are below 0x20, so three SSE2
    /// compares classify 16 bytes at once.
    @inline(__always) static func firstSpecialByte(in chunk: SIMD16<Int8>) -> Int {
        let control = SIMD16<Int8>(repeating: 0x20), quote = SIMD16<Int8>(repeating: 0x22)
        let backslash = SIMD16<Int8>(repeating: 0x5C)
        let special = (chunk .< control) .| (chunk .== quote) .| (chunk .== backslash)
        // A mask lane is all ones or all zeros: the lowest set byte of the low or high half is the answer.
        let halves = unsafeBitCast(special, to: SIMD2<UInt64>.self)
        if halves[0] != 0 { return halves[0].trailingZeroBitCount >> 3 }
        if halves[1] != 0 { return 8 + halves[1].trailingZeroBitCount >> 3 }
        return 16
    }

    /// `p` is at a backslash; returns the index after the escape sequence.
    @inline(__always) func scanEscape(backslashAt p: Int) throws(LexFailure) -> Int {
        switch bytes[p + 1] {
        case ASCII.quote, ASCII.backslash, ASCII.slash, 0x62 /* b */, 0x66 /* f */, 0x6E /* n */,
             0x72 /* r */, 0x74 /* t */:
            return p + 2
        case 0x75 /* u */:
            return try scanUnicodeEscape(backslashAt: p)
        default:
            throw fail(.forbiddenEscape, readingAt: p + 1)
        }
    }

    @inline(never) func scanUnicodeEscape(backslashAt p: Int) throws(LexFailure) -> Int {
        let first = try hexCodeUnit(at: p + 2)
        let afterFirst = p + 6
        if 0xDC00...0xDFFF ~= first { throw LexFailure(problem: .lowSurrogateWithoutHigh, position: afterFirst) }
        guard 0xD800...0xDBFF ~= first else { return afterFirst }
        guard bytes[afterFirst] == ASCII.backslash else { throw fail(.highSurrogateWithoutLow, readingAt: afterFirst) }
        guard bytes[afterFirst + 1] == 0x75 else { throw fail(.highSurrogateWithoutLow, readingAt: afterFirst + 1) }
        let second = try hexCodeUnit(at: afterFirst + 2)
        guard 0xDC00...0xDFFF ~= second else {
            throw LexFailure(problem: .highSurrogateWithoutLow, position: afterFirst + 6)
        }
        return afterFirst + 6
    }

    /// The 4 hex digits starting at `start` (already known to be inside a `\u` escape).
    @inline(__always) func hexCodeUnit(at start: Int) throws(LexFailure) -> UInt32 {
        var value: UInt32 = 0
        for i in start..<start + 4 {
            guard let digit = ASCII.hexValue(bytes[i]) else { throw fail(.badUnicodeEscape, readingAt: i) }
            value = value << 4 | digit
        }
        return value
    }

    /// Validates one UTF-8 sequence (RFC 3629 table, as nlohmann 3.3.0 checks it); returns the index after it.
    @inline(never) func scanMultiByteCharacter(leadAt p: Int) throws(LexFailure) -> Int {
        // Only the first continuation byte has a lead-specific range; the others are always 80...BF.
        let continuationCount: Int, first: ClosedRange<UInt8>
        switch bytes[p] {
        case 0xC2...0xDF: (continuationCount, first) = (1, 0x80...0xBF)
        case 0xE0: (continuationCount, first) = (2, 0xA0...0xBF)
        case 0xE1...0xEC, 0xEE...0xEF: (continuationCount, first) = (2, 0x80...0xBF)
        case 0xED: (continuationCount, first) = (2, 0x80...0x9F)
        case 0xF0: (continuationCount, first) = (3, 0x90...0xBF)
        case 0xF1...0xF3: (continuationCount, first) = (3, 0x80...0xBF)
        case 0xF4: (continuationCount, first) = (3, 0x80...0x8F)
        default: throw fail(.illFormedUTF8, readingAt: p)
        }
        guard first.contains(bytes[p + 1]) else { throw fail(.illFormedUTF8, readingAt: p + 1) }
        for i in p + 2..<p + 1 + continuationCount where !(0x80...0xBF).contains(bytes[i]) {
            throw fail(.illFormedUTF8, readingAt: i)
        }
        return p + 1 + continuationCount
    }

    // MARK: numbers

    /// The grammar check of one number starting at `start` (`-` or a digit): returns its end and whether
    /// it is an integer (no fraction, no exponent). A leading `0` ends the integer part, as in nlohmann:
    /// `01` is the number `0` followed by another token.
    @inline(__always) func scanNumber(at start: Int) throws(LexFailure) -> (end: Int, isInteger: Bool) {
        var p = start
        if bytes[p] == ASCII.minus { p += 1 }
        if bytes[p] == ASCII.zero {
            p += 1
        } else {
            guard ASCII.isDigit(bytes[p]) else { throw fail(.digitAfterMinus, readingAt: p) }
            repeat { p += 1 } while ASCII.isDigit(bytes[p])
        }
        var isInteger = true
        if bytes[p] == ASCII.dot {
            isInteger = false
            p += 1
            guard ASCII.isDigit(bytes[p]) else { throw fail(.digitAfterPoint, readingAt: p) }
            repeat { p += 1 } while ASCII.isDigit(bytes[p])
        }
        if bytes[p] | 0x20 == 0x65 /* e or E */ {
            isInteger = false
            p += 1
            if bytes[p] == ASCII.plus || bytes[p] == ASCII.minus {
                p += 1
                guard ASCII.isDigit(bytes[p]) else { throw fail(.digitAfterExponentSign, readingAt: p) }
            } else {
                guard ASCII.isDigit(bytes[p]) else { throw fail(.exponentStart, readingAt: p) }
            }
            repeat { p += 1 } while ASCII.isDigit(bytes[p])
        }
        return (p, isInteger)
    }

    // MARK: literals

    /// `true`, `false` or `null` starting at `start` (whose first byte selected `literal`).
    @inline(__always) func scanLiteral(_ literal: StaticString, at start: Int) throws(LexFailure) -> Int {
        let text = literal.utf8Start
        for i in 1..<literal.utf8CodeUnitCount where bytes[start + i] != text[i] {
            throw fail(.invalidLiteral, readingAt: start + i)
        }
        return start + literal.utf8CodeUnitCount
    }
}
