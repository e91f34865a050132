import FalcoRulesText

// Text of the items of a generated rules file, laid out byte for byte as falcoctl v0.0.4's template;
// values, YAML scalars and list items are written by FalcoRulesText.

/// Condition text for policy values. A value reaches the rules text only after `PodSecurityPolicy`
/// accepted it (`checkWritable` or a stricter name check), so every one has a condition token.
enum PolicyValue {
    /// Bare as falcoctl wrote it when the grammar reads it back unchanged, else quoted.
    static func token(_ value: String) -> String { written(ConditionText.token(value), value) }

    static func quoted(_ value: String) -> String { written(ConditionText.quoted(value), value) }

    /// `a,b,c`: tokens joined as falcoctl joins them (no spaces).
    static func tokens(_ values: [String]) -> String { values.map(token).joined(separator: ",") }

    private static func written(_ text: String?, _ value: String) -> String {
        guard let text else { preconditionFailure("policy value \"\(value)\" reached the rules text unchecked") }
        return text
    }
}

/// A `- list:` item; its items are written as `ListItems` explains.
enum FalcoList {
    static func block(name: String, items: [String]) -> String {
        guard let items = ListItems.flowSequence(items) else {
            preconditionFailure("list \(name) holds an item no condition can hold")
        }
        return "- list: \(name)\n  items: \(items)\n"
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
