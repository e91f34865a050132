/// Writing values into Falco 0.31.1 conditions and YAML rules files.
enum FalcoValue {
    /// `value` as a token of the condition grammar that reads back as exactly `value`: a bare word when
    /// that is safe, else quoted (Falco does not unescape quoted strings, so the quote character must not
    /// occur inside). Nil when no form reads back exactly.
    static func literal(_ value: String) -> String? {
        if isSafeBareWord(value) { return value }
        guard value.last != "\\" else { return nil }
        if !value.contains("\"") { return "\"\(value)\"" }
        if !value.contains("'") { return "'\(value)'" }
        return nil
    }

    /// Starts with a letter or `_` (so it is not a number or a quoted string) and holds no character that
    /// ends a bare string or could be mistaken for syntax.
    private static func isSafeBareWord(_ value: String) -> Bool {
        guard let first = value.unicodeScalars.first, first == "_" || isASCIILetter(first) else { return false }
        return value.unicodeScalars.allSatisfy { isASCIILetter($0) || ("0"..."9").contains($0) || "_.:/@+-".unicodeScalars.contains($0) }
    }

    private static func isASCIILetter(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
    }
}

/// YAML scalars for the generated file: plain when unambiguous, else single- or double-quoted.
enum YAMLText {
    /// - Parameter inFlow: the scalar sits in a flow collection (`[a, b]`), where `,[]{}` end a plain scalar.
    static func scalar(_ text: String, inFlow: Bool = false) -> String {
        if isSafePlain(text, inFlow: inFlow) { return text }
        if text.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }) {
            return "'" + text.replacingAll("'", with: "''") + "'"
        }
        var quoted = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            case "\n": quoted += "\\n"
            case "\t": quoted += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16)
                    quoted += "\\x" + (hex.count < 2 ? "0" : "") + hex
                } else {
                    quoted.unicodeScalars.append(scalar)
                }
            }
        }
        return quoted + "\""
    }

    private static let reservedWords: Set<String> = [
        "y", "n", "yes", "no", "true", "false", "on", "off", "null", "~",
    ]

    private static func isSafePlain(_ text: String, inFlow: Bool) -> Bool {
        guard let first = text.unicodeScalars.first, let last = text.unicodeScalars.last,
              first == "_" || first == "/" || ("a"..."z").contains(first) || ("A"..."Z").contains(first),
              last != " ", last != ":",
              !reservedWords.contains(text.lowercased()),
              !text.contains(": "), !text.contains(" #") else { return false }
        let forbidden: Set<Unicode.Scalar> = inFlow ? ["'", "\"", "`", "\\", ",", "[", "]", "{", "}", "%", "&", "*", "!", "|", ">"]
                                                    : ["'", "\"", "`", "\\", "%", "&", "*", "!", "|", ">"]
        return text.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F && !forbidden.contains($0) }
    }
}

extension String {
    /// Every occurrence of `target` replaced (no Foundation).
    func replacingAll(_ target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
