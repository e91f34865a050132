// The parsed form of a document: a flat array of 16-byte entries in document order (simdjson's "tape").
// Every value is one entry; an object's children are its keys and values alternating. Containers record
// the index just past their last descendant, so skipping a subtree is one load, and nothing is
// allocated per value: strings stay in the document's byte buffer until someone asks for them.

enum TapeTag: UInt8 {
    case object, array, string, int, uint, double, `true`, `false`, null
}

struct TapeEntry {
    var tag: TapeTag
    /// Strings only: the source text contains a backslash escape, so raw bytes ≠ decoded bytes.
    var hasEscapes: Bool
    /// Index of the entry after this value's subtree (i + 1 for scalars).
    var next: UInt32
    /// object/array: number of direct children (members for objects, keys not de-duplicated);
    /// string: byte offset of the content (low 32 bits) and raw content length (high 32 bits);
    /// int/uint/double: the value's bit pattern.
    var payload: UInt64

    @inline(__always) init(tag: TapeTag, next: Int, payload: UInt64, hasEscapes: Bool = false) {
        self.tag = tag
        self.hasEscapes = hasEscapes
        self.next = UInt32(truncatingIfNeeded: next)
        self.payload = payload
    }

    @inline(__always) var isContainer: Bool { tag == .object || tag == .array }
    @inline(__always) var stringOffset: Int { Int(truncatingIfNeeded: payload & 0xFFFF_FFFF) }
    @inline(__always) var stringLength: Int { Int(truncatingIfNeeded: payload >> 32) }
    @inline(__always) var childCount: Int { Int(truncatingIfNeeded: payload) }
}

/// A growable tape written once by the parser, then handed to the document that frees it.
struct TapeBuffer {
    private(set) var base: UnsafeMutablePointer<TapeEntry>
    private(set) var count = 0
    private var capacity: Int

    init(estimatedFor byteCount: Int) {
        // Audit events average roughly one value per 10 bytes; growth covers denser input.
        capacity = max(16, byteCount / 8)
        base = .allocate(capacity: capacity)
    }

    @inline(__always) mutating func append(_ entry: TapeEntry) {
        if count == capacity { grow() }
        base[count] = entry
        count += 1
    }

    @inline(never) private mutating func grow() {
        let bigger = UnsafeMutablePointer<TapeEntry>.allocate(capacity: capacity * 2)
        bigger.moveInitialize(from: base, count: count)
        base.deallocate()
        base = bigger
        capacity *= 2
    }

    func deallocate() { base.deallocate() }
}

/// The bytes a document owns: a copy of the input followed by zeroed padding, so the scanners may read
/// a whole 16-byte chunk (or a few bytes of lookahead) from any position up to the end without bounds
/// checks. Zero is never valid at those places, so the padding always ends a scan as "end of input".
struct PaddedBytes {
    static let padding = 16
    let base: UnsafeMutablePointer<UInt8>
    let count: Int

    init(copying input: UnsafeBufferPointer<UInt8>) {
        count = input.count
        base = .allocate(capacity: count + Self.padding)
        if let source = input.baseAddress { base.initialize(from: source, count: count) }
        (base + count).initialize(repeating: 0, count: Self.padding)
    }

    func deallocate() { base.deallocate() }
}
