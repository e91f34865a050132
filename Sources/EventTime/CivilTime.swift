#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Proleptic Gregorian calendar arithmetic (H. Hinnant's days-from-civil), used to read timestamps like
/// `timegm` does and to print event times without Foundation's date formatters.
public enum CivilTime {
    /// Days since 1970-01-01 of year/month/day; `day` may exceed the month (normalised as `timegm` does).
    public static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let monthFromMarch = (month + 9) % 12
        let dayOfYear = (153 * monthFromMarch + 2) / 5
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468 + (day - 1)
    }

    public static func civil(days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthFromMarch = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1
        let month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// The host's UTC offset in seconds *now* (TZ honoured), as libsinsp's `gmt2local` takes it.
    public static func currentLocalOffsetSeconds() -> Int64 {
        LocalOffsetCache.shared.offset(now: time(nil))
    }
}

/// `tzset` re-reads the zone file on every call when TZ is unset; the offset is kept for the current
/// minute and TZ value instead (an alert line needs it, evaluation does not). TZ is compared as C
/// bytes, so the per-alert check allocates nothing.
private final class LocalOffsetCache: @unchecked Sendable {
    static let shared = LocalOffsetCache()
    private let lock = NSLock()
    /// The TZ value the offset was computed for, NUL-terminated; nil when TZ was unset.
    private var zone: [CChar]?
    private var minute = Int.min
    private var cached: Int64 = 0

    func offset(now: time_t) -> Int64 {
        let currentZone = getenv("TZ")
        lock.lock(); defer { lock.unlock() }
        if minute == Int(now) / 60, isCachedZone(currentZone) { return cached }
        tzset()
        var now = now
        var local = tm()
        cached = localtime_r(&now, &local) != nil ? Int64(local.tm_gmtoff) : 0
        minute = Int(now) / 60
        zone = currentZone.map { Array(UnsafeBufferPointer(start: $0, count: strlen($0) + 1)) }
        return cached
    }

    private func isCachedZone(_ currentZone: UnsafeMutablePointer<CChar>?) -> Bool {
        switch (currentZone, zone) {
        case (nil, nil): return true
        case (let current?, let cached?): return cached.withUnsafeBufferPointer { strcmp(current, $0.baseAddress!) == 0 }
        default: return false
        }
    }
}
