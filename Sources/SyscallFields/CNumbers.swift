/// Number parsing with the semantics of the C library calls libsinsp uses (glibc, 64-bit `long`):
/// `sscanf("%d%c")`-style parsers accept leading blanks and a sign, need at least one digit, and
/// reject any character after the number (falcosecurity/libs b7eb0dd, `userspace/libsinsp/utils.cpp`
/// `sinsp_numparser`, `value_parser.cpp`).
enum CNumbers {
    /// `%lld` conversion followed by `%c` matching nothing: nil unless the whole text is the number.
    /// Out-of-range magnitudes saturate as `strtoll` does.
    static func scanSigned(_ text: String) -> Int64? {
        guard let number = scanDigits(text) else { return nil }
        if number.negative {
            if number.overflowed || number.magnitude > UInt64(Int64.max) + 1 { return Int64.min }
            return Int64(truncatingIfNeeded: 0 &- number.magnitude)
        }
        if number.overflowed || number.magnitude > UInt64(Int64.max) { return Int64.max }
        return Int64(number.magnitude)
    }

    /// `%llu`: a leading `-` negates modulo 2^64 (`-1` → 18446744073709551615); overflow saturates.
    static func scanUnsigned(_ text: String) -> UInt64? {
        guard let number = scanDigits(text) else { return nil }
        if number.overflowed { return UInt64.max }
        return number.negative ? 0 &- number.magnitude : number.magnitude
    }

    /// `%d` into a 32-bit int: the 64-bit conversion truncated to 32 bits, as glibc stores it.
    static func scanInt32(_ text: String) -> Int32? {
        scanSigned(text).map { Int32(truncatingIfNeeded: $0) }
    }

    /// Optional C blanks, optional sign, decimal digits, end of text.
    private static func scanDigits(_ text: String) -> (negative: Bool, magnitude: UInt64, overflowed: Bool)? {
        var bytes = text.utf8[...]
        while let first = bytes.first, isCBlank(first) { bytes = bytes.dropFirst() }
        var negative = false
        if let sign = bytes.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") {
            negative = sign == UInt8(ascii: "-")
            bytes = bytes.dropFirst()
        }
        guard !bytes.isEmpty else { return nil }
        var magnitude: UInt64 = 0
        var overflowed = false
        for byte in bytes {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let (shifted, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = shifted.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
            overflowed = overflowed || overflow1 || overflow2
            magnitude = sum
        }
        return (negative, magnitude, overflowed)
    }

    /// C `isspace` in the C locale.
    static func isCBlank(_ byte: UInt8) -> Bool {
        byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)
    }

    /// Plain decimal digits only, fitting `UInt32` (the event-number form of `evt.type.is.N`).
    static func decimalUInt32(_ text: String) -> UInt32? {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
        else { return nil }
        return UInt32(text)
    }
}
