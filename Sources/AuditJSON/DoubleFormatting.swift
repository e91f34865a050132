// nlohmann v3.3.0 `dump()` of a double (k8s-audit-fields.md §2.2.3): the shortest digits that read back
// to the same double, laid out by its `format_buffer` rules — plain notation for decimal exponents
// -4 < n ≤ 15 (integral values get `.0`), otherwise `d.ddde±XX` with at least two exponent digits.

enum DoubleFormatting {
    static let minimumPlainExponent = -4, maximumPlainExponent = 15

    static func nlohmannText(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        let sign = value.sign == .minus ? "-" : ""
        if value == 0 { return sign + "0.0" }
        let (digits, pointPosition) = shortestDigits(of: value.magnitude)
        return sign + layout(digits: digits, pointPosition: pointPosition)
    }

    /// Shortest round-trip decimal digits (no leading or trailing zeros) and the position of the decimal
    /// point relative to them: value = 0.d1d2…dk × 10^pointPosition. The standard library's description
    /// already prints the shortest round-trip digits; only its layout differs from nlohmann's.
    static func shortestDigits(of magnitude: Double) -> (digits: [UInt8], pointPosition: Int) {
        let text = Array(magnitude.description.utf8)
        let exponentMark = text.firstIndex(of: UInt8(ascii: "e"))
        let mantissa = text[..<(exponentMark ?? text.endIndex)]
        var exponent = 0
        if let mark = exponentMark {
            exponent = Int(String(decoding: text[(mark + 1)...], as: UTF8.self)) ?? 0
        }
        var digits: [UInt8] = []
        var pointPosition: Int?
        for c in mantissa {
            if c == UInt8(ascii: ".") { pointPosition = digits.count } else { digits.append(c) }
        }
        var point = (pointPosition ?? digits.count) + exponent
        let leadingZeros = digits.prefix { $0 == UInt8(ascii: "0") }.count
        digits.removeFirst(leadingZeros)
        point -= leadingZeros
        while digits.last == UInt8(ascii: "0") { digits.removeLast() }
        return (digits, point)
    }

    /// nlohmann's `format_buffer` with k digits and the decimal point at n.
    static func layout(digits: [UInt8], pointPosition n: Int) -> String {
        let k = digits.count
        let zero = UInt8(ascii: "0"), point = UInt8(ascii: ".")
        var out: [UInt8] = []
        if k <= n && n <= maximumPlainExponent {          // digits[000].0
            out = digits + Array(repeating: zero, count: n - k) + [point, zero]
        } else if 0 < n && n <= maximumPlainExponent {    // dig.its
            out = Array(digits[..<n]) + [point] + Array(digits[n...])
        } else if minimumPlainExponent < n && n <= 0 {    // 0.[000]digits
            out = [zero, point] + Array(repeating: zero, count: -n) + digits
        } else {                                          // d[.igits]e±XX
            out = [digits[0]]
            if k > 1 { out += [point] + Array(digits[1...]) }
            let exponent = n - 1
            let magnitude = String(exponent.magnitude)
            out += Array("e\(exponent < 0 ? "-" : "+")\(magnitude.count < 2 ? "0" : "")\(magnitude)".utf8)
        }
        return String(decoding: out, as: UTF8.self)
    }
}
