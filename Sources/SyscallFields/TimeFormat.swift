/// Timestamp renderings of the `evt.time*` / `evt.datetime*` fields (syscall-fields.md §2.1;
/// falcosecurity/libs b7eb0dd `utils.cpp` `ts_to_string`, `ts_to_iso_8601`).
enum TimeFormat {
    enum LocalStyle {
        case timeNanoseconds      // HH:MM:SS.nnnnnnnnn
        case time                 // HH:MM:SS
        case dateTimeNanoseconds  // YYYY-MM-DD HH:MM:SS.nnnnnnnnn
        case dateTime             // YYYY-MM-DD HH:MM:SS
    }

    /// `YYYY-MM-DDTHH:MM:SS.nnnnnnnnn+0000`, always UTC.
    static func iso8601(_ nanoseconds: UInt64) -> String {
        let parts = Civil(nanoseconds: nanoseconds, offsetSeconds: 0)
        return "\(parts.date)T\(parts.time).\(parts.fraction)+0000"
    }

    static func local(_ nanoseconds: UInt64, offsetSeconds: Int, style: LocalStyle) -> String {
        let parts = Civil(nanoseconds: nanoseconds, offsetSeconds: offsetSeconds)
        switch style {
        case .timeNanoseconds: return "\(parts.time).\(parts.fraction)"
        case .time: return parts.time
        case .dateTimeNanoseconds: return "\(parts.date) \(parts.time).\(parts.fraction)"
        case .dateTime: return "\(parts.date) \(parts.time)"
        }
    }

    /// Calendar fields of a timestamp shifted by a UTC offset (proleptic Gregorian, days-from-civil
    /// inverse after Howard Hinnant).
    private struct Civil {
        let date: String, time: String, fraction: String

        init(nanoseconds: UInt64, offsetSeconds: Int) {
            let seconds = Int64(nanoseconds / 1_000_000_000) + Int64(offsetSeconds)
            let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
            let secondOfDay = seconds - days * 86_400
            let shifted = days + 719_468
            let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
            let dayOfEra = shifted - era * 146_097
            let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
            let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
            let monthIndex = (5 * dayOfYear + 2) / 153
            let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
            let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
            let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
            date = "\(Self.pad(year, 4))-\(Self.pad(month, 2))-\(Self.pad(day, 2))"
            time = "\(Self.pad(secondOfDay / 3600, 2)):\(Self.pad(secondOfDay / 60 % 60, 2)):\(Self.pad(secondOfDay % 60, 2))"
            fraction = Self.pad(Int64(nanoseconds % 1_000_000_000), 9)
        }

        private static func pad(_ number: Int64, _ width: Int) -> String {
            let digits = String(number)
            return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
        }
    }
}
