/// Event times as Falco prints them (falcosecurity/libs `ts_to_string`, `ts_to_iso_8601`): the same
/// renderings serve `evt.time*` (syscall) and `jevt.time*` (k8s audit) fields and the JSON alert `time`.
public enum TimestampText {
    /// `HH:MM:SS.nnnnnnnnn` (or `HH:MM:SS`) of the timestamp shifted by `offsetSeconds`.
    public static func timeOfDay(_ nanoseconds: UInt64, offsetSeconds: Int64, fraction: Bool = true) -> String {
        let parts = Parts(nanoseconds, offsetSeconds: offsetSeconds)
        return render(extraCapacity: 0) { text in
            text.appendTime(parts)
            if fraction { text.appendFraction(parts) }
        }
    }

    /// `YYYY-MM-DD<separator>HH:MM:SS.nnnnnnnnn` (or without the fraction), shifted by `offsetSeconds`.
    public static func dateTime(_ nanoseconds: UInt64, offsetSeconds: Int64, separator: String = " ",
                                fraction: Bool = true) -> String {
        dateTime(nanoseconds, offsetSeconds: offsetSeconds, separator: separator, fraction: fraction, suffix: "")
    }

    /// `YYYY-MM-DDTHH:MM:SS.nnnnnnnnn+0000`, always UTC (Falco writes the offset literally).
    public static func iso8601(_ nanoseconds: UInt64) -> String {
        dateTime(nanoseconds, offsetSeconds: 0, separator: "T", fraction: true, suffix: "+0000")
    }

    /// `YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ`, the `time` of a JSON alert.
    public static func utc(_ nanoseconds: UInt64) -> String {
        dateTime(nanoseconds, offsetSeconds: 0, separator: "T", fraction: true, suffix: "Z")
    }

    private static func dateTime(_ nanoseconds: UInt64, offsetSeconds: Int64, separator: String,
                                 fraction: Bool, suffix: StaticString) -> String {
        let parts = Parts(nanoseconds, offsetSeconds: offsetSeconds)
        return render(extraCapacity: separator.utf8.count + suffix.utf8CodeUnitCount) { text in
            text.appendNumber(parts.year, width: 4)
            text.append(UInt8(ascii: "-"))
            text.appendNumber(parts.month, width: 2)
            text.append(UInt8(ascii: "-"))
            text.appendNumber(parts.day, width: 2)
            for byte in separator.utf8 { text.append(byte) }
            text.appendTime(parts)
            if fraction { text.appendFraction(parts) }
            suffix.withUTF8Buffer { for byte in $0 { text.append(byte) } }
        }
    }

    /// The calendar fields of a shifted timestamp; every one is non-negative.
    private struct Parts {
        let year: Int64, month: Int64, day: Int64, secondOfDay: Int64, nanosecond: Int64

        init(_ nanoseconds: UInt64, offsetSeconds: Int64) {
            let seconds = Int64(nanoseconds / 1_000_000_000) + offsetSeconds
            let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
            secondOfDay = seconds - days * 86_400
            (year, month, day) = CivilTime.civil(days: days)
            nanosecond = Int64(nanoseconds % 1_000_000_000)
        }
    }

    /// The text is written as bytes into one buffer: a timestamp is a handful of short numbers, and
    /// building each as its own String cost more than the rest of an alert line.
    private static func render(extraCapacity: Int, _ write: (inout ByteWriter) -> Void) -> String {
        // Date, time and fraction take at most 30 bytes (a year has at most 4 digits for a UInt64 of ns).
        String(unsafeUninitializedCapacity: 32 + extraCapacity) { buffer in
            var writer = ByteWriter(buffer: buffer)
            write(&writer)
            return writer.count
        }
    }

    private struct ByteWriter {
        let buffer: UnsafeMutableBufferPointer<UInt8>
        private(set) var count = 0

        init(buffer: UnsafeMutableBufferPointer<UInt8>) { self.buffer = buffer }

        mutating func append(_ byte: UInt8) {
            buffer[count] = byte
            count += 1
        }

        /// A non-negative number in decimal, zero-padded to `width` digits.
        mutating func appendNumber(_ number: Int64, width: Int) {
            var digits = 1, rest = number
            while rest >= 10 { rest /= 10; digits += 1 }
            let length = max(width, digits)
            // Written from the last digit back; division by the constant 10 compiles to a multiply.
            var value = number
            for position in stride(from: count + length - 1, through: count, by: -1) {
                buffer[position] = UInt8(ascii: "0") + UInt8(value % 10)
                value /= 10
            }
            count += length
        }

        mutating func appendTime(_ parts: Parts) {
            appendNumber(parts.secondOfDay / 3600, width: 2)
            append(UInt8(ascii: ":"))
            appendNumber(parts.secondOfDay / 60 % 60, width: 2)
            append(UInt8(ascii: ":"))
            appendNumber(parts.secondOfDay % 60, width: 2)
        }

        mutating func appendFraction(_ parts: Parts) {
            append(UInt8(ascii: "."))
            appendNumber(parts.nanosecond, width: 9)
        }
    }
}
