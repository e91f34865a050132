// Turns a number token (already checked against the JSON grammar by ScanInput.scanNumber) into its value
// the way nlohmann 3.3.0 does: integers that fit stay exact, everything else becomes a double via a
// correctly rounded decimal conversion. An infinite double means the text overflowed (`1e400`).

enum NumberConversion {
    /// The tape entry for the number token `start..<end`; nil when it overflows a double.
    @inline(__always)
    static func entry(_ bytes: UnsafePointer<UInt8>, from start: Int, to end: Int, isInteger: Bool,
                      next: Int) -> TapeEntry? {
        if isInteger, let exact = exactInteger(bytes, from: start, to: end) {
            return TapeEntry(tag: exact.tag, next: next, payload: exact.bits)
        }
        let value = parseDouble(bytes, from: start, to: end)
        guard value.isFinite else { return nil }
        return TapeEntry(tag: .double, next: next, payload: value.bitPattern)
    }

    /// Int64 when it fits, else UInt64 when it fits (non-negative only), else nil (→ double).
    @inline(__always)
    static func exactInteger(_ bytes: UnsafePointer<UInt8>, from start: Int, to end: Int)
        -> (tag: TapeTag, bits: UInt64)? {
        let negative = bytes[start] == ASCII.minus
        let firstDigit = negative ? start + 1 : start
        guard end - firstDigit <= 20 else { return nil }
        var magnitude: UInt64 = 0
        if end - firstDigit <= 19 {  // 19 digits cannot overflow UInt64
            for i in firstDigit..<end { magnitude = magnitude &* 10 &+ UInt64(bytes[i] &- ASCII.zero) }
        } else {
            for i in firstDigit..<end {
                let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = times10.addingReportingOverflow(UInt64(bytes[i] &- ASCII.zero))
                if overflow1 || overflow2 { return nil }
                magnitude = sum
            }
        }
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
            return (.int, UInt64(bitPattern: 0 &- Int64(bitPattern: magnitude)))
        }
        return (magnitude <= UInt64(Int64.max) ? .int : .uint, magnitude)
    }

    private static let exactPowersOfTen: [Double] = (0...22).map { exponent in
        var value = 1.0
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    /// Correctly rounded decimal → double. Clinger's fast path (a mantissa below 2^53 scaled by an exact
    /// power of ten is one correctly rounded IEEE operation) covers the usual short numbers; anything else
    /// goes to the standard library's strtod-based conversion.
    static func parseDouble(_ bytes: UnsafePointer<UInt8>, from start: Int, to end: Int) -> Double {
        var p = start
        let negative = bytes[p] == ASCII.minus
        if negative { p += 1 }
        var mantissa: UInt64 = 0
        var significantDigits = 0
        var decimalExponent = 0
        var seenPoint = false
        while p < end {
            let c = bytes[p]
            if c == ASCII.dot {
                seenPoint = true
            } else if ASCII.isDigit(c) {
                if mantissa != 0 || c != ASCII.zero { significantDigits += 1 }
                mantissa = mantissa &* 10 &+ UInt64(c - ASCII.zero)
                if seenPoint { decimalExponent -= 1 }
            } else {
                break  // 'e' or 'E'
            }
            p += 1
        }
        if p < end {
            p += 1
            let exponentNegative = bytes[p] == ASCII.minus
            if bytes[p] == ASCII.minus || bytes[p] == ASCII.plus { p += 1 }
            var exponent = 0
            while p < end {
                exponent = min(exponent * 10 + Int(bytes[p] - ASCII.zero), 100_000)
                p += 1
            }
            decimalExponent += exponentNegative ? -exponent : exponent
        }
        if mantissa == 0 && significantDigits == 0 { return negative ? -0.0 : 0.0 }
        if significantDigits <= 19 && mantissa <= 1 << 53 && abs(decimalExponent) <= 22 {
            let magnitude = Double(mantissa)
            let value = decimalExponent >= 0 ? magnitude * exactPowersOfTen[decimalExponent]
                                             : magnitude / exactPowersOfTen[-decimalExponent]
            return negative ? -value : value
        }
        let text = String(decoding: UnsafeBufferPointer(start: bytes + start, count: end - start), as: UTF8.self)
        return Double(text) ?? .nan  // the token passed the JSON grammar, so the library always accepts it
    }
}
