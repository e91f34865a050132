import EventTime
import SyscallFields

/// The formatter stage of the syscall source: alerts of syscall rules on sensor events, in Falco
/// 0.31.1's layout (falco-rules.md §11.3–§11.6): the text line `<evt.time>: <Priority> <output>`, and the
/// JSON line with `"source":"syscall"` and the syscall `output_fields` (JsonCpp: keys in byte order,
/// typed values, `null` for a field without a value, upper-case `\u00XX` escapes).
extension AlertFormatter {
    /// One alert line (without the trailing newline).
    public func format(_ rule: CompiledRule, _ event: SensorEvent) -> String {
        var bytes: [UInt8] = []
        write(rule, event, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The alert line appended as UTF-8 to `out` (nothing for a rule without a syscall alert format).
    public func write(_ rule: borrowing CompiledRule, _ event: SensorEvent, to out: inout [UInt8]) {
        guard let parts = Self.parts(rule, event) else { return }
        guard style == .json else {
            out += parts.text.utf8
            return
        }
        Self.writeJSON(rule, event, text: parts.text, fields: parts.fields, to: &out)
    }

    /// The rendered output text (control characters of event data escaped) and `output_fields`; nil for
    /// a rule without a syscall alert format.
    public static func parts(_ rule: borrowing CompiledRule, _ event: SensorEvent)
        -> (text: String, fields: [(key: String, value: SyscallOutputValue)])? {
        guard let format = rule.syscallAlertFormat else { return nil }
        return (format.render(event), format.outputFields(event))
    }

    /// The JSON line of a syscall alert whose `parts` are rendered already.
    public static func writeJSON(_ rule: borrowing CompiledRule, _ event: SensorEvent, text: String,
                                 fields: [(key: String, value: SyscallOutputValue)], to out: inout [UInt8]) {
        writeEnvelope(rule, text: text, time: TimestampText.utc(event.rawTime), to: &out)
        for (i, field) in fields.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            appendEscaped(field.key, to: &out, upperHex: true)
            out.append(UInt8(ascii: ":"))
            switch field.value {
            case .null: out += "null".utf8
            case .bool(let flag): out += (flag ? "true" : "false").utf8
            case .number(let digits): out += digits.utf8
            case .string(let text): appendEscaped(text, to: &out, upperHex: true)
            }
        }
        out += "}}".utf8
    }

    /// The text of an `output_fields` value as the wire's `OutputField.value` carries it (nil for `null`).
    public static func wireText(_ value: SyscallOutputValue) -> String? {
        switch value {
        case .null: return nil
        case .bool(let flag): return flag ? "true" : "false"
        case .number(let digits): return digits
        case .string(let text): return text
        }
    }
}
