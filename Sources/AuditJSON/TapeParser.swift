// One pass over the bytes, writing the tape. Nesting is tracked on an explicit stack, so depth is bounded
// by memory, not by the thread's stack. The control flow mirrors nlohmann 3.3.0's parser states, which
// is what its error texts depend on: each failure records the state it happened in (`Expectation`) and
// ParseErrorReport turns that into upstream's message only when a document is actually rejected.

/// What the parser was waiting for when it failed (nlohmann's `expected` token).
enum Expectation {
    case value, key, nameSeparator, endOfArray, endOfObject, endOfInput
}

enum ParseFailure: Error {
    /// The lexer rejected a token; `tokenStart` is where nlohmann's "last read" text begins.
    case lexical(LexFailure, tokenStart: Int, expecting: Expectation)
    /// A well-formed token (or a lexer error, found when reporting) where `expecting` was needed.
    case unexpectedToken(at: Int, lastTokenStart: Int, expecting: Expectation)
    case numberOverflow(start: Int, end: Int)
}

/// Open containers: tape index of each, with its child count so far. It starts in a caller-provided
/// buffer (on the thread's stack: most documents nest a few levels) and moves to the heap if it grows.
struct ContainerStack {
    typealias Frame = (index: UInt32, children: UInt32)
    static let initialCapacity = 64
    private var frames: UnsafeMutablePointer<Frame>
    private var capacity: Int
    private var ownsFrames = false
    private(set) var depth = 0

    init(initial: UnsafeMutableBufferPointer<Frame>) {
        frames = initial.baseAddress!
        capacity = initial.count
    }
    func deallocate() { if ownsFrames { frames.deallocate() } }

    @inline(__always) var isEmpty: Bool { depth == 0 }
    @inline(__always) var topIndex: Int { Int(frames[depth - 1].index) }

    @inline(__always) mutating func push(_ index: Int) {
        if depth == capacity { grow() }
        frames[depth] = (UInt32(truncatingIfNeeded: index), 0)
        depth += 1
    }

    @inline(__always) mutating func countChild() { frames[depth - 1].children &+= 1 }

    /// Pops the innermost container and completes its tape entry.
    @inline(__always) mutating func close(in tape: inout TapeBuffer) {
        depth -= 1
        let frame = frames[depth]
        let entry = tape.base + Int(frame.index)
        entry.pointee.next = UInt32(truncatingIfNeeded: tape.count)
        entry.pointee.payload = UInt64(frame.children)
    }

    @inline(never) private mutating func grow() {
        let bigger = UnsafeMutablePointer<Frame>.allocate(capacity: capacity * 2)
        bigger.moveInitialize(from: frames, count: depth)
        if ownsFrames { frames.deallocate() }
        frames = bigger
        ownsFrames = true
        capacity *= 2
    }
}

struct TapeParser {
    /// Offsets and tape indices are stored in 32 bits.
    static let maximumDocumentSize = Int(UInt32.max) - PaddedBytes.padding

    private let input: ScanInput
    private var tape: TapeBuffer
    private var stack: ContainerStack
    private var p = 0
    /// Start of the last string or number token: nlohmann resets its "last read" text only there.
    private var lastTokenStart = 0

    static func parse(_ bytes: PaddedBytes) throws(JSONParseError) -> TapeBuffer {
        guard bytes.count <= maximumDocumentSize else {
            throw JSONParseError(offset: 0, message: "document too large: \(bytes.count) bytes (the limit is 4 GiB)")
        }
        let result = withUnsafeTemporaryAllocation(of: ContainerStack.Frame.self,
                                                   capacity: ContainerStack.initialCapacity) { frames in
            var parser = TapeParser(input: ScanInput(bytes: bytes.base, count: bytes.count),
                                    tape: TapeBuffer(estimatedFor: bytes.count), stack: ContainerStack(initial: frames))
            defer { parser.stack.deallocate() }
            do throws(ParseFailure) {
                try parser.run()
                return Result<TapeBuffer, JSONParseError>.success(parser.tape)
            } catch {
                parser.tape.deallocate()
                return .failure(ParseErrorReport.error(for: error, in: parser.input))
            }
        }
        return try result.get()
    }

    private init(input: ScanInput, tape: TapeBuffer, stack: ContainerStack) {
        self.input = input
        self.tape = tape
        self.stack = stack
    }

