/// Types a string as Falco's `json_event_value::parse` does (§2.2.2): `A:B` with both complete int64 is a
/// range, a complete int64 is an integer, anything else a string. Applied alike to extracted values and
/// right-hand literals, so `007`, `"7"` and `7` all meet as the integer 7.
enum ValueClassifier {
    static func classify(_ text: String) -> K8sValue {
        let typed = text.utf8.withContiguousStorageIfAvailable { classify(bytes: $0) }
            ?? Array(text.utf8).withUnsafeBufferPointer { classify(bytes: $0) }
        return typed ?? .string(text)
    }

    /// The integer or range the bytes spell, or nil for a string.
    static func classify(bytes: UnsafeBufferPointer<UInt8>) -> K8sValue? {
        // Fast exit for the common case of ordinary words: a string unless it has a digit.
        guard bytes.contains(where: { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        if let colon = bytes.firstIndex(of: UInt8(ascii: ":")) {
            guard let low = completeInt64(UnsafeBufferPointer(rebasing: bytes[..<colon])),
                  let high = completeInt64(UnsafeBufferPointer(rebasing: bytes[(colon + 1)...])) else { return nil }
            return .range(low, high)
        }
        return completeInt64(bytes).map(K8sValue.integer)
    }

    /// `strtoll` accepting the whole text: leading C whitespace, optional sign, at least one digit,
    /// nothing after the digits, no overflow.
    static func completeInt64(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        var position = 0
        while position < bytes.count, isCSpace(bytes[position]) { position += 1 }
        var negative = false
        if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
            negative = bytes[position] == UInt8(ascii: "-")
            position += 1
        }
        guard position < bytes.count else { return nil }
        // Accumulate negatively so that Int64.min is representable.
        var value: Int64 = 0
        while position < bytes.count {
            let digit = bytes[position] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (next, overflow2) = shifted.subtractingReportingOverflow(Int64(digit))
            guard !overflow1, !overflow2 else { return nil }
            value = next
            position += 1
        }
        if negative { return value }
        return value == Int64.min ? nil : -value
    }

    /// C `isspace` in the C locale.
    static func isCSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)
    }
}
