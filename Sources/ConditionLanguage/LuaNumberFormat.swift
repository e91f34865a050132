/// Numbers as Falco's Lua loader turns them into text: LuaJIT 2.1's `tostring`, which is C's `%.14g`
/// except that a decimal tie rounds up (away from zero) where glibc rounds to even
/// (`123456789012345` → `1.2345678901235e+14`), and NaN prints as `nan` whatever its sign.
enum LuaNumberFormat {
    static let significantDigits = 14

    /// Lua's `tonumber` on a Number token of the condition grammar (hex integer, decimal float or
    /// integer; no sign). Decimal digits are read as decimal (`007` is 7); out-of-range values are ±inf.
    static func number(fromToken token: String) -> Double {
        // The token's shapes are all ones strtod accepts, and strtod rounds correctly, as LuaJIT does.
        // A failure is impossible for grammar-checked tokens; NaN keeps it visible rather than crashing.
        Double(token) ?? .nan
    }

    static func string(from value: Double) -> String {
        if value.isNaN { return "nan" }
        let sign = value.sign == .minus ? "-" : ""
        if value.isInfinite { return sign + "inf" }
        if value == 0 { return sign + "0" }

        var decimal = ExactDecimal(value.magnitude)
        decimal.roundHalfUp(toSignificantDigits: significantDigits)
        decimal.dropTrailingZeros()
        let exponent = decimal.scientificExponent
        // %g: fixed notation when -4 <= exponent < precision, scientific otherwise.
        let body = (-4..<significantDigits).contains(exponent)
            ? decimal.fixedNotation() : decimal.scientificNotation()
        return sign + body
    }
}

/// The exact decimal expansion of a positive finite double: `0.d₁d₂d₃… × 10^pointPosition`, with
/// d₁ ≠ 0. Every double has a finite expansion (at most 767 significant digits), computed here with a
/// small base-10⁹ big integer; formatting happens at load time only, so clarity wins over speed.
struct ExactDecimal {
    private(set) var digits: [UInt8]
    /// Number of digits before the decimal point (negative or zero for values below 0.1).
    private(set) var pointPosition: Int

    init(_ value: Double) {
        precondition(value.isFinite && value > 0, "ExactDecimal needs a positive finite value")
        // value = significand × 2^binaryExponent, with an integer significand.
        let biasedExponent = Int((value.bitPattern >> 52) & 0x7FF)
        var significand = value.bitPattern & (1 << 52 - 1)
        var binaryExponent: Int
        if biasedExponent == 0 {
            binaryExponent = -1074  // subnormal
        } else {
            significand |= 1 << 52
            binaryExponent = biasedExponent - 1075
        }
        while binaryExponent < 0, significand & 1 == 0 {
            significand >>= 1
            binaryExponent += 1
        }
        var integer = BigDecimalInteger(significand)
        if binaryExponent >= 0 {
            integer.multiply(byPowerOf: 2, exponent: binaryExponent)
            digits = integer.decimalDigits
            pointPosition = digits.count
        } else {
            // m × 2^-k = m × 5^k × 10^-k
            integer.multiply(byPowerOf: 5, exponent: -binaryExponent)
            digits = integer.decimalDigits
            pointPosition = digits.count + binaryExponent
        }
    }

    /// The exponent of the first digit in scientific notation.
    var scientificExponent: Int { pointPosition - 1 }

    /// Keeps `count` significant digits; the first dropped digit decides, so an exact tie rounds up.
    mutating func roundHalfUp(toSignificantDigits count: Int) {
        guard digits.count > count else { return }
        let roundsUp = digits[count] >= 5
        digits.removeSubrange(count...)
        guard roundsUp else { return }
        var index = count - 1
        while index >= 0 {
            if digits[index] < 9 {
                digits[index] += 1
                return
            }
            digits[index] = 0
            index -= 1
        }
        // All nines: 9.99… became 10.0…
        digits.insert(1, at: 0)
        digits.removeLast()
        pointPosition += 1
    }

    mutating func dropTrailingZeros() {
        while digits.count > 1, digits.last == 0 { digits.removeLast() }
    }

    /// `1234.5`, `0.00012`, `120`
    func fixedNotation() -> String {
        if pointPosition <= 0 {
            return "0." + String(repeating: "0", count: -pointPosition) + Self.text(digits[...])
        }
        if digits.count <= pointPosition {
            return Self.text(digits[...]) + String(repeating: "0", count: pointPosition - digits.count)
        }
        return Self.text(digits[..<pointPosition]) + "." + Self.text(digits[pointPosition...])
    }

    /// `1.2345e+14`, `1e-05`: at least two exponent digits, as C prints them.
    func scientificNotation() -> String {
        let mantissa = digits.count == 1 ? Self.text(digits[...]) : Self.text(digits[..<1]) + "." + Self.text(digits[1...])
        let exponent = scientificExponent
        let magnitude = String(abs(exponent))
        return mantissa + "e" + (exponent < 0 ? "-" : "+") + (magnitude.count < 2 ? "0" : "") + magnitude
    }

    private static func text(_ digits: ArraySlice<UInt8>) -> String {
        String(decoding: digits.map { $0 + UInt8(ascii: "0") }, as: UTF8.self)
    }
}

/// A non-negative integer in base 10⁹ (least significant limb first): just enough arithmetic for
/// ExactDecimal.
private struct BigDecimalInteger {
    private static let limbBase: UInt64 = 1_000_000_000
    private var limbs: [UInt64]

    init(_ value: UInt64) {
        limbs = []
        var rest = value
        repeat {
            limbs.append(rest % Self.limbBase)
            rest /= Self.limbBase
        } while rest > 0
    }

    /// Multiplies by base^exponent in steps whose factor keeps every limb product within 64 bits.
    mutating func multiply(byPowerOf base: UInt64, exponent: Int) {
        var remaining = exponent
        while remaining > 0 {
            var factor: UInt64 = 1
            while remaining > 0, factor * base < 1 << 32 {
                factor *= base
                remaining -= 1
            }
            multiply(by: factor)
        }
    }

    private mutating func multiply(by factor: UInt64) {
        var carry: UInt64 = 0
        for index in limbs.indices {
            let product = limbs[index] * factor + carry
            limbs[index] = product % Self.limbBase
            carry = product / Self.limbBase
        }
        while carry > 0 {
            limbs.append(carry % Self.limbBase)
            carry /= Self.limbBase
        }
    }

    /// Decimal digits, most significant first, without leading zeros.
    var decimalDigits: [UInt8] {
        var digits: [UInt8] = []
        for (offset, limb) in limbs.reversed().enumerated() {
            var limbDigits = [UInt8](repeating: 0, count: 9)
            var rest = limb
            for position in stride(from: 8, through: 0, by: -1) {
                limbDigits[position] = UInt8(rest % 10)
                rest /= 10
            }
            digits += offset == 0 ? Array(limbDigits.drop { $0 == 0 }) : limbDigits
        }
        return digits
    }
}
