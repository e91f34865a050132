#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Byte-wise text comparison. Falco compares `std::string`s byte for byte, while Swift's `==` and `<` on
/// `String` follow Unicode canonical equivalence; these helpers keep upstream's semantics.
enum ByteText {
    static func equal(_ a: String, _ b: String) -> Bool {
        let left = a.utf8, right = b.utf8
        guard left.count == right.count else { return false }
        if left.isEmpty { return true }
        let fast = left.withContiguousStorageIfAvailable { l in
            right.withContiguousStorageIfAvailable { r in memcmp(l.baseAddress!, r.baseAddress!, l.count) == 0 }
        }
        return (fast ?? nil) ?? left.elementsEqual(right)
    }

    /// Unsigned-byte lexicographic order (`memcmp` order).
    static func less(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    static func hasPrefix(_ text: String, _ prefix: String) -> Bool {
        let t = text.utf8, p = prefix.utf8
        return p.count <= t.count && t.prefix(p.count).elementsEqual(p)
    }

    static func hasSuffix(_ text: String, _ suffix: String) -> Bool {
        let t = text.utf8, s = suffix.utf8
        return s.count <= t.count && t.suffix(s.count).elementsEqual(s)
    }

    static func contains(_ text: String, _ needle: [UInt8], ignoringASCIICase: Bool) -> Bool {
        if needle.isEmpty { return true }
        let haystack = Array(text.utf8)
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

    static func asciiLowercased(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 32 : byte
    }

    /// Shell wildcard match as `fnmatch(pattern, text, 0)`: `*` crosses `/`, `?`, `[...]`, `\` escapes.
    static func globMatches(_ text: String, pattern: String) -> Bool {
        fnmatch(pattern, text, 0) == 0
    }
}

/// A `String` hashed and compared by its bytes, for right-hand sets.
struct ByteKey: Hashable {
    let text: String
    static func == (a: ByteKey, b: ByteKey) -> Bool { ByteText.equal(a.text, b.text) }
    func hash(into hasher: inout Hasher) {
        let hashed: Void? = text.utf8.withContiguousStorageIfAvailable { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        if hashed == nil { for byte in text.utf8 { hasher.combine(byte) } }
        hasher.combine(text.utf8.count)
    }
}
