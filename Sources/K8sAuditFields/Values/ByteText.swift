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
