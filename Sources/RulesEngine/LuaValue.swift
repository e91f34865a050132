import YAMLKit
import ConditionLanguage

/// A YAML value as Falco 0.31.1's loader sees it after lyaml 6.0's implicit typing (falco-rules.md §2.1).
/// Only plain scalars are typed; quoted and block scalars are strings.
enum LuaValue: Equatable {
    /// lyaml's null sentinel (an empty Lua table, so it is truthy).
    case nullSentinel
    case boolean(Bool)
    case number(Double)
    case string(String)
    /// A sequence or mapping, kept as YAML.
    case table(YAMLNode)

    init(_ node: YAMLNode) {
        guard case .scalar(let scalar) = node else { self = .table(node); return }
        if !scalar.isPlain {
            // An explicit `!!str` tag or quotes keep the text; other explicit tags are rare enough to treat alike.
            self = .string(scalar.value)
            return
        }
        self = LuaValue.typingPlainScalar(scalar.value)
    }

    /// Lua truthiness: everything but nil and `false`.
    var isTruthy: Bool { self != .boolean(false) }

    /// The value as Lua's `tostring`/concatenation would print it (numbers like `%.14g`).
    var text: String? {
        switch self {
        case .string(let s): return s
        case .number(let n): return ConditionParser.formatNumber(n)
        default: return nil
        }
    }

    var isTable: Bool {
        switch self {
        case .table, .nullSentinel: return true
        default: return false
        }
    }

    var luaTypeName: String {
        switch self {
        case .nullSentinel, .table: return "table"
        case .boolean: return "boolean"
        case .number: return "number"
        case .string: return "string"
        }
    }

    // MARK: lyaml 6.0 implicit resolution, in its order.

    static func typingPlainScalar(_ text: String) -> LuaValue {
        if text.isEmpty || text == "~" { return .nullSentinel }
        if let n = octal(text) ?? decimal(text) { return .number(n) }
        if let f = float(text) { return .number(f) }
        switch text {
        case "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON": return .boolean(true)
        case "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF": return .boolean(false)
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .number(.infinity)
        case "-.inf", "-.Inf", "-.INF": return .number(-.infinity)
        case ".nan", ".NaN", ".NAN": return .number(.nan)
        default: break
        }
        if let n = prefixed(text, prefix: "0x", radix: 16) ?? prefixed(text, prefix: "0b", radix: 2) { return .number(n) }
        if let n = sexagesimal(text) { return .number(n) }
        return .string(text)
    }

    private static func splitSign(_ text: Substring) -> (negative: Bool, body: Substring) {
        if let first = text.first, first == "+" || first == "-" { return (first == "-", text.dropFirst()) }
        return (false, text)
    }

    /// `[+-]?0_*[0-7][0-7_]*` or a lone `0`.
    private static func octal(_ text: String) -> Double? {
        let (negative, body) = splitSign(Substring(text))
        guard body.first == "0" else { return nil }
        if body == "0" { return negative ? -0.0 : 0 }
        let rest = body.dropFirst().drop(while: { $0 == "_" })
        guard let first = rest.first, ("0"..."7").contains(first),
              rest.allSatisfy({ ("0"..."7").contains($0) || $0 == "_" }) else { return nil }
        let digits = rest.filter { $0 != "_" }
        guard let value = Int64(digits, radix: 8) else { return nil }
        return negative ? -Double(value) : Double(value)
    }

    /// `[+-]?_*[0-9][0-9_]*`.
    private static func decimal(_ text: String) -> Double? {
        let (negative, body) = splitSign(Substring(text))
        let rest = body.drop(while: { $0 == "_" })
        guard let first = rest.first, first.isASCII, first.isNumber,
              rest.allSatisfy({ ($0.isASCII && $0.isNumber) || $0 == "_" }) else { return nil }
        guard let value = Double(String(rest.filter { $0 != "_" })) else { return nil }
        return negative ? -value : value
    }

    /// Lua `tonumber` after removing `_`, only when the text has `.`, `e` or `E`.
    private static func float(_ text: String) -> Double? {
        guard text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) else { return nil }
        let cleaned = text.filter { $0 != "_" }
        // Lua's tonumber accepts decimal floats (and hex, which the `e`/`.` test excludes for plain hex).
        guard cleaned.allSatisfy({ $0.isASCII && ($0.isNumber || "+-.eE".contains($0)) }),
              cleaned.contains(where: { $0.isNumber }) else { return nil }
        return Double(cleaned) ?? (cleaned.hasSuffix(".") ? Double(cleaned + "0") : nil)
            ?? (cleaned.hasPrefix(".") ? Double("0" + cleaned) : nil)
    }

    private static func prefixed(_ text: String, prefix: String, radix: Int) -> Double? {
        let (negative, body) = splitSign(Substring(text))
        guard body.hasPrefix(prefix) else { return nil }
        let digits = body.dropFirst(2).filter { $0 != "_" }
        guard !digits.isEmpty, let value = UInt64(digits, radix: radix) else { return nil }
        return negative ? -Double(value) : Double(value)
    }

    /// `[+-]?[0-9]+:[0-5]?[0-9][:0-9]*` (base 60), optionally with a `.fraction`.
    private static func sexagesimal(_ text: String) -> Double? {
        let (negative, body) = splitSign(Substring(text))
        var integerPart = body
        var fraction = 0.0
        if let dot = body.firstIndex(of: ".") {
            integerPart = body[..<dot]
            guard let f = Double("0" + body[dot...]) else { return nil }
            fraction = f
        }
        let parts = integerPart.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count >= 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              parts[1].count <= 2, let second = Int(parts[1]), second < 60 else { return nil }
        var value = 0.0
        for part in parts { value = value * 60 + (Double(part) ?? 0) }
        value += fraction
        return negative ? -value : value
    }
}
