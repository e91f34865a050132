/// A Pod Security Standards level (pod-security-admission `api.Level`).
public enum PolicyLevel: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case privileged
    case baseline
    case restricted

    /// Parses a level exactly as PSA's `ParseLevel` does: case-sensitive, no trimming.
    public init(parsing text: String) throws(PolicyParseError) {
        guard let level = PolicyLevel(rawValue: text) else {
            throw PolicyParseError(message: "must be one of privileged, baseline, restricted")
        }
        self = level
    }

    /// Strictness order (`CompareLevels`): privileged < baseline < restricted.
    public var strictness: Int {
        switch self {
        case .privileged: return 0
        case .baseline: return 1
        case .restricted: return 2
        }
    }

    public var description: String { rawValue }
}

/// Why a level or version string is not valid, worded as PSA words it.
public struct PolicyParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}
