import EventTime

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
        TimestampText.iso8601(nanoseconds)
    }

    static func local(_ nanoseconds: UInt64, offsetSeconds: Int, style: LocalStyle) -> String {
        let offset = Int64(offsetSeconds)
        switch style {
        case .timeNanoseconds: return TimestampText.timeOfDay(nanoseconds, offsetSeconds: offset)
        case .time: return TimestampText.timeOfDay(nanoseconds, offsetSeconds: offset, fraction: false)
        case .dateTimeNanoseconds: return TimestampText.dateTime(nanoseconds, offsetSeconds: offset)
        case .dateTime: return TimestampText.dateTime(nanoseconds, offsetSeconds: offset, fraction: false)
        }
    }
}
