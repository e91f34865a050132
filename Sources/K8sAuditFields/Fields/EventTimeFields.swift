import EventTime

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
        TimestampText.timeOfDay(ns, offsetSeconds: CivilTime.currentLocalOffsetSeconds())
    }

    /// `YYYY-MM-DDTHH:MM:SS.nnnnnnnnn+0000`, always UTC.
    static func iso8601(_ ns: UInt64) -> String {
        TimestampText.iso8601(ns)
    }

    private static func rawTime(_ ns: UInt64) -> K8sValue {
        ns <= UInt64(Int64.max) ? .integer(Int64(ns)) : .string(String(ns))
    }
}
