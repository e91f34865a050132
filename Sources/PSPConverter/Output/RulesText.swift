/// Text of the items of a generated rules file, laid out byte for byte as falcoctl v0.0.4's template.

/// A YAML scalar written after `key: `: plain when YAML reads it back unchanged (always the case for
/// falcoctl's own texts), double-quoted otherwise, so any PSP name or value yields a loadable file.
enum YAMLText {
    static func scalar(_ text: String) -> String {
        isPlainSafe(text) ? text : doubleQuoted(text)
    }

    static func isPlainSafe(_ text: String) -> Bool {
        guard let first = text.first, let last = text.last else { return false }
        if "-?:,[]{}#&*!|>'\"%@` \t".contains(first) { return false }
        if last == " " || last == ":" { return false }
        if text.contains(": ") || text.contains(" #") { return false }
        return text.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value != 0x7F }
    }

    static func doubleQuoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                out += "\\x" + (scalar.value < 16 ? "0" : "") + String(scalar.value, radix: 16, uppercase: true)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

/// Values written into conditions, in Falco 0.31.1's condition grammar.
enum ConditionText {
    /// A list item as falcoctl writes it (bare) when the grammar reads it back as the same text;
    /// otherwise quoted. (Bare items that start with a digit would be read as numbers.)
    static func item(_ value: String) -> String {
        isBareSafe(value) ? value : quoted(value)
    }

    static func isBareSafe(_ value: String) -> Bool {
        guard let first = value.unicodeScalars.first, !["and", "or", "not"].contains(value) else { return false }
        let head: (Unicode.Scalar) -> Bool = { ($0.properties.isAlphabetic && $0.isASCII) || "_/*".unicodeScalars.contains($0) }
        let tail: (Unicode.Scalar) -> Bool = { head($0) || ("0"..."9").contains($0) || ".:@+-".unicodeScalars.contains($0) }
        return head(first) && value.unicodeScalars.dropFirst().allSatisfy(tail)
    }

    /// A quoted string value; the inner text reaches the field unmodified. Callers only pass values
    /// that `canQuote` accepts (checked when the PSP is read).
    static func quoted(_ value: String) -> String {
        value.contains("\"") ? "'\(value)'" : "\"\(value)\""
    }

    /// Falco's grammar has no escapes: a value can be quoted unless it holds both quote characters,
    /// a backslash (it would hide the closing quote) or a control character.
    static func canQuote(_ value: String) -> Bool {
        !(value.contains("\"") && value.contains("'")) && !value.contains("\\")
            && value.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value != 0x7F }
    }

    /// `(a,b,c)` items joined as falcoctl joins them (no spaces).
    static func list(_ items: [String]) -> String {
        "(" + items.map(item).joined(separator: ",") + ")"
    }

    /// `jevt.value[<pointer>]` for a JSON pointer built from keys (escaped per RFC 6901) and indexes.
    static func jsonValue(_ tokens: [String]) -> String {
        "jevt.value[" + tokens.map { "/" + $0.replacingAll("~", with: "~0").replacingAll("/", with: "~1") }.joined() + "]"
    }
}

/// A `- list:` item. Falco pastes list items into conditions as written (quoting only items with a space),
/// so an item the condition grammar would misread is written as a YAML string holding a Falco-quoted
/// string (`'"10.0.0.1:5000/app"'`); plain names stay bare, as falcoctl wrote them.
enum FalcoList {
    static func block(name: String, items: [String]) -> String {
        "- list: \(name)\n  items: \(yamlItems(items))\n"
    }

    static func yamlItems(_ items: [String]) -> String {
        "[" + items.map { item in
            if ConditionText.isBareSafe(item), !item.contains(":"), !item.hasPrefix("*") { return item }
            return "'\"" + item.replacingAll("'", with: "''") + "\"'"
        }.joined(separator: ", ") + "]"
    }
}

/// `"min:max"` strings, joined with `,` (falcoctl's range rendering, psp-conversion.md §2.6).
enum RangeText {
    static func quoted(_ ranges: [IDRange]) -> String {
        ranges.map { "\"\($0.min):\($0.max)\"" }.joined(separator: ",")
    }
}

/// One `- rule:` item in falcoctl's layout.
struct RuleBlock {
    enum Source: String { case k8sAudit = "k8s_audit", syscall }
    enum Desc { case folded(String), plain(String) }
    enum Text {
        case line(String)
        /// A folded block: each line indented four spaces.
        case foldedLines([String])
        /// A folded block whose lines carry their own indentation (falcoctl's uid/gid macros).
        case verbatimFoldedLines([String])
    }

    var name: String
    var desc: Desc
    var condition: Text
    var output: Text
    var source: Source
    /// pspctl's extension rules that need a field Falco 0.31.1 lacks set this, so Falco skips them.
    var skipIfUnknownFilter = false

    func render() -> String {
        var text = "- rule: \(YAMLText.scalar(name))\n"
        switch desc {
        case .folded(let d): text += "  desc: >\n    \(d)\n"
        case .plain(let d): text += "  desc: \(YAMLText.scalar(d))\n"
        }
        text += Self.render(key: "condition", condition)
        text += Self.render(key: "output", output)
        text += "  priority: WARNING\n  source: \(source.rawValue)\n  tags: [k8s-psp]\n"
        if skipIfUnknownFilter { text += "  skip-if-unknown-filter: true\n" }
        return text
    }

    static func render(key: String, _ value: Text) -> String {
        switch value {
        case .line(let line): return "  \(key): \(YAMLText.scalar(line))\n"
        case .foldedLines(let lines): return "  \(key): >\n" + lines.map { "    \($0)\n" }.joined()
        case .verbatimFoldedLines(let lines): return "  \(key): >\n" + lines.map { "\($0)\n" }.joined()
        }
    }
}

/// One `- macro:` item.
struct MacroBlock {
    var name: String
    var condition: RuleBlock.Text

    func render() -> String {
        "- macro: \(name)\n" + RuleBlock.render(key: "condition", condition)
    }
}

/// `⏎` + the 41-`#` banner falcoctl puts before every property section.
enum Banner {
    static let rule = String(repeating: "#", count: 41)
    static func text(_ title: String) -> String {
        "\n\(rule)\n# Rule(s) for PSP \(title)\n\(rule)\n"
    }
}
