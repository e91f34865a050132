/// The `items:` of a `- list:` (falco-rules.md §3). Falco pastes list items into conditions as written,
/// quoting only items that hold a space (§3.1), so each item must already be a condition token: a word
/// that both YAML and the condition grammar read unchanged is written bare; anything else is written as
/// a quoted condition value inside a YAML string (`'"10.0.0.1:5000/app"'`).
public enum ListItems {
    /// `[a, b, …]`, or nil when an item cannot be written as a condition value.
    public static func flowSequence(_ values: [String]) -> String? {
        var items: [String] = []
        for value in values {
            guard let item = item(value) else { return nil }
            items.append(item)
        }
        return "[" + items.joined(separator: ", ") + "]"
    }

    /// One item of a flow sequence, or nil when `value` cannot be written as a condition value.
    public static func item(_ value: String) -> String? {
        if ConditionText.isBare(value), YAMLText.isPlain(value, inFlow: true) { return value }
        return ConditionText.quoted(value).map { YAMLText.scalar($0, inFlow: true) }
    }
}
