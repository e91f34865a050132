import K8sAuditFields

/// Renders alerts as Falco 0.31.1 prints them on stdout (falco-rules.md §11.4–§11.6).
public struct AlertFormatter: Sendable {
    public enum Style: String, Sendable, CaseIterable { case text, json }
    public let style: Style

    public init(style: Style) { self.style = style }

    /// One alert line (without the trailing newline).
    public func format(_ rule: CompiledRule, _ context: K8sEventContext) -> String {
        var bytes: [UInt8] = []
        write(rule, context, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The alert line appended as UTF-8 to `out`: text alerts are rendered straight into it, with the
    /// control characters of event data escaped (`K8sOutputFormat.renderText`), so an alert is one line.
    public func write(_ rule: CompiledRule, _ context: K8sEventContext, to out: inout [UInt8]) {
        guard let format = rule.k8sAlertFormat else { return }
        guard style == .json else {
            format.renderText(in: context, appendingTo: &out)
            return
        }
        let (text, fields) = format.renderAlert(in: context)
        Self.writeJSON(rule, context, text: text, fields: fields, to: &out)
    }

    /// The parts of an alert its JSON line carries besides the rule's own: the rendered output text and
    /// `output_fields` in Falco's order; nil for a rule without a k8s_audit alert format.
    public static func parts(_ rule: borrowing CompiledRule, _ context: K8sEventContext)
        -> (text: String, fields: [(key: String, value: String)])? {
        rule.k8sAlertFormat?.renderAlert(in: context)
    }

    /// The JSON line of an alert whose `parts` are rendered already (the one JSON writer: `write` uses it).
    public static func writeJSON(_ rule: borrowing CompiledRule, _ context: K8sEventContext, text: String,
                                 fields: [(key: String, value: String)], to out: inout [UInt8]) {
        writeEnvelope(rule, text: text, time: context.event.alertTime, to: &out)
        for (i, field) in fields.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            Self.appendEscaped(field.key, to: &out, upperHex: false)
            out.append(UInt8(ascii: ":"))
            Self.appendEscaped(field.value, to: &out, upperHex: false)
        }
        out += "}}".utf8
    }

    /// Everything of a JSON alert line up to its `output_fields` object's members (both sources): the
    /// envelope in JsonCpp's key order, then `, "output_fields": {`.
    static func writeEnvelope(_ rule: borrowing CompiledRule, text: String, time: String, to out: inout [UInt8]) {
        out += #"{"output":"#.utf8
        Self.appendEscaped(text, to: &out, upperHex: true)
        out += #","priority":"#.utf8
        Self.appendEscaped(rule.priority.name, to: &out, upperHex: true)
        out += #","rule":"#.utf8
        Self.appendEscaped(rule.name, to: &out, upperHex: true)
        out += #","source":"#.utf8
        Self.appendEscaped(rule.source.rawValue, to: &out, upperHex: true)
        out += #","tags":["#.utf8
        for (i, tag) in rule.tags.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            Self.appendEscaped(tag, to: &out, upperHex: true)
        }
        out += #"],"time":""#.utf8
        out += time.utf8
        out += #"", "output_fields": {"#.utf8
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

extension CompiledRule {
    /// The names (without index) of the k8s_audit fields the rule's condition reads, e.g. to tell whether
    /// the rule judges pod specs (`ka.req.pod.*`, `ka.req.podspec.*`, `ka.pss.*`). Kept here, beside the
    /// other reader of a compiled rule's internals, so callers need no access to the filter tree.
    public var k8sConditionFieldNames: Set<String> {
        var names: Set<String> = []
        var pending: [Filter] = filter.map { [$0] } ?? []
        while let node = pending.popLast() {
            switch node {
            case .and(let members), .or(let members): pending += members
            case .not(let operand): pending.append(operand)
            case .k8s(let check, _): names.insert(check.reference.name)
            case .syscall: break
            }
        }
        return names
    }
}
