// The public API of AuditJSON.
// A tape-based JSON reader for the audit-log hot path (see Tape.swift for the layout) that accepts,
// rejects, orders and prints JSON exactly as nlohmann/json v3.3.0 (the library Falco 0.31.1 bundles).

/// Why a text is not JSON. `offset` is the 1-based count of bytes read when the error was detected
/// (as nlohmann/json counts); `message` is the reason, e.g.
/// `syntax error - unexpected end of input; expected '[', '{', or a literal`.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Which nlohmann exception the error corresponds to (it selects the prefix of `description`).
    public enum Category: Sendable, Equatable {
        /// `[json.exception.parse_error.101] parse error at <offset>: <message>`
        case syntax
        /// A number too large for a double (`1e400`): `[json.exception.out_of_range.406] <message>`.
        case numberOverflow
    }
    public var offset: Int
    public var message: String
    public var category: Category
    public init(offset: Int, message: String) { self.init(offset: offset, message: message, category: .syntax) }
    public init(offset: Int, message: String, category: Category) {
        self.offset = offset; self.message = message; self.category = category
    }
    /// `[json.exception.parse_error.101] parse error at <offset>: <message>` (nlohmann v3.3.0 wording), or
    /// `[json.exception.out_of_range.406] number overflow parsing '1e400'` for `.numberOverflow`.
    public var description: String {
        switch category {
        case .syntax: return "[json.exception.parse_error.101] parse error at \(offset): \(message)"
        case .numberOverflow: return "[json.exception.out_of_range.406] \(message)"
        }
    }
}

/// A JSON number as parsed: integers keep their exact value; others are doubles.
/// Integers in Int64 range are `.int`, larger non-negative ones up to UInt64.max `.uint`, the rest `.double`.
public enum JSONNumber: Sendable, Equatable {
    case int(Int64)
    case uint(UInt64)
    case double(Double)
}

/// One parsed JSON text. Immutable once parsed, so it can be shared across threads.
///
/// Accepted: RFC 8259 JSON in UTF-8, optionally preceded by a UTF-8 byte order mark (as nlohmann
/// accepts). Rejected with nlohmann's error text: everything else, including trailing commas, control
/// characters and invalid UTF-8 inside strings, bad escapes, unpaired surrogates, leading zeros, NUL
/// bytes outside strings, and numbers that overflow a double. Nesting depth is limited only by memory.
public final class JSONDocument: @unchecked Sendable {
    let bytes: PaddedBytes
    let tape: UnsafeMutablePointer<TapeEntry>
    /// Number of tape entries (one per value), the bound of valid positions.
    let tapeCount: Int

    /// Parses exactly one JSON text (surrounding JSON whitespace allowed, nothing else after it).
    public convenience init<Bytes: Collection>(parsing bytes: Bytes) throws(JSONParseError) where Bytes.Element == UInt8 {
        let copy = bytes.withContiguousStorageIfAvailable { PaddedBytes(copying: $0) }
            ?? Array(bytes).withUnsafeBufferPointer { PaddedBytes(copying: $0) }
        try self.init(taking: copy)
    }
    /// `init(parsing:)` for bytes in memory, without the generic dispatch (the per-line hot path).
    public convenience init(parsing bytes: UnsafeBufferPointer<UInt8>) throws(JSONParseError) {
        try self.init(taking: PaddedBytes(copying: bytes))
    }
    private init(taking copy: PaddedBytes) throws(JSONParseError) {
        do {
            let parsed = try TapeParser.parse(copy)
            tape = parsed.base
            tapeCount = parsed.count
        } catch {
            copy.deallocate()
            throw error
        }
        self.bytes = copy
    }
    public convenience init(parsing text: String) throws(JSONParseError) {
        try self.init(parsing: text.utf8)
    }
    deinit {
        bytes.deallocate()
        tape.deallocate()
    }
    /// The top-level value.
    public var root: JSONNode { JSONNode(document: self, index: 0) }
}

/// A cheap, copyable cursor to one value inside a `JSONDocument` (keeps the document alive).
public struct JSONNode: @unchecked Sendable {
    public enum Kind: Sendable, Equatable { case object, array, string, number, bool, null }

    /// The document this value belongs to.
    public let document: JSONDocument
    let index: Int

    init(document: JSONDocument, index: Int) {
        self.document = document
        self.index = index
    }

    @inline(__always) var entry: TapeEntry { document.tape[index] }

