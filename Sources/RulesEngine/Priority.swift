/// Falco's eight priorities (falco-rules.md §9). Lower raw value = more severe.
public enum Priority: Int, Sendable, Comparable, CaseIterable {
    case emergency = 0, alert, critical, error, warning, notice, informational, debug

    /// The name printed in alerts.
    public var name: String {
        switch self {
        case .emergency: return "Emergency"
        case .alert: return "Alert"
        case .critical: return "Critical"
        case .error: return "Error"
        case .warning: return "Warning"
        case .notice: return "Notice"
        case .informational: return "Informational"
        case .debug: return "Debug"
        }
    }

    /// Parses a rules-file `priority`. Falco 0.31.1 accepts only `Name`, `name`, `NAME` (and `info`/`INFO`);
    /// pspctl accepts any letter case of the names and of `info`, so every file Falco loads loads here too.
    public init?(spelling: String) {
        let lower = spelling.lowercased()
        if lower == "info" { self = .informational; return }
        guard let match = Priority.allCases.first(where: { $0.name.lowercased() == lower }) else { return nil }
        self = match
    }

    public static func < (lhs: Priority, rhs: Priority) -> Bool { lhs.rawValue < rhs.rawValue }

    /// True when an alert of this priority passes a minimum (`self` at least as severe as `minimum`).
    public func isAtLeast(_ minimum: Priority) -> Bool { rawValue <= minimum.rawValue }
}
