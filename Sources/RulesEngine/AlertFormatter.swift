import K8sAuditFields

/// Renders alerts as Falco 0.31.1 prints them on stdout (falco-rules.md §11.4–§11.6).
public struct AlertFormatter: Sendable {
    public enum Style: String, Sendable, CaseIterable { case text, json }
    public let style: Style

    public init(style: Style) { self.style = style }

    /// One alert line (without the trailing newline).
    public func format(_ rule: CompiledRule, _ context: K8sEventContext) -> String {
        guard let format = rule.k8sAlertFormat else { return "" }
        guard style == .json else { return format.render(in: context) }
        let (text, fields) = format.renderAlert(in: context, withFields: true)
        var json: [UInt8] = []
        json.reserveCapacity(text.utf8.count * 2 + 256)
        json += #"{"output":"#.utf8
        Self.appendEscaped(text, to: &json, upperHex: true)
        json += #","priority":"#.utf8
        Self.appendEscaped(rule.priority.name, to: &json, upperHex: true)
        json += #","rule":"#.utf8
        Self.appendEscaped(rule.name, to: &json, upperHex: true)
        json += #","source":"#.utf8
        Self.appendEscaped(rule.source.rawValue, to: &json, upperHex: true)
        json += #","tags":["#.utf8
        for (i, tag) in rule.tags.enumerated() {
            if i > 0 { json.append(UInt8(ascii: ",")) }
            Self.appendEscaped(tag, to: &json, upperHex: true)
        }
        json += #"],"time":""#.utf8
        json += context.event.alertTime.utf8
        json += #"", "output_fields": {"#.utf8
        for (i, field) in fields.enumerated() {
            if i > 0 { json.append(UInt8(ascii: ",")) }
            Self.appendEscaped(field.key, to: &json, upperHex: false)
            json.append(UInt8(ascii: ":"))
            Self.appendEscaped(field.value, to: &json, upperHex: false)
        }
        json += "}}".utf8
        return String(decoding: json, as: UTF8.self)
    }

    /// `format(rule, context)` appended as UTF-8 to `out`; text alerts are rendered straight into it.
    public func write(_ rule: CompiledRule, _ context: K8sEventContext, to out: inout [UInt8]) {
        if style == .text, let format = rule.k8sAlertFormat {
            format.render(in: context, appendingTo: &out)
        } else {
            out.append(contentsOf: self.format(rule, context).utf8)
        }
    }

    /// JSON string escaping of the envelope (JsonCpp 0.10.6: control bytes as upper-case `\u00XX`) and of
    /// k8s `output_fields` (nlohmann/json 3.3.0: lower-case); named escapes for the usual five, `"` and
    /// `\`; every other byte, `/` and non-ASCII included, copied raw.
    static func appendEscaped(_ text: String, to out: inout [UInt8], upperHex: Bool) {
        let hex: StaticString = upperHex ? "0123456789ABCDEF" : "0123456789abcdef"
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0x08: out += [UInt8(ascii: "\\"), UInt8(ascii: "b")]
            case 0x0C: out += [UInt8(ascii: "\\"), UInt8(ascii: "f")]
            case 0x0A: out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0D: out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0x09: out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0..<0x20:
                hex.withUTF8Buffer { digits in
                    out += [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                            digits[Int(byte >> 4)], digits[Int(byte & 0xF)]]
                }
            default:
                out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
