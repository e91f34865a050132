import AuditJSON
import YAMLKit

/// A node of a Kubernetes object, written as JSON (audit events) or YAML (manifests, configuration),
/// with values typed as the API server types them. Lets one decoder read both.
protocol KubernetesObjectNode: SendableMetatype {
    /// The value of member `key`; nil when this is not an object, the key is absent or its value is null.
    func member(_ key: String) -> Self?
    /// Members whose value is not null (empty for non-objects).
    var nonNullMembers: [(key: String, value: Self)] { get }
    /// Elements (empty for non-arrays).
    var elements: [Self] { get }
    var isObject: Bool { get }
    var stringValue: String? { get }
    var boolValue: Bool? { get }
    var integerValue: Int64? { get }
}

extension JSONNode: KubernetesObjectNode {
    func member(_ key: String) -> JSONNode? {
        guard let value = self[key], value.kind != .null else { return nil }
        return value
    }
    var nonNullMembers: [(key: String, value: JSONNode)] {
        members.filter { $0.value.kind != .null }
    }
    var isObject: Bool { kind == .object }
    var stringValue: String? { string }
    var boolValue: Bool? { bool }
    var integerValue: Int64? {
        switch number {
        case .int(let value): return value
        case .uint(let value): return value <= UInt64(Int64.max) ? Int64(value) : nil
        case .double(let value):
            // Integral doubles (e.g. `80.0`) decode into Go integers too.
            return value.rounded() == value && abs(value) < 9.2e18 ? Int64(value) : nil
        case nil: return nil
        }
    }
}

extension YAMLNode: KubernetesObjectNode {
    func member(_ key: String) -> YAMLNode? {
        guard let value = self[key], !value.isYAMLNull else { return nil }
        return value
    }
    var nonNullMembers: [(key: String, value: YAMLNode)] {
        var seen = Set<String>()
        var result: [(key: String, value: YAMLNode)] = []
        // Last occurrence of a key wins, as in go-yaml.
        for pair in (mappingPairs ?? []).reversed() {
            guard let key = pair.key.scalarText, seen.insert(key).inserted, !pair.value.isYAMLNull else { continue }
            result.append((key, pair.value))
        }
        return result.reversed()
    }
    var elements: [YAMLNode] { sequenceItems ?? [] }
    var isObject: Bool { mappingPairs != nil }
    var stringValue: String? {
        guard let scalar, case .string(let text) = YAMLScalarValue(resolving: scalar) else { return nil }
        return text
    }
    var boolValue: Bool? {
        guard let scalar, case .bool(let value) = YAMLScalarValue(resolving: scalar) else { return nil }
        return value
    }
    var integerValue: Int64? {
        guard let scalar else { return nil }
        switch YAMLScalarValue(resolving: scalar) {
        case .integer(let value): return value
        case .float(let value): return value.rounded() == value && abs(value) < 9.2e18 ? Int64(value) : nil
        default: return nil
        }
    }
    var isYAMLNull: Bool {
        guard let scalar else { return false }
        return YAMLScalarValue(resolving: scalar) == .null
    }
}

/// A YAML scalar typed by YAML 1.1 implicit resolution, as sigs.k8s.io/yaml (go-yaml v2) types
/// Kubernetes manifests: only plain scalars are typed; quoted ones and explicit `!!str` are strings.
/// (Public for ManifestInput, which writes manifests as JSON by the same typing.)
public enum YAMLScalarValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case integer(Int64)
    case float(Double)
    case string(String)

    public init(resolving scalar: YAMLScalar) {
        let text = scalar.value
        guard scalar.style == .plain, scalar.tag != "tag:yaml.org,2002:str" else { self = .string(text); return }
        switch text {
        case "", "~", "null", "Null", "NULL": self = .null
        case "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON": self = .bool(true)
        case "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF": self = .bool(false)
        default:
            if let value = Self.integer(text) { self = .integer(value) }
            else if let value = Self.float(text) { self = .float(value) }
            else { self = .string(text) }
        }
    }

    /// Decimal, `0x` hex, `0o`/leading-zero octal and `0b` binary integers with an optional sign and `_`
    /// separators, as go-yaml v2 accepts them.
    private static func integer(_ text: String) -> Int64? {
        var digits = Substring(text.filter { $0 != "_" })
        var negative = false
        if let sign = digits.first, sign == "+" || sign == "-" { negative = sign == "-"; digits = digits.dropFirst() }
        guard !digits.isEmpty else { return nil }
        var radix = 10
        if digits.hasPrefix("0x") { radix = 16; digits = digits.dropFirst(2) }
        else if digits.hasPrefix("0o") { radix = 8; digits = digits.dropFirst(2) }
        else if digits.hasPrefix("0b") { radix = 2; digits = digits.dropFirst(2) }
        else if digits.count > 1, digits.hasPrefix("0") { radix = 8; digits = digits.dropFirst() }
        guard !digits.isEmpty, let magnitude = UInt64(digits, radix: radix) else { return nil }
        if negative { return magnitude <= UInt64(Int64.max) + 1 ? Int64(truncatingIfNeeded: 0 &- magnitude) : nil }
        return magnitude <= UInt64(Int64.max) ? Int64(magnitude) : nil
    }

    private static func float(_ text: String) -> Double? {
        switch text {
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .infinity
        case "-.inf", "-.Inf", "-.INF": return -.infinity
        case ".nan", ".NaN", ".NAN": return .nan
        default: break
        }
        let cleaned = text.filter { $0 != "_" }
        guard cleaned.contains(where: { $0.isNumber }),
              cleaned.allSatisfy({ $0.isASCII && ($0.isNumber || "+-.eE".contains($0)) }) else { return nil }
        return Double(cleaned)
    }
}