    public var kind: Kind {
        switch entry.tag {
        case .object: return .object
        case .array: return .array
        case .string: return .string
        case .int, .uint, .double: return .number
        case .true, .false: return .bool
        case .null: return .null
        }
    }

    /// Object member by exact key (the last one wins when a key is duplicated, as nlohmann does);
    /// nil when this is not an object or the key is absent.
    public subscript(key: String) -> JSONNode? {
        guard entry.tag == .object else { return nil }
        var key = key
        let found = key.withUTF8 { document.lastMemberValue(ofObjectAt: index, named: $0) }
        return found.map { JSONNode(document: document, index: $0) }
    }
    /// Array element; nil when this is not an array or the index is out of range.
    public subscript(index: Int) -> JSONNode? {
        let array = entry
        guard array.tag == .array, index >= 0, index < array.childCount else { return nil }
        var element = self.index + 1
        for _ in 0..<index { element = Int(document.tape[element].next) }
        return JSONNode(document: document, index: element)
    }
    /// Number of array elements or object members (after de-duplication of keys); 0 for scalars.
    public var count: Int {
        switch entry.tag {
        case .array: return entry.childCount
        case .object: return entry.childCount < 2 ? entry.childCount : document.sortedMembers(ofObjectAt: index).count
        default: return 0
        }
    }
    /// Array elements in order (empty for non-arrays).
    public var elements: [JSONNode] {
        guard entry.tag == .array else { return [] }
        var elements: [JSONNode] = []
        elements.reserveCapacity(entry.childCount)
        document.forEachElement(ofArrayAt: index) { elements.append(JSONNode(document: document, index: $0)) }
        return elements
    }
    /// Calls `body` with each array element in order, without building an array (nothing for non-arrays).
    public func forEachElement(_ body: (JSONNode) throws -> Void) rethrows {
        guard entry.tag == .array else { return }
        try document.forEachElement(ofArrayAt: index) { try body(JSONNode(document: document, index: $0)) }
    }
    /// Object members, keys de-duplicated (last wins), sorted bytewise by key as nlohmann's std::map
    /// iterates them (empty for non-objects).
    public var members: [(key: String, value: JSONNode)] {
        guard entry.tag == .object else { return [] }
        return document.sortedMembers(ofObjectAt: index).map { member in
            (document.decodedString(at: member.key), JSONNode(document: document, index: member.value))
        }
    }

    /// Decoded string content (only for `.string`).
    public var string: String? {
        guard entry.tag == .string else { return nil }
        return document.decodedString(at: index)
    }
    /// True when this is a string whose decoded content equals `text` (no allocation).
    public func stringEquals(_ text: String) -> Bool {
        guard entry.tag == .string else { return false }
        var text = text
        return text.withUTF8 { document.stringEntry(at: index, equals: $0) }
    }
    /// Calls `body` with the decoded UTF-8 bytes of a string (in place unless it has escapes); nil for
    /// non-strings. The buffer is valid only inside `body`.
    @inlinable
    public func withStringBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R? {
        // Inlined into the caller, so it is specialised there: an unspecialised generic call looks up
        // the metadata of `R?` at run time, which costs more than the string test itself.
        var result: R?
        visitStringBytes { result = body($0) }
        return result
    }

    /// Calls `body` once with the decoded bytes of a string; does nothing for other values.
    @usableFromInline
    func visitStringBytes(_ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        document.visitStringBytes(at: position, body)
    }
    public var bool: Bool? {
        switch entry.tag {
        case .true: return true
        case .false: return false
        default: return nil
        }
    }
    public var number: JSONNumber? {
        let entry = self.entry
        switch entry.tag {
        case .int: return .int(Int64(bitPattern: entry.payload))
        case .uint: return .uint(entry.payload)
        case .double: return .double(Double(bitPattern: entry.payload))
        default: return nil
        }
    }

    /// Compact serialisation as nlohmann/json v3.3.0 `dump()` writes it: object keys sorted bytewise
    /// (recursively), no spaces, its string escaping and number formatting.
    public func dump() -> String { document.dump(valueAt: index) }
}

