// RFC 6901 JSON pointer syntax with nlohmann v3.3.0's error texts (k8s-audit-fields.md §2.1, §2.2.4).

enum PointerSyntax {
    static func tokens(of text: String) throws(JSONPointerSyntaxError) -> [String] {
        guard !text.isEmpty else { return [] }
        guard text.utf8.first == ASCII.slash else {
            throw JSONPointerSyntaxError(message: "[json.exception.parse_error.107] parse error at 1: "
                                             + "JSON pointer must be empty or begin with '/' - was: '\(text)'")
        }
        return try text.utf8.dropFirst().split(separator: ASCII.slash, omittingEmptySubsequences: false)
            .map { (raw) throws(JSONPointerSyntaxError) in try unescape(Array(raw)) }
    }

    /// `~1` → `/`, then `~0` → `~` (in that order, as upstream does); any other `~` is an error.
    private static func unescape(_ raw: [UInt8]) throws(JSONPointerSyntaxError) -> String {
        let tilde = UInt8(ascii: "~"), zero = UInt8(ascii: "0"), one = UInt8(ascii: "1")
        for (i, c) in raw.enumerated() where c == tilde && (i + 1 == raw.count || (raw[i + 1] != zero && raw[i + 1] != one)) {
            throw JSONPointerSyntaxError(message: "[json.exception.parse_error.108] parse error: "
                                             + "escape character '~' must be followed with '0' or '1'")
        }
        let slashesRestored = replacing([tilde, one], with: ASCII.slash, in: raw)
        return String(decoding: replacing([tilde, zero], with: tilde, in: slashesRestored), as: UTF8.self)
    }

    private static func replacing(_ pair: [UInt8], with replacement: UInt8, in text: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.count)
        var i = 0
        while i < text.count {
            if i + 1 < text.count && text[i] == pair[0] && text[i + 1] == pair[1] {
                out.append(replacement)
                i += 2
            } else {
                out.append(text[i])
                i += 1
            }
        }
        return out
    }

    /// The array index a token denotes: plain decimal digits without a leading zero; nil otherwise
    /// (`-`, signs, spaces, `01`, non-digits — pspctl treats those as unresolvable, never as an abort).
    static func arrayIndex(_ token: String) -> Int? {
        let digits = token.utf8
        guard let first = digits.first, ASCII.isDigit(first), digits.count <= 18 else { return nil }
        guard first != ASCII.zero || digits.count == 1 else { return nil }
        var value = 0
        for c in digits {
            guard ASCII.isDigit(c) else { return nil }
            value = value * 10 + Int(c - ASCII.zero)
        }
        return value
    }

    /// The token as it appears in pointer text (`~` → `~0`, `/` → `~1`).
    static func escape(_ token: String) -> String {
        var out = ""
        for c in token.unicodeScalars {
            switch c {
            case "~": out += "~0"
            case "/": out += "~1"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }
}
