/// Values and fields written into conditions in Falco 0.31.1's grammar (falco-rules.md §6.2), so that
/// the parser reads back exactly the value that was meant.
public enum ConditionText {
    /// Why `token`/`quoted` return nil, worded for error messages.
    public static let unwritableReason = "it contains both quote characters or ends with a backslash"

    /// `value` as one value token: bare when the grammar reads the bare word back unchanged, else quoted.
    /// Nil when no form reads back exactly.
    public static func token(_ value: String) -> String? {
        isBare(value) ? value : quoted(value)
    }

    /// `value` between quotes (`"` preferred, `'` when `"` cannot hold it). Falco does not unescape quoted
    /// strings: a backslash only hides the next character from the search for the closing quote, so the
    /// value may hold the quote character only behind a backslash and must not end in an unpaired backslash.
    public static func quoted(_ value: String) -> String? {
        for quote: Unicode.Scalar in ["\"", "'"] where readsBack(value, between: quote) {
            return "\(quote)\(value)\(quote)"
        }
        return nil
    }

    /// A bare word the grammar reads as this same text in any value position: it cannot start a number
    /// or a quoted string (first character a letter, `_`, `/` or `*`) and holds nothing that ends a bare
    /// string (space, `(`, `)`, `,`, `=`) or that the grammar trims (other white space). `and`, `or`
    /// and `not` are quoted too, so no reader can take them for operators.
    public static func isBare(_ value: String) -> Bool {
        guard let first = value.unicodeScalars.first, !["and", "or", "not"].contains(value) else { return false }
        return isBareHead(first) && value.unicodeScalars.dropFirst().allSatisfy(isBareTail)
    }

    /// `jevt.value[<pointer>]` for the JSON pointer built from `keys` (each escaped per RFC 6901). Nil
    /// when there are no keys or the pointer holds a character Falco's field index does not accept
    /// (only `A-Z a-z 0-9 , . - _ / * ? ~`, §6.2).
    public static func jevtValue(_ keys: [String]) -> String? {
        guard !keys.isEmpty else { return nil }
        let pointer = keys.map { "/" + $0.replacingAll("~", with: "~0").replacingAll("/", with: "~1") }.joined()
        guard pointer.unicodeScalars.allSatisfy(isIndexCharacter) else { return nil }
        return "jevt.value[\(pointer)]"
    }

    private static func readsBack(_ value: String, between quote: Unicode.Scalar) -> Bool {
        var escaped = false
        for scalar in value.unicodeScalars {
            if escaped { escaped = false } else if scalar == "\\" { escaped = true } else if scalar == quote { return false }
        }
        return !escaped
    }

    private static func isASCIILetter(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
    }

    private static func isBareHead(_ scalar: Unicode.Scalar) -> Bool {
        isASCIILetter(scalar) || "_/*".unicodeScalars.contains(scalar)
    }

    private static func isBareTail(_ scalar: Unicode.Scalar) -> Bool {
        isBareHead(scalar) || ("0"..."9").contains(scalar) || ".:@+-".unicodeScalars.contains(scalar)
    }

    private static func isIndexCharacter(_ scalar: Unicode.Scalar) -> Bool {
        isASCIILetter(scalar) || ("0"..."9").contains(scalar) || ",.-_/*?~".unicodeScalars.contains(scalar)
    }
}

extension String {
    /// Every occurrence of `target` replaced (no Foundation).
    func replacingAll(_ target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
