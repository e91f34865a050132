/// YAML scalars that Falco's loader (libyaml through lyaml 6.0, falco-rules.md §2.1) reads back as the
/// same string: plain when that is unambiguous, else single-quoted, else double-quoted with escapes.
public enum YAMLText {
    /// `text` as a scalar value after `key: ` or as a flow-sequence item (`inFlow`, where `,[]{}` end a
    /// plain scalar).
    public static func scalar(_ text: String, inFlow: Bool = false) -> String {
        if isPlain(text, inFlow: inFlow) { return text }
        if fitsOnOneLine(text) { return "'" + text.replacingAll("'", with: "''") + "'" }
        return doubleQuoted(text)
    }

    /// Whether `text` can be written unquoted: YAML reads it as this text, and lyaml types it as a string.
    /// Stricter than YAML requires (any leading indicator, and in flow any `:`, which older libyaml
    /// releases reject there), never looser.
    public static func isPlain(_ text: String, inFlow: Bool = false) -> Bool {
        guard let first = text.unicodeScalars.first, let last = text.unicodeScalars.last,
              !"-?:,[]{}#&*!|>'\"%@` ".unicodeScalars.contains(first), last != " ", last != ":",
              !text.contains(": "), !text.contains(" #"), fitsOnOneLine(text),
              !typesAsNonString(text) else { return false }
        return !inFlow || !text.unicodeScalars.contains { ",[]{}:".unicodeScalars.contains($0) }
    }

    /// Every character may stand unescaped on one line of a plain, single-quoted or folded scalar:
    /// libyaml's printable set less line breaks (`\n`, `\r`, NEL, LS, PS), which YAML folds, and tabs,
    /// which it trims at the ends of a line.
    public static func fitsOnOneLine(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy(isInlinePrintable)
    }

    static func doubleQuoted(_ text: String) -> String {
        var quoted = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            case "\n": quoted += "\\n"
            case "\t": quoted += "\\t"
            case _ where isInlinePrintable(scalar): quoted.unicodeScalars.append(scalar)
            case _ where scalar.value <= 0xFF: quoted += "\\x" + hex(scalar.value, digits: 2)
            case _ where scalar.value <= 0xFFFF: quoted += "\\u" + hex(scalar.value, digits: 4)
            default: quoted += "\\U" + hex(scalar.value, digits: 8)
            }
        }
        return quoted + "\""
    }

    private static func isInlinePrintable(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x20...0x7E: return true
        case 0x2028, 0x2029, 0xFEFF, 0xFFFE, 0xFFFF: return false
        default: return scalar.value >= 0xA0
        }
    }

    /// Plain scalars lyaml 6.0 resolves to null, a boolean or a number (§2.1), plus `null` and `y`/`n`,
    /// which other YAML 1.1 readers resolve. Numbers are recognised generously: an optional sign, then
    /// a digit or `.digit` once underscores are dropped (as lyaml drops them), or `.inf`/`.nan`.
    private static let nonStringWords: Set<String> = [
        "", "~", "null", "true", "false", "yes", "no", "on", "off", "y", "n", ".inf", ".nan",
    ]

    private static func typesAsNonString(_ text: String) -> Bool {
        let lowered = text.lowercased()
        let unsigned = lowered.first == "+" || lowered.first == "-" ? lowered.dropFirst() : lowered[...]
        if nonStringWords.contains(String(unsigned)) { return true }
        let digits = unsigned.filter { $0 != "_" }
        let mantissa = digits.first == "." ? digits.dropFirst() : digits[...]
        return mantissa.first.map { $0.isASCII && $0.isNumber } ?? false
    }

    private static func hex(_ value: UInt32, digits: Int) -> String {
        let text = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
