/// Event times as Falco prints them (falcosecurity/libs `ts_to_string`, `ts_to_iso_8601`): the same
/// renderings serve `evt.time*` (syscall) and `jevt.time*` (k8s audit) fields and the JSON alert `time`.
public enum TimestampText {
    /// `HH:MM:SS.nnnnnnnnn` (or `HH:MM:SS`) of the timestamp shifted by `offsetSeconds`.
    public static func timeOfDay(_ nanoseconds: UInt64, offsetSeconds: Int64, fraction: Bool = true) -> String {
        let parts = Parts(nanoseconds, offsetSeconds: offsetSeconds)
        return fraction ? parts.time + "." + parts.fraction : parts.time
    }

    /// `YYYY-MM-DD<separator>HH:MM:SS.nnnnnnnnn` (or without the fraction), shifted by `offsetSeconds`.
    public static func dateTime(_ nanoseconds: UInt64, offsetSeconds: Int64, separator: String = " ",
                                fraction: Bool = true) -> String {
        let parts = Parts(nanoseconds, offsetSeconds: offsetSeconds)
        return parts.date + separator + parts.time + (fraction ? "." + parts.fraction : "")
    }

    /// `YYYY-MM-DDTHH:MM:SS.nnnnnnnnn+0000`, always UTC (Falco writes the offset literally).
    public static func iso8601(_ nanoseconds: UInt64) -> String {
        dateTime(nanoseconds, offsetSeconds: 0, separator: "T") + "+0000"
    }

    /// `YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ`, the `time` of a JSON alert.
    public static func utc(_ nanoseconds: UInt64) -> String {
        dateTime(nanoseconds, offsetSeconds: 0, separator: "T") + "Z"
    }

    private struct Parts {
        let date: String, time: String, fraction: String

        init(_ nanoseconds: UInt64, offsetSeconds: Int64) {
            let seconds = Int64(nanoseconds / 1_000_000_000) + offsetSeconds
            let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
            let secondOfDay = seconds - days * 86_400
            let civil = CivilTime.civil(days: days)
            date = pad(civil.year, 4) + "-" + pad(civil.month, 2) + "-" + pad(civil.day, 2)
            time = pad(secondOfDay / 3600, 2) + ":" + pad(secondOfDay / 60 % 60, 2) + ":" + pad(secondOfDay % 60, 2)
            fraction = pad(Int64(nanoseconds % 1_000_000_000), 9)
        }
    }
}

private func pad(_ number: Int64, _ width: Int) -> String {
    let digits = String(number)
    return digits.utf8.count >= width ? digits : String(repeating: "0", count: width - digits.utf8.count) + digits
}
