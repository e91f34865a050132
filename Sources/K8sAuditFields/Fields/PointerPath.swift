import AuditJSON

/// An RFC 6901 pointer, split and unescaped once at load, with array indexes pre-parsed.
struct PointerPath: Sendable {
    let steps: [JSONPathStep]

    init(tokens: [String]) {
        steps = tokens.map(JSONPathStep.init(key:))
    }

    /// A pointer known at compile time, written `/a/b~1c`.
    init(_ text: String) {
        let tokens = text.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map(Self.unescape)
        self.init(tokens: tokens)
    }

    /// The node the pointer designates under `root`; nil when a key is missing, an index is out of range
    /// or not a plain decimal (pspctl's correction: no abort), or the path descends into a scalar.
    func resolve(in root: JSONNode) -> JSONNode? {
        root.descendant(along: steps)
    }

    var isEmpty: Bool { steps.isEmpty }

    /// `~1` → `/`, then `~0` → `~` (RFC 6901 order).
    private static func unescape(_ token: Substring) -> String {
        var out = ""
        var iterator = token.makeIterator()
        while let character = iterator.next() {
            guard character == "~" else { out.append(character); continue }
            switch iterator.next() {
            case "1": out.append("/")
            case "0": out.append("~")
            case let other?: out.append("~"); out.append(other)
            case nil: out.append("~")
            }
        }
        return out
    }
}