/// RFC 6901 JSON pointer, parsed once.
public struct JSONPointer: Sendable, Equatable, CustomStringConvertible {
    public var tokens: [String]
    /// Parses `/a/b~1c`. Errors use nlohmann's wording, e.g.
    /// `[json.exception.parse_error.107] parse error at 1: JSON pointer must be empty or begin with '/' - was: 'abc'`.
    public init(parsing text: String) throws(JSONPointerSyntaxError) { tokens = try PointerSyntax.tokens(of: text) }
    /// A pointer made of already unescaped tokens.
    public init(tokens: [String]) { self.tokens = tokens }
    /// The pointer text (`/a/b~1c`; empty for the whole document).
    public var description: String { tokens.map { "/" + PointerSyntax.escape($0) }.joined() }
}
public struct JSONPointerSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}

extension JSONNode {
    /// Resolves a pointer relative to this node. `nil` when it cannot be resolved: missing key,
    /// index out of range or not a plain decimal (pspctl's correction: no abort on a bad token),
    /// or descending into a scalar.
    public func resolve(_ pointer: JSONPointer) -> JSONNode? {
        descendant(along: pointer.tokens.map(JSONPathStep.init(key:)))
    }
}

/// One step of a path fixed in advance (an unescaped RFC 6901 token): an object member key, which
/// also selects an array element when it is a plain decimal. Prepared once, walked per document.
public struct JSONPathStep: Sendable {
    public let key: String
    let arrayIndex: Int?
    public init(key: String) {
        self.key = key
        arrayIndex = PointerSyntax.arrayIndex(key)
    }
}

extension JSONNode {
    /// Follows `steps` from this node as `resolve(_:)` does, but on tape positions: no intermediate
    /// node is made (hot paths walk the same few paths in every event).
    public func descendant(along steps: [JSONPathStep]) -> JSONNode? {
        document.descendant(of: position, along: steps)
    }

    /// Where this value sits in its document.
    public var position: JSONPosition { JSONPosition(index: index) }
}

/// Where a value sits in its document: a plain number, so a per-document cache of positions holds no
/// reference to the document (copying one retains nothing). Meaningful only for the document whose
/// node it came from.
public struct JSONPosition: Sendable, Equatable {
    let index: Int
}

extension JSONDocument {
    /// The value at `position`, which must come from a node of this document.
    public func node(at position: JSONPosition) -> JSONNode {
        precondition(position.index >= 0 && position.index < tapeCount, "JSONPosition of another document")
        return JSONNode(document: self, index: position.index)
    }

    /// `node(at: position).withStringBytes(body)` without making a node (a node retains its document).
    @inlinable
    public func withStringBytes<R>(at position: JSONPosition, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R? {
        var result: R?
        visitStringBytes(at: position) { result = body($0) }
        return result
    }

    @usableFromInline
    func visitStringBytes(at position: JSONPosition, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        precondition(position.index >= 0 && position.index < tapeCount, "JSONPosition of another document")
        guard tape[position.index].tag == .string else { return }
        withStringBytes(at: position.index, body)
    }

    /// `node(at: position).string` without making a node.
    public func string(at position: JSONPosition) -> String? {
        withStringBytes(at: position) { String(decoding: $0, as: UTF8.self) }
    }

    /// `node(at: start).descendant(along: steps)`, without making the start node.
    public func descendant(of start: JSONPosition, along steps: [JSONPathStep]) -> JSONNode? {
        guard let found = position(of: steps, from: start) else { return nil }
        return JSONNode(document: self, index: found.index)
    }

    /// The position `steps` lead to from `start` (nil where `descendant` is nil), making no node.
    public func position(of steps: [JSONPathStep], from start: JSONPosition) -> JSONPosition? {
        precondition(start.index >= 0 && start.index < tapeCount, "JSONPosition of another document")
        // Steps are read through a buffer pointer, not copied out of the array (a copy retains and
        // releases its stored properties, once per step and event).
        return steps.withUnsafeBufferPointer { steps in
            var current = start.index
            for position in steps.indices {
                let entry = tape[current]
                switch entry.tag {
                case .object:
                    // Keys are read from the String: most are small (stored inline, nothing to retain).
                    var key = steps[position].key
                    let member = key.withUTF8 { lastMemberValue(ofObjectAt: current, named: $0) }
                    guard let member else { return nil }
                    current = member
                case .array:
                    guard let arrayIndex = steps[position].arrayIndex, arrayIndex < entry.childCount else { return nil }
                    current += 1
                    for _ in 0..<arrayIndex { current = Int(tape[current].next) }
                default:
                    return nil
                }
            }
            return JSONPosition(index: current)
        }
    }
}
