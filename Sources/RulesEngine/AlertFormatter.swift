import K8sAuditFields

/// Renders alerts as Falco 0.31.1 prints them on stdout (falco-rules.md §11.4–§11.6).
public struct AlertFormatter: Sendable {
    public enum Style: String, Sendable, CaseIterable { case text, json }
    public let style: Style

    public init(style: Style) { self.style = style }

    /// One alert line (without the trailing newline).
    public func format(_ rule: CompiledRule, _ context: K8sEventContext) -> String {
        guard let format = rule.k8sAlertFormat else { return "" }
        let text = format.render(in: context)
        guard style == .json else { return text }
        var json = "{\"output\":"
        Self.appendJsonCppString(text, to: &json)
        json += ",\"priority\":"
        Self.appendJsonCppString(rule.priority.name, to: &json)
        json += ",\"rule\":"
        Self.appendJsonCppString(rule.name, to: &json)
        json += ",\"source\":"
        Self.appendJsonCppString(rule.source.rawValue, to: &json)
        json += ",\"tags\":["
        for (i, tag) in rule.tags.enumerated() {
            if i > 0 { json += "," }
            Self.appendJsonCppString(tag, to: &json)
        }
        json += "],\"time\":\"" + Self.iso8601UTC(context.event.timeNs) + "\", \"output_fields\": {"
        for (i, field) in format.outputFields(in: context).enumerated() {
            if i > 0 { json += "," }
            Self.appendNlohmannString(field.key, to: &json)
            json += ":"
            Self.appendNlohmannString(field.value, to: &json)
        }
        json += "}}"
        return json
    }

    /// `YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ`.
    public static func iso8601UTC(_ ns: UInt64) -> String {
        let seconds = Int64(ns / 1_000_000_000)
        let fraction = Int(ns % 1_000_000_000)
        let (y, m, d) = civilDate(daysSinceEpoch: seconds / 86_400)
        let secondOfDay = Int(seconds % 86_400)
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2)).\(pad(fraction, 9))Z"
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    /// Howard Hinnant's days-to-civil algorithm (proleptic Gregorian, UTC).
    private static func civilDate(daysSinceEpoch: Int64) -> (Int, Int, Int) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        return (Int(y), Int(m), Int(d))
    }

    /// JsonCpp 0.10.6 escaping: named escapes, other control bytes as upper-case `\u00XX`, rest raw.
    static func appendJsonCppString(_ text: String, to out: inout String) {
        appendEscaped(text, to: &out, hexDigits: "0123456789ABCDEF")
    }

    /// nlohmann/json 3.3.0 escaping: the same with lower-case hex.
    static func appendNlohmannString(_ text: String, to out: inout String) {
        appendEscaped(text, to: &out, hexDigits: "0123456789abcdef")
    }

    private static func appendEscaped(_ text: String, to out: inout String, hexDigits: String) {
        let hex = Array(hexDigits.unicodeScalars)
        out.unicodeScalars.append("\"")
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                out += "\\u00"
                out.unicodeScalars.append(hex[Int(scalar.value >> 4)])
                out.unicodeScalars.append(hex[Int(scalar.value & 0xF)])
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        out.unicodeScalars.append("\"")
    }
}
