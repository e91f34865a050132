import AuditJSON

/// An RFC 6901 pointer, split and unescaped once at load, with array indexes pre-parsed.
struct PointerPath: Sendable {
    struct Step: Sendable {
        let key: String
        /// The token as an array index: decimal, no leading zero (`0`, `12`); nil when it is not one.
        let arrayIndex: Int?
    }

    let steps: [Step]

    init(tokens: [String]) {
        steps = tokens.map { Step(key: $0, arrayIndex: Self.arrayIndex($0)) }
    }

    /// A pointer known at compile time, written `/a/b~1c`.
    init(_ text: String) {
        let tokens = text.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map(Self.unescape)
        self.init(tokens: tokens)
    }

    /// The node the pointer designates under `root`; nil when a key is missing, an index is out of range
    /// or not a plain decimal (pspctl's correction: no abort), or the path descends into a scalar.
    func resolve(in root: JSONNode) -> JSONNode? {
        var node = root
        for step in steps {
            switch node.kind {
            case .object:
                guard let child = node[step.key] else { return nil }
                node = child
            case .array:
                guard let index = step.arrayIndex, let child = node[index] else { return nil }
                node = child
            default: return nil
            }
        }
        return node
    }

    var isEmpty: Bool { steps.isEmpty }

    private static func arrayIndex(_ token: String) -> Int? {
        let bytes = Array(token.utf8)
        guard let first = bytes.first, bytes.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
              first != UInt8(ascii: "0") || bytes.count == 1 else { return nil }
        return Int(token)
    }

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
