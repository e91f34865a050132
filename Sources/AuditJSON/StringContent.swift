// Access to string content on the tape. Strings without escapes are used in place (their raw bytes are
// the decoded UTF-8, validated by the parser); escaped ones are decoded on demand. Decoding never
// grows the text (every escape is at least as long as the UTF-8 it stands for), so a buffer of the
// raw length always suffices.

enum StringContent {
    /// Decodes validated string content `source[0..<count]` into `destination`; returns the decoded length.
    static func decodeEscapes(_ source: UnsafePointer<UInt8>, count: Int,
                              into destination: UnsafeMutablePointer<UInt8>) -> Int {
        var i = 0, o = 0
        while i < count {
            let c = source[i]
            guard c == ASCII.backslash else {
                destination[o] = c
                o += 1
                i += 1
                continue
            }
            let escaped = source[i + 1]
            i += 2
            let simple: UInt8
            switch escaped {
            case 0x62: simple = 0x08  // \b
            case 0x66: simple = 0x0C  // \f
            case 0x6E: simple = 0x0A  // \n
            case 0x72: simple = 0x0D  // \r
            case 0x74: simple = 0x09  // \t
            case 0x75:                // \uXXXX, possibly a surrogate pair
                var scalar = hexCodeUnit(source + i)
                i += 4
                if 0xD800...0xDBFF ~= scalar {
                    let low = hexCodeUnit(source + i + 2)
                    i += 6
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                o += encodeUTF8(scalar, into: destination + o)
                continue
            default: simple = escaped  // \" \\ \/
            }
            destination[o] = simple
            o += 1
        }
        return o
    }

    private static func hexCodeUnit(_ digits: UnsafePointer<UInt8>) -> UInt32 {
        (0..<4).reduce(0) { value, i in value << 4 | (ASCII.hexValue(digits[i]) ?? 0) }
    }

    private static func encodeUTF8(_ scalar: UInt32, into destination: UnsafeMutablePointer<UInt8>) -> Int {
        switch scalar {
        case ..<0x80:
            destination[0] = UInt8(scalar)
            return 1
        case ..<0x800:
            destination[0] = UInt8(0xC0 | scalar >> 6)
            destination[1] = UInt8(0x80 | scalar & 0x3F)
            return 2
        case ..<0x10000:
            destination[0] = UInt8(0xE0 | scalar >> 12)
            destination[1] = UInt8(0x80 | scalar >> 6 & 0x3F)
            destination[2] = UInt8(0x80 | scalar & 0x3F)
            return 3
        default:
            destination[0] = UInt8(0xF0 | scalar >> 18)
            destination[1] = UInt8(0x80 | scalar >> 12 & 0x3F)
            destination[2] = UInt8(0x80 | scalar >> 6 & 0x3F)
            destination[3] = UInt8(0x80 | scalar & 0x3F)
            return 4
        }
    }

    @inline(__always)
    static func bytesEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, count: Int) -> Bool {
        var i = 0
        while i + 8 <= count {
            if UnsafeRawPointer(a + i).loadUnaligned(as: UInt64.self)
                != UnsafeRawPointer(b + i).loadUnaligned(as: UInt64.self) { return false }
            i += 8
        }
        while i < count {
            if a[i] != b[i] { return false }
            i += 1
        }
        return true
    }

    /// memcmp order: unsigned bytes, then the shorter text first (std::string's `<`).
    static func compareBytes(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Int {
        for i in 0..<min(a.count, b.count) where a[i] != b[i] {
            return a[i] < b[i] ? -1 : 1
        }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }
}

extension JSONDocument {
    /// Calls `body` with the decoded UTF-8 content of the string entry at `index`, in place when possible.
    @inline(__always)
    func withStringBytes<R>(at index: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        let entry = tape[index]
        let raw = UnsafePointer(bytes.base + entry.stringOffset)
        let rawLength = entry.stringLength
        guard entry.hasEscapes else { return body(UnsafeBufferPointer(start: raw, count: rawLength)) }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: rawLength) { scratch in
            let length = StringContent.decodeEscapes(raw, count: rawLength, into: scratch.baseAddress!)
            return body(UnsafeBufferPointer(start: scratch.baseAddress, count: length))
        }
    }

    /// True when the string entry at `index` decodes to exactly `text`.
    @inline(__always)
    func stringEntry(at index: Int, equals text: UnsafeBufferPointer<UInt8>) -> Bool {
        let entry = tape[index]
        if !entry.hasEscapes {
            return entry.stringLength == text.count
                && (text.count == 0
                    || StringContent.bytesEqual(bytes.base + entry.stringOffset, text.baseAddress!, count: text.count))
        }
        // Escaped text decodes to at most its raw length.
        guard text.count <= entry.stringLength else { return false }
        return withStringBytes(at: index) { decoded in
            decoded.count == text.count
                && (text.count == 0 || StringContent.bytesEqual(decoded.baseAddress!, text.baseAddress!, count: text.count))
        }
    }

    func decodedString(at index: Int) -> String {
        withStringBytes(at: index) { String(decoding: $0, as: UTF8.self) }
    }
}
