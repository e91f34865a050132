import AuditJSON
import ConditionLanguage

/// An operator with its right-hand values typed once at load (§3.1), and its semantics over V (§3.3, with
/// pspctl's corrections: `exists` means "some value other than `<NA>`", `pmatch` honours its paths,
/// `icontains` / `endswith` / `glob` work, list membership is plain).
enum CompiledOperator: Sendable {
    case equal(K8sValue)
    case notEqual(K8sValue)
    case ordering(Ordering, K8sValue)
    case text(TextTest, needle: String, bytes: [UInt8])
    case isIn(ValueList)
    case intersects(ValueList)
    case pmatch(PathPrefixList)
    case exists

    enum Ordering: Sendable { case less, lessOrEqual, greater, greaterOrEqual }
    enum TextTest: Sendable { case contains, icontains, startswith, endswith, glob }

    init(_ comparison: Comparison) throws(K8sFieldError) {
        let op = comparison.op
        let values = comparison.values.map(K8sValue.init(classifying:))
        func single() throws(K8sFieldError) -> K8sValue {
            guard values.count == 1 else {
                throw K8sFieldError(message: "Operator \(op.rawValue) on \(comparison.field) needs exactly one value, got \(values.count)")
            }
            return values[0]
        }
        switch op {
        case .equal: self = .equal(try single())
        case .notEqual: self = .notEqual(try single())
        case .less: self = .ordering(.less, try single())
        case .lessOrEqual: self = .ordering(.lessOrEqual, try single())
        case .greater: self = .ordering(.greater, try single())
        case .greaterOrEqual: self = .ordering(.greaterOrEqual, try single())
        case .contains: self = try .text(.contains, single())
        case .icontains: self = try .text(.icontains, single())
        case .startswith: self = try .text(.startswith, single())
        case .endswith: self = try .text(.endswith, single())
        case .glob: self = try .text(.glob, single())
        case .in: self = .isIn(ValueList(values))
        case .intersects: self = .intersects(ValueList(values))
        case .pmatch: self = .pmatch(PathPrefixList(values))
        case .exists:
            guard values.isEmpty else {
                throw K8sFieldError(message: "Operator exists on \(comparison.field) takes no value")
            }
            self = .exists
        }
    }

    /// Text operators compare canonical forms of both sides; `icontains` folds ASCII case.
    private static func text(_ test: TextTest, _ value: K8sValue) -> CompiledOperator {
        let needle = value.canonical
        let bytes = test == .icontains ? needle.utf8.map(ByteText.asciiLowercased) : Array(needle.utf8)
        return .text(test, needle: needle, bytes: bytes)
    }

    /// The operator's result for V; `document` is the event's (V may point into it).
    func evaluate(_ values: ExtractedValues, in document: JSONDocument) -> Bool {
        if case .jsonString(let position) = values,
           let result = document.withStringBytes(at: position, { evaluateInPlace(string: $0) }) ?? nil {
            return result
        }
        switch self {
        case .equal(let expected): return Self.setEquals(values, expected, in: document)
        case .notEqual(let expected): return !Self.setEquals(values, expected, in: document)
        case .ordering(let ordering, let bound):
            guard let value = values.single(in: document) else { return false }
            return Self.compare(value, ordering, bound)
        case .text(let test, let needle, let bytes):
            guard let value = values.single(in: document) else { return false }
            return Self.textMatches(value.canonical, test, needle, bytes)
        case .isIn(let list): return values.allSatisfy(in: document, list.contains)
        case .intersects(let list): return values.contains(in: document, where: list.contains)
        case .pmatch(let paths):
            return values.allSatisfy(in: document) { $0.isNotAvailableMarker || paths.covers($0.canonical) }
        case .exists: return values.contains(in: document) { !$0.isNotAvailableMarker }
        }
    }

    /// `=`: S (V de-duplicated) has exactly one element and it equals r (§3.2 equality, integer-in-range).
    private static func setEquals(_ values: ExtractedValues, _ expected: K8sValue, in document: JSONDocument) -> Bool {
        switch values {
        case .failure: return K8sValue.notAvailable.matches(expected)
        case .none: return false
        case .one(let value): return value.matches(expected)
        case .jsonString: return values.single(in: document)!.matches(expected)
        case .many(let all):
            let first = all[0]
            return all.dropFirst().allSatisfy { $0.isIdentical(to: first) } && first.matches(expected)
        }
    }

    /// The result for V = one string with these UTF-8 bytes, compared without making a String; nil for the
    /// operators that need one (ordering, `glob`, `pmatch`). Same semantics as the general path: a string
    /// equals only a string with the same bytes.
    private func evaluateInPlace(string: ByteText.Bytes) -> Bool? {
        switch self {
        case .equal(let expected): return Self.stringEquals(string, expected)
        case .notEqual(let expected): return !Self.stringEquals(string, expected)
        case .text(let test, _, let needleBytes):
            switch test {
            case .contains: return ByteText.contains(string, needleBytes, ignoringASCIICase: false)
            case .icontains: return ByteText.contains(string, needleBytes, ignoringASCIICase: true)
            case .startswith: return needleBytes.withUnsafeBufferPointer { ByteText.hasPrefix(string, $0) }
            case .endswith: return needleBytes.withUnsafeBufferPointer { ByteText.hasSuffix(string, $0) }
            case .glob: return nil
            }
        case .isIn(let list), .intersects(let list): return list.containsString(string)
        case .exists: return !Self.stringEquals(string, .notAvailable)
        case .ordering, .pmatch: return nil
        }
    }

    private static func stringEquals(_ string: ByteText.Bytes, _ expected: K8sValue) -> Bool {
        guard case .string(let text) = expected else { return false }
        return ByteText.withBytes(of: text) { ByteText.equal(string, $0) }
    }

    /// `<`…`>=` compare only values of the same kind (§3.2).
    private static func compare(_ value: K8sValue, _ ordering: Ordering, _ bound: K8sValue) -> Bool {
        switch ordering {
        case .less: return value.sameKindLess(than: bound) ?? false
        case .lessOrEqual:
            guard let less = value.sameKindLess(than: bound) else { return false }
            return less || value.isIdentical(to: bound)
        case .greater: return bound.sameKindLess(than: value) ?? false
        case .greaterOrEqual:
            guard let greater = bound.sameKindLess(than: value) else { return false }
            return greater || value.isIdentical(to: bound)
        }
    }

    private static func textMatches(_ text: String, _ test: TextTest, _ needle: String, _ bytes: [UInt8]) -> Bool {
        switch test {
        case .contains: return ByteText.contains(text, bytes, ignoringASCIICase: false)
        case .icontains: return ByteText.contains(text, bytes, ignoringASCIICase: true)
        case .startswith: return ByteText.hasPrefix(text, needle)
        case .endswith: return ByteText.hasSuffix(text, needle)
        case .glob: return ByteText.globMatches(text, pattern: needle)
        }
    }
}
