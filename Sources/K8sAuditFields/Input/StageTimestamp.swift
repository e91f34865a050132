import EventTime
/// The event time from `stageTimestamp` (§1.3). The accepted syntax is upstream's (`strptime`
/// `%Y-%m-%dT%H:%M:` then a C `%lf` seconds number, anything after it ignored), with pspctl's two
/// corrections: the seconds are read as an exact decimal (no rounding through a double), and a numeric
/// offset after them (`+02:00`, `-0530`, `+01`) is honoured.
enum StageTimestamp {
    private static let nanosecondsPerSecond: Int64 = 1_000_000_000

    static func nanoseconds(parsing text: String) -> UInt64? {
        var text = text
        return text.withUTF8 { nanoseconds(parsing: $0) }
    }

    /// As `nanoseconds(parsing:)` for a text's UTF-8 bytes (read in place, e.g. straight from the JSON).
    static func nanoseconds(parsing bytes: UnsafeBufferPointer<UInt8>) -> UInt64? {
        var reader = Reader(bytes: bytes)
        guard let year = reader.number(from: 0, to: 9999, digits: 4), reader.literal("-"),
              let month = reader.number(from: 1, to: 12, digits: 2), reader.literal("-"),
              let day = reader.number(from: 1, to: 31, digits: 2), reader.literal("T"),
              let hour = reader.number(from: 0, to: 23, digits: 2), reader.literal(":"),
              let minute = reader.number(from: 0, to: 59, digits: 2), reader.literal(":"),
              let seconds = reader.decimalSeconds() else { return nil }
        let offsetSeconds = reader.utcOffsetSeconds() ?? 0
        let minuteStart = CivilTime.days(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60
        let (base, overflow1) = (minuteStart - offsetSeconds).multipliedReportingOverflow(by: nanosecondsPerSecond)
        let (total, overflow2) = base.addingReportingOverflow(seconds)
        // Before 1970 or beyond 2262 upstream wraps around; such times are not accepted here.
        guard !overflow1, !overflow2, total >= 0 else { return nil }
        return UInt64(total)
    }

    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var position = 0

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        private var current: UInt8? { position < bytes.count ? bytes[position] : nil }
        private func isDigit(_ byte: UInt8?) -> Bool { byte.map { $0 >= 0x30 && $0 <= 0x39 } ?? false }

        mutating func literal(_ character: Unicode.Scalar) -> Bool {
            guard current == UInt8(ascii: character) else { return false }
            position += 1
            return true
        }

        /// glibc `strptime`'s `get_number`: optional whitespace, then digits while fewer than `digits`
        /// were read and the value times ten stays within `to`; the result must lie in `from...to`.
        mutating func number(from: Int64, to: Int64, digits: Int) -> Int64? {
            while let byte = current, ValueClassifier.isCSpace(byte) { position += 1 }
            guard isDigit(current) else { return nil }
            var value: Int64 = 0, remaining = digits
            repeat {
                value = value * 10 + Int64(bytes[position] - 0x30)
                position += 1
                remaining -= 1
            } while remaining > 0 && value * 10 <= to && isDigit(current)
            return (from...to).contains(value) ? value : nil
        }

        /// A C `%lf` number read exactly, as signed nanoseconds: optional whitespace and sign, then
        /// digits with an optional fraction and an optional exponent, or a hexadecimal float (`0x10`,
        /// `0x1.8p3`). Digits beyond the nanosecond are cut off. (`inf` and `nan`, which `%lf` also reads,
        /// are not times: rejected.)
        mutating func decimalSeconds() -> Int64? {
            while let byte = current, ValueClassifier.isCSpace(byte) { position += 1 }
            var negative = false
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") {
                negative = current == UInt8(ascii: "-")
                position += 1
            }
            if startsHexadecimalNumber {
                return hexadecimalNanoseconds().map { negative ? -$0 : $0 }
            }
            // The digits are read in place: the integer part, then the fraction after the point.
            let integerStart = position
            while isDigit(current) { position += 1 }
            let integerDigits = position - integerStart
            var fractionStart = position, fractionEnd = position
            if current == UInt8(ascii: ".") {
                position += 1
                fractionStart = position
                while isDigit(current) { position += 1 }
                fractionEnd = position
            }
            let digitCount = integerDigits + fractionEnd - fractionStart
            guard digitCount > 0 else { return nil }
            var exponent = 0
            if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
                position += 1
                var exponentNegative = false
                if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") {
                    exponentNegative = current == UInt8(ascii: "-")
                    position += 1
                }
                // C requires exponent digits once an `e` was read (`1eZ` is not a number).
                guard isDigit(current) else { return nil }
                while isDigit(current) {
                    exponent = min(exponent * 10 + Int(bytes[position] - 0x30), 100_000)
                    position += 1
                }
                if exponentNegative { exponent = -exponent }
            }
            // The value is 0.d1d2d3… × 10^(integerDigits + exponent); keep whole nanoseconds.
            let pointPosition = integerDigits + exponent + 9
            var nanoseconds: Int64 = 0
            for place in 0..<min(digitCount, max(pointPosition, 0)) {
                let digit = bytes[place < integerDigits ? integerStart + place : fractionStart + place - integerDigits] - 0x30
                guard digit != 0 || nanoseconds != 0 else { continue }
                let (shifted, overflow1) = nanoseconds.multipliedReportingOverflow(by: 10)
                let (next, overflow2) = shifted.addingReportingOverflow(Int64(digit))
                guard !overflow1, !overflow2 else { return nil }
                nanoseconds = next
            }
            if pointPosition > digitCount, nanoseconds != 0 {
                for _ in 0..<(pointPosition - digitCount) {
                    let (shifted, overflow) = nanoseconds.multipliedReportingOverflow(by: 10)
                    guard !overflow else { return nil }
                    nanoseconds = shifted
                }
            }
            return negative ? -nanoseconds : nanoseconds
        }

        /// `0x` or `0X` followed by a hex digit, or by `.` and a hex digit (otherwise `%lf` reads the `0`
        /// alone, as a decimal).
        private var startsHexadecimalNumber: Bool {
            func byte(_ offset: Int) -> UInt8? { position + offset < bytes.count ? bytes[position + offset] : nil }
            guard byte(0) == UInt8(ascii: "0"), byte(1) == UInt8(ascii: "x") || byte(1) == UInt8(ascii: "X") else { return false }
            let next = byte(2) == UInt8(ascii: ".") ? byte(3) : byte(2)
            return next.flatMap(ByteText.hexDigitValue) != nil
        }

        /// The hexadecimal float after `0x` (hex digits, optional `.` fraction, optional binary exponent
        /// `p±N`) in whole nanoseconds, exactly (a hex float is a binary fraction); nil when out of range.
        private mutating func hexadecimalNanoseconds() -> Int64? {
            position += 2
            var mantissa: UInt64 = 0, binaryExponent = 0, inFraction = false
            while let byte = current {
                if byte == UInt8(ascii: "."), !inFraction { inFraction = true; position += 1; continue }
                guard let digit = ByteText.hexDigitValue(byte) else { break }
                if mantissa >> 56 == 0 {
                    mantissa = mantissa << 4 | UInt64(digit)
                    if inFraction { binaryExponent -= 4 }
                } else if !inFraction {
                    binaryExponent += 4   // integer digits beyond the mantissa's precision still scale it
                }
                position += 1
            }
            if current == UInt8(ascii: "p") || current == UInt8(ascii: "P") {
                var exponentReader = self
                exponentReader.position += 1
                var exponentNegative = false
                if exponentReader.current == UInt8(ascii: "+") || exponentReader.current == UInt8(ascii: "-") {
                    exponentNegative = exponentReader.current == UInt8(ascii: "-")
                    exponentReader.position += 1
                }
                // Without digits the `p` is not part of the number (C reads `0x1pZ` as 1).
                if exponentReader.isDigit(exponentReader.current) {
                    var exponent = 0
                    while exponentReader.isDigit(exponentReader.current) {
                        exponent = min(exponent * 10 + Int(exponentReader.bytes[exponentReader.position] - 0x30), 100_000)
                        exponentReader.position += 1
                    }
                    binaryExponent += exponentNegative ? -exponent : exponent
                    self = exponentReader
                }
            }
            guard mantissa != 0 else { return 0 }
            // mantissa × 10⁹ as a 128-bit (high, low) pair (UInt128 needs macOS 15), shifted by the exponent.
            let scaled = mantissa.multipliedFullWidth(by: UInt64(nanosecondsPerSecond))
            let high: UInt64, low: UInt64
            if binaryExponent >= 0 {
                guard scaled.high == 0, binaryExponent < 64, scaled.low <= UInt64(Int64.max) >> binaryExponent else { return nil }
                (high, low) = (0, scaled.low << binaryExponent)
            } else {
                let shift = -binaryExponent
                if shift >= 128 {
                    (high, low) = (0, 0)
                } else if shift >= 64 {
                    (high, low) = (0, scaled.high >> (shift - 64))
                } else {
                    (high, low) = (scaled.high >> shift, scaled.low >> shift | scaled.high << (64 - shift))
                }
            }
            return high == 0 && low <= UInt64(Int64.max) ? Int64(low) : nil
        }

        /// `±HH:MM`, `±HHMM` or `±HH` right after the seconds; nil (offset 0) for `Z`, nothing, or anything
        /// else (upstream ignores whatever follows the seconds).
        mutating func utcOffsetSeconds() -> Int64? {
            guard let sign = current, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") else { return nil }
            var rest = bytes[(position + 1)...].makeIterator()
            func twoDigits() -> Int64? {
                guard let a = rest.next(), let b = rest.next(), a >= 0x30, a <= 0x39, b >= 0x30, b <= 0x39 else { return nil }
                return Int64(a - 0x30) * 10 + Int64(b - 0x30)
            }
            guard let hours = twoDigits(), hours <= 23 else { return nil }
            var minutes: Int64 = 0
            var next = rest
            if let separator = next.next(), separator == UInt8(ascii: ":") { rest = next }
            if let parsed = twoDigits() {
                guard parsed <= 59 else { return nil }
                minutes = parsed
            }
            let offset = hours * 3600 + minutes * 60
            return sign == UInt8(ascii: "-") ? -offset : offset
        }
    }
}
