/// A policy version: `latest` or `v1.<minor>` (pod-security-admission `api.Version`).
public struct PolicyVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let major: Int
    public let minor: Int
    public let isLatest: Bool

    public static let latest = PolicyVersion(major: 0, minor: 0, isLatest: true)

    /// `v<major>.<minor>`.
    public static func v(_ major: Int, _ minor: Int) -> PolicyVersion {
        PolicyVersion(major: major, minor: minor, isLatest: false)
    }

    private init(major: Int, minor: Int, isLatest: Bool) {
        self.major = major; self.minor = minor; self.isLatest = isLatest
    }

    /// Parses exactly as PSA's `ParseVersion`: `latest`, or `^v1\.([0-9]|[1-9][0-9]*)$` with a minor that
    /// fits in a 64-bit integer.
    public init(parsing text: String) throws(PolicyParseError) {
        if text == "latest" { self = .latest; return }
        let invalid = PolicyParseError(message: "must be \"latest\" or \"v1.x\"")
        let bytes = Array(text.utf8)
        guard bytes.count > 3, bytes[0] == UInt8(ascii: "v"), bytes[1] == UInt8(ascii: "1"),
              bytes[2] == UInt8(ascii: ".") else { throw invalid }
        let digits = bytes[3...]
        guard digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
              digits.count == 1 || digits.first != UInt8(ascii: "0") else { throw invalid }
        var minor = 0
        for digit in digits {
            let (times10, overflow1) = minor.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(Int(digit - UInt8(ascii: "0")))
            guard !overflow1, !overflow2 else { throw invalid }
            minor = sum
        }
        self = .v(1, minor)
    }

    /// `latest` is newer than every numbered version; numbered versions compare by major, then minor.
    public static func < (lhs: PolicyVersion, rhs: PolicyVersion) -> Bool {
        if lhs.isLatest { return false }
        if rhs.isLatest { return true }
        return (lhs.major, lhs.minor) < (rhs.major, rhs.minor)
    }

    public var description: String { isLatest ? "latest" : "v\(major).\(minor)" }
}

/// A level at a version, printed as PSA prints it (`baseline:latest`).
public struct PolicyLevelVersion: Sendable, Hashable, CustomStringConvertible {
    public var level: PolicyLevel
    public var version: PolicyVersion
    public init(level: PolicyLevel, version: PolicyVersion) { self.level = level; self.version = version }
    public var description: String { "\(level):\(version)" }
}
