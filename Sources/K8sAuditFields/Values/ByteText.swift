#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Byte-wise text comparison. Falco compares `std::string`s byte for byte, while Swift's `==` and `<` on
/// `String` follow Unicode canonical equivalence; these helpers keep upstream's semantics. The tests work
/// on UTF-8 bytes, so a JSON string can be tested in place (see `ExtractedValues.jsonString`); the String
/// forms pass their bytes through.
enum ByteText {
    typealias Bytes = UnsafeBufferPointer<UInt8>

    /// Calls `body` with the UTF-8 bytes of `text` (in place for native strings).
    @inline(__always)
    static func withBytes<R>(of text: String, _ body: (Bytes) -> R) -> R {
        var text = text
        return text.withUTF8(body)
    }

    static func equal(_ a: String, _ b: String) -> Bool {
        let left = a.utf8, right = b.utf8
        guard left.count == right.count else { return false }
        if left.isEmpty { return true }
        return withBytes(of: a) { a in withBytes(of: b) { b in equal(a, b) } }
    }

    static func equal(_ a: Bytes, _ b: Bytes) -> Bool {
        a.count == b.count && (a.isEmpty || memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0)
    }

    /// Unsigned-byte lexicographic order (`memcmp` order).
    static func less(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    static func hasPrefix(_ text: String, _ prefix: String) -> Bool {
        withBytes(of: text) { text in withBytes(of: prefix) { prefix in hasPrefix(text, prefix) } }
    }

    static func hasPrefix(_ text: Bytes, _ prefix: Bytes) -> Bool {
        prefix.count <= text.count && equal(Bytes(rebasing: text.prefix(prefix.count)), prefix)
    }

    static func hasSuffix(_ text: String, _ suffix: String) -> Bool {
        withBytes(of: text) { text in withBytes(of: suffix) { suffix in hasSuffix(text, suffix) } }
    }

    static func hasSuffix(_ text: Bytes, _ suffix: Bytes) -> Bool {
        suffix.count <= text.count && equal(Bytes(rebasing: text.suffix(suffix.count)), suffix)
    }

    /// `needle` must already be lowercased when `ignoringASCIICase`.
    static func contains(_ text: String, _ needle: [UInt8], ignoringASCIICase: Bool) -> Bool {
        withBytes(of: text) { contains($0, needle, ignoringASCIICase: ignoringASCIICase) }
    }

    static func contains(_ haystack: Bytes, _ needle: [UInt8], ignoringASCIICase: Bool) -> Bool {
        if needle.isEmpty { return true }
        guard needle.count <= haystack.count else { return false }
        for start in 0...(haystack.count - needle.count) {
            var matched = true
            for offset in 0..<needle.count {
                let byte = haystack[start + offset]
                if (ignoringASCIICase ? asciiLowercased(byte) : byte) != needle[offset] { matched = false; break }
            }
            if matched { return true }
        }
        return false
    }

    /// The value of an ASCII hex digit (either case); nil for any other byte.
    static func hexDigitValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    static func asciiLowercased(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 32 : byte
    }

    /// Shell wildcard match as `fnmatch(pattern, text, 0)`: `*` crosses `/`, `?`, `[...]`, `\` escapes.
    static func globMatches(_ text: String, pattern: String) -> Bool {
        fnmatch(pattern, text, 0) == 0
    }

    /// A hash of the bytes, equal for equal byte sequences (within one process).
    static func hash(_ bytes: Bytes) -> Int {
        var hasher = Hasher()
        hasher.combine(bytes: UnsafeRawBufferPointer(bytes))
        hasher.combine(bytes.count)
        return hasher.finalize()
    }
}

// MARK: - Escaping control characters in text output

extension ByteText {
    /// Whether `bytes` hold a character text output escapes: a C0 control (below 0x20), DEL (0x7F) or a
    /// C1 control (U+0080–U+009F, UTF-8 `C2 80`–`C2 9F`). The fast path of every text alert: ordinary
    /// values hold none and are copied unchanged.
    @inline(__always)
    static func needsEscaping(_ bytes: Bytes, keepingLineBreaks: Bool = false) -> Bool {
        var i = 0
        let count = bytes.count
        while i < count {
            let byte = bytes[i]
            if byte < 0x20 || byte == 0x7F || byte == 0xC2 {
                if byte == 0xC2 {
                    if i + 1 < count, bytes[i + 1] >= 0x80, bytes[i + 1] <= 0x9F { return true }
                } else if !(keepingLineBreaks && (byte == 0x0A || byte == 0x09)) {
                    return true
                }
            }
            i += 1
        }
        return false
    }

    /// Appends `bytes` to `out` with every control character escaped the way a JSON string escapes it, so
    /// the text stays on one line and sends nothing to a terminal: `\b` `\t` `\n` `\f` `\r` by name, every
    /// other C0 control, DEL and the C1 controls as `\u00XX` (lower-case hex, as Falco's JSON
    /// `output_fields`). Everything else, backslashes and other non-ASCII included, is copied unchanged, so
    /// ordinary text prints exactly as before. With `keepingLineBreaks` (multi-line messages) `\n` and
    /// `\t` are kept.
    static func appendEscapingControls(_ bytes: Bytes, to out: inout [UInt8], keepingLineBreaks: Bool = false) {
        let digits: StaticString = "0123456789abcdef"
        var i = 0
        let count = bytes.count
        while i < count {
            let byte = bytes[i]
            var codePoint: UInt8?
            var width = 1
            if byte < 0x20 || byte == 0x7F {
                codePoint = byte
            } else if byte == 0xC2, i + 1 < count, bytes[i + 1] >= 0x80, bytes[i + 1] <= 0x9F {
                codePoint = bytes[i + 1]
                width = 2
            }
            guard let c = codePoint, !(keepingLineBreaks && (c == 0x0A || c == 0x09)) else {
                out.append(byte)
                i += 1
                continue
            }
            switch c {
            case 0x08: out += [UInt8(ascii: "\\"), UInt8(ascii: "b")]
            case 0x09: out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0x0A: out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0C: out += [UInt8(ascii: "\\"), UInt8(ascii: "f")]
            case 0x0D: out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            default:
                digits.withUTF8Buffer { hex in
                    out += [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                            hex[Int(c >> 4)], hex[Int(c & 0xF)]]
                }
            }
            i += width
        }
    }

    /// Escapes, in place, the control characters of `out[start...]` (bytes just appended to it).
    @inline(__always)
    static func escapeControls(in out: inout [UInt8], from start: Int) {
        guard start < out.count else { return }
        let needed = out.withUnsafeBufferPointer { needsEscaping(Bytes(rebasing: $0[start...])) }
        guard needed else { return }
        let appended = Array(out[start...])
        out.removeSubrange(start...)
        appended.withUnsafeBufferPointer { appendEscapingControls($0, to: &out) }
    }
}
