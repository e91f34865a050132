/// `jevt.time`, `jevt.time.iso8601`, `jevt.rawtime` (§2.4.1): one value each, never missing.
enum EventTimeFields {
    static let specs: [FieldSpec] = [
        FieldSpec(name: "jevt.time.iso8601",
                  description: "event timestamp in ISO 8601 format, including nanoseconds and time zone offset (in UTC)",
                  recognition: .prefix) { _, _ in { context in .one(.string(iso8601(context.event.timeNs))) } },
        FieldSpec(name: "jevt.time",
                  description: "event timestamp as a string that includes the nanosecond part (local time of day)",
                  recognition: .prefix) { _, _ in { context in .one(.string(timeOfDay(context.event.timeNs))) } },
        FieldSpec(name: "jevt.rawtime", description: "absolute event timestamp, i.e. nanoseconds from epoch",
                  recognition: .prefix) { _, _ in { context in .one(rawTime(context.event.timeNs)) } },
    ]

    /// `HH:MM:SS.nnnnnnnnn` in the host's local time of day, with today's UTC offset (upstream behaviour).
    static func timeOfDay(_ ns: UInt64) -> String {
        let seconds = Int64(ns / 1_000_000_000) + CivilTime.currentLocalOffsetSeconds()
        return clock(((seconds % 86_400) + 86_400) % 86_400) + "." + fraction(ns)
    }

    /// `YYYY-MM-DDTHH:MM:SS.nnnnnnnnn+0000`, always UTC.
    static func iso8601(_ ns: UInt64) -> String {
        utcDateTime(ns) + "+0000"
    }

    /// `YYYY-MM-DDTHH:MM:SS.nnnnnnnnn` in UTC (the JSON alert's `time` adds a `Z`).
    static func utcDateTime(_ ns: UInt64) -> String {
        let seconds = Int64(ns / 1_000_000_000)
        let date = CivilTime.civil(days: seconds / 86_400)
        return CivilTime.padded(date.year, width: 4) + "-" + CivilTime.padded(date.month, width: 2) + "-"
            + CivilTime.padded(date.day, width: 2) + "T" + clock(seconds % 86_400) + "." + fraction(ns)
    }

    /// `HH:MM:SS` of a second of the day.
    private static func clock(_ secondOfDay: Int64) -> String {
        CivilTime.padded(secondOfDay / 3600, width: 2) + ":" + CivilTime.padded(secondOfDay % 3600 / 60, width: 2) + ":"
            + CivilTime.padded(secondOfDay % 60, width: 2)
    }

    private static func fraction(_ ns: UInt64) -> String {
        CivilTime.padded(Int64(ns % 1_000_000_000), width: 9)
    }

    private static func rawTime(_ ns: UInt64) -> K8sValue {
        ns <= UInt64(Int64.max) ? .integer(Int64(ns)) : .string(String(ns))
    }
}
