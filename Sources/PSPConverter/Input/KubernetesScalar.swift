import YAMLKit

/// A YAML scalar typed the way Kubernetes reads manifests: sigs.k8s.io/yaml (ghodss/yaml) over
/// go-yaml v2, i.e. YAML 1.1 resolution of plain scalars (`yes`/`no`/`on`/`off` are booleans,
/// `0x1F` and `017` are integers). Quoted and `!!str`-tagged scalars are always strings.
enum KubernetesScalar: Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    case float(Double)
    case string(String)

    init(_ scalar: YAMLScalar) {
        switch scalar.tag {
        case nil:
            self = scalar.style == .plain ? Self.resolvePlain(scalar.value) : .string(scalar.value)
        case "tag:yaml.org,2002:str":
            self = .string(scalar.value)
        case "tag:yaml.org,2002:null", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float":
            // An explicit core tag forces that type; go-yaml resolves the text the same way.
            self = Self.resolvePlain(scalar.value)
        default:
            self = .string(scalar.value)
        }
    }

    /// go-yaml v2 `resolve()` for plain scalars.
    static func resolvePlain(_ text: String) -> KubernetesScalar {
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON": return .bool(true)
        case "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF": return .bool(false)
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .float(.infinity)
        case "-.inf", "-.Inf", "-.INF": return .float(-.infinity)
        case ".nan", ".NaN", ".NAN": return .float(.nan)
        default: break
        }
        let plain = text.replacingAll("_", with: "")
        if let int = parseGoInteger(plain) { return .int(int) }
        if isYAMLFloat(plain), let double = Double(plain) { return .float(double) }
        return .string(text)
    }

    /// strconv.ParseInt(s, 0, 64): optional sign, then `0x`, `0b`, `0o`, a leading `0` (octal) or decimal.
    private static func parseGoInteger(_ s: String) -> Int64? {
        var body = Substring(s)
        var negative = false
        if let first = body.first, first == "+" || first == "-" {
            negative = first == "-"
            body = body.dropFirst()
        }
        guard !body.isEmpty else { return nil }
        var radix = 10
        let lower = body.lowercased()
        if lower.hasPrefix("0x") { radix = 16; body = body.dropFirst(2) }
        else if lower.hasPrefix("0b") { radix = 2; body = body.dropFirst(2) }
        else if lower.hasPrefix("0o") { radix = 8; body = body.dropFirst(2) }
        else if body.count > 1, body.hasPrefix("0") { radix = 8; body = body.dropFirst() }
        guard !body.isEmpty, body.allSatisfy({ $0.isHexDigit }) else { return nil }
        guard let magnitude = UInt64(body, radix: radix) else { return nil }
        if negative {
            return magnitude <= UInt64(Int64.max) + 1 ? Int64(truncatingIfNeeded: 0 &- magnitude) : nil
        }
        return magnitude <= UInt64(Int64.max) ? Int64(magnitude) : nil
    }

    /// go-yaml v2's float pattern `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
    private static func isYAMLFloat(_ s: String) -> Bool {
        var chars = Substring(s)
        if let first = chars.first, first == "+" || first == "-" { chars = chars.dropFirst() }
        let mantissaEnd = chars.firstIndex(where: { $0 == "e" || $0 == "E" }) ?? chars.endIndex
        let mantissa = chars[..<mantissaEnd]
        let parts = mantissa.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let digits: (Substring) -> Bool = { !$0.isEmpty && $0.allSatisfy(\.isASCIIDigit) }
        switch parts.count {
        case 1: guard digits(parts[0]) else { return false }
        case 2: guard (digits(parts[0]) && (parts[1].isEmpty || digits(parts[1])))
                    || (parts[0].isEmpty && digits(parts[1])) else { return false }
        default: return false
        }
        guard mantissaEnd != chars.endIndex else { return true }
        var exponent = chars[chars.index(after: mantissaEnd)...]
        if let sign = exponent.first, sign == "+" || sign == "-" { exponent = exponent.dropFirst() }
        return digits(exponent)
    }

    /// How the value reads in an error message.
    var kindDescription: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return "boolean \(b)"
        case .int(let i): return "integer \(i)"
        case .float(let f): return "number \(f)"
        case .string(let s): return "string \"\(s)\""
        }
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        out.reserveCapacity(utf8.count)
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }
}