    private mutating func run() throws(ParseFailure) {
        let bytes = input.bytes
        try skipByteOrderMark()
        valueLoop: while true {
            // Here a value must start.
            p = input.skipWhitespace(from: p)
            switch bytes[p] {
            case ASCII.quote:
                try appendString(expecting: .value)
            case ASCII.openBrace:
                stack.push(tape.count)
                tape.append(TapeEntry(tag: .object, next: 0, payload: 0))
                p = input.skipWhitespace(from: p + 1)
                if bytes[p] == ASCII.closeBrace {
                    p += 1
                    stack.close(in: &tape)
                } else {
                    try appendKeyAndColon()
                    continue valueLoop
                }
            case ASCII.openBracket:
                stack.push(tape.count)
                tape.append(TapeEntry(tag: .array, next: 0, payload: 0))
                p = input.skipWhitespace(from: p + 1)
                if bytes[p] == ASCII.closeBracket {
                    p += 1
                    stack.close(in: &tape)
                } else {
                    continue valueLoop
                }
            case ASCII.minus, ASCII.zero...0x39:
                try appendNumber()
            case 0x74 /* t */:
                try appendLiteral("true", tag: .true)
            case 0x66 /* f */:
                try appendLiteral("false", tag: .false)
            case 0x6E /* n */:
                try appendLiteral("null", tag: .null)
            default:
                throw .unexpectedToken(at: p, lastTokenStart: lastTokenStart, expecting: .value)
            }

            // A value is complete: move to its next sibling, closing containers that end here.
            while true {
                p = input.skipWhitespace(from: p)
                if stack.isEmpty {
                    guard p == input.count else {
                        throw .unexpectedToken(at: p, lastTokenStart: lastTokenStart, expecting: .endOfInput)
                    }
                    return
                }
                stack.countChild()
                let inObject = tape.base[stack.topIndex].tag == .object
                let c = bytes[p]
                if c == ASCII.comma {
                    p = input.skipWhitespace(from: p + 1)
                    if inObject { try appendKeyAndColon() }
                    continue valueLoop
                }
                guard c == (inObject ? ASCII.closeBrace : ASCII.closeBracket) else {
                    throw .unexpectedToken(at: p, lastTokenStart: lastTokenStart,
                                           expecting: inObject ? .endOfObject : .endOfArray)
                }
                p += 1
                stack.close(in: &tape)
            }
        }
    }

    /// nlohmann accepts a UTF-8 byte order mark before the text.
    private mutating func skipByteOrderMark() throws(ParseFailure) {
        let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]
        guard input.bytes[0] == byteOrderMark[0] else { return }
        for offset in 1..<byteOrderMark.count where input.bytes[offset] != byteOrderMark[offset] {
            throw .lexical(input.fail(.invalidBOM, readingAt: offset), tokenStart: 0, expecting: .value)
        }
        p = byteOrderMark.count
    }

    @inline(__always) private mutating func appendString(expecting: Expectation) throws(ParseFailure) {
        lastTokenStart = p
        let string: (end: Int, hasEscapes: Bool)
        do {
            string = try input.scanString(quoteAt: p)
        } catch {
            throw .lexical(error, tokenStart: p, expecting: expecting)
        }
        let offset = UInt64(p + 1), length = UInt64(string.end - p - 2)
        tape.append(TapeEntry(tag: .string, next: tape.count + 1, payload: length << 32 | offset,
                              hasEscapes: string.hasEscapes))
        p = string.end
    }

    /// At the start of an object member (whitespace skipped): the key, then `:`.
    @inline(__always) private mutating func appendKeyAndColon() throws(ParseFailure) {
        guard input.bytes[p] == ASCII.quote else {
            throw .unexpectedToken(at: p, lastTokenStart: lastTokenStart, expecting: .key)
        }
        try appendString(expecting: .key)
        p = input.skipWhitespace(from: p)
        guard input.bytes[p] == ASCII.colon else {
            throw .unexpectedToken(at: p, lastTokenStart: lastTokenStart, expecting: .nameSeparator)
        }
        p += 1
    }

    @inline(__always) private mutating func appendNumber() throws(ParseFailure) {
        lastTokenStart = p
        let number: (end: Int, isInteger: Bool)
        do {
            number = try input.scanNumber(at: p)
        } catch {
            throw .lexical(error, tokenStart: p, expecting: .value)
        }
        guard let entry = NumberConversion.entry(input.bytes, from: p, to: number.end,
                                                 isInteger: number.isInteger, next: tape.count + 1) else {
            throw .numberOverflow(start: p, end: number.end)
        }
        tape.append(entry)
        p = number.end
    }

    @inline(__always) private mutating func appendLiteral(_ text: StaticString, tag: TapeTag) throws(ParseFailure) {
        do {
            p = try input.scanLiteral(text, at: p)
        } catch {
            throw .lexical(error, tokenStart: lastTokenStart, expecting: .value)
        }
        tape.append(TapeEntry(tag: tag, next: tape.count + 1, payload: 0))
    }
}
