import PodSecurity
import YAMLKit

/// A YAML document written as JSON text, the way the API server reads a YAML manifest (sigs.k8s.io/yaml
/// over go-yaml v2): plain scalars are typed by YAML 1.1 (`PodSecurity`'s `YAMLScalarValue`: `true`,
/// `yes`, `on` are booleans, `0x1F` an integer, `~` null), quoted scalars and `!!str` stay strings; mapping
/// keys become strings (`1` → `"1"`, `true` → `"true"`); the last of duplicate keys wins; `<<` merge keys
/// are applied (explicit keys win over merged ones, earlier merged mappings over later ones).
/// Aliases arrive resolved (YAMLKit bounds their expansion by nodes); the JSON text is bounded by bytes.
enum YAMLToJSON {
    struct Failure: Error {
        var message: String
        var line: Int
    }

    /// Throws when a value has no JSON form (a collection as a key, `.inf`, `.nan`), or when the text
    /// would be longer than `limit` bytes (aliases can repeat a large node many times).
    static func text(of node: YAMLNode, limit: Int) throws(Failure) -> String {
        var writer = Writer(limit: limit)
        try writer.write(node)
        return writer.out
    }

    private struct Writer {
        let limit: Int
        var out = ""

        init(limit: Int) { self.limit = limit }

        mutating func append(_ text: String, at line: Int) throws(Failure) {
            out += text
            if out.utf8.count > limit {
                throw Failure(message: "the document is longer than \(limit) bytes as JSON (aliases repeat a large node?)", line: line)
            }
        }

        mutating func write(_ node: YAMLNode) throws(Failure) {
            switch node {
            case .scalar(let scalar):
                try append(try Self.value(scalar), at: scalar.mark.line)
            case .sequence(let items, let mark):
                try append("[", at: mark.line)
                for (index, item) in items.enumerated() {
                    if index > 0 { try append(",", at: mark.line) }
                    try write(item)
                }
                try append("]", at: mark.line)
            case .mapping(_, let mark):
                try append("{", at: mark.line)
                for (index, member) in try Self.members(of: node).enumerated() {
                    if index > 0 { try append(",", at: mark.line) }
                    try append(JSONText.quoted(member.key) + ":", at: mark.line)
                    try write(member.value)
                }
                try append("}", at: mark.line)
            }
        }

        /// A mapping's members in order, each key once (its last value), merge keys applied.
        static func members(of node: YAMLNode) throws(Failure) -> [(key: String, value: YAMLNode)] {
            guard case .mapping(let pairs, _) = node else { return [] }
            var explicit: [(key: String, value: YAMLNode)] = []
            var position: [String: Int] = [:]
            var merged: [(key: String, value: YAMLNode)] = []
            for pair in pairs {
                if let scalar = pair.key.scalar, scalar.isPlain, scalar.value == "<<" {
                    let sources: [YAMLNode] = pair.value.sequenceItems ?? [pair.value]
                    for source in sources {
                        guard source.mappingPairs != nil else {
                            throw Failure(message: "a << merge key needs a mapping or a list of mappings", line: source.mark.line)
                        }
                        merged += try members(of: source)
                    }
                    continue
                }
                let key = try Self.key(pair.key)
                if let index = position[key] { explicit[index].value = pair.value } else {
                    position[key] = explicit.count
                    explicit.append((key, pair.value))
                }
            }
            for member in merged where position[member.key] == nil {
                position[member.key] = explicit.count
                explicit.append(member)
            }
            return explicit
        }

        static func key(_ node: YAMLNode) throws(Failure) -> String {
            guard let scalar = node.scalar else {
                throw Failure(message: "a mapping key is a \(node.sequenceItems != nil ? "list" : "mapping"), which JSON cannot hold", line: node.mark.line)
            }
            switch YAMLScalarValue(resolving: scalar) {
            case .null: return "null"
            case .bool(let value): return value ? "true" : "false"
            case .integer(let value): return String(value)
            case .float(let value): return try number(value, line: scalar.mark.line)
            case .string(let text): return text
            }
        }

        static func value(_ scalar: YAMLScalar) throws(Failure) -> String {
            switch YAMLScalarValue(resolving: scalar) {
            case .null: return "null"
            case .bool(let value): return value ? "true" : "false"
            case .integer(let value): return String(value)
            case .float(let value): return try number(value, line: scalar.mark.line)
            case .string(let text): return JSONText.quoted(text)
            }
        }

        static func number(_ value: Double, line: Int) throws(Failure) -> String {
            guard value.isFinite else { throw Failure(message: "\(value) is not a JSON number", line: line) }
            if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
            return "\(value)"
        }
    }
}

/// JSON string literals.
public enum JSONText {
    public static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
