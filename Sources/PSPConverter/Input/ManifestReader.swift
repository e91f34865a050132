import YAMLKit

/// Where a value sits in the manifest, printed as kubectl prints field paths:
/// `spec.runAsUser.ranges[0].min`, `metadata.annotations["falco-rules-psp-images"]`.
struct FieldPath: Sendable, Equatable, CustomStringConvertible {
    private enum Component: Equatable { case key(String), index(Int) }
    private var components: [Component] = []

    static let root = FieldPath()

    func appending(_ key: String) -> FieldPath {
        var copy = self; copy.components.append(.key(key)); return copy
    }
    func appending(index: Int) -> FieldPath {
        var copy = self; copy.components.append(.index(index)); return copy
    }

    var description: String {
        var text = ""
        for component in components {
            switch component {
            case .index(let i): text += "[\(i)]"
            case .key(let key) where key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) && !key.isEmpty:
                text += text.isEmpty ? key : ".\(key)"
            case .key(let key): text += "[\"\(key)\"]"
            }
        }
        return text
    }

    func error(_ message: String) -> PSPConversionError {
        PSPConversionError(field: description.isEmpty ? nil : description, message: message)
    }
}

/// A YAML node with its field path: typed accessors that turn wrong types into errors naming the field.
/// Types follow how Go's encoding/json decodes the YAML→JSON conversion into the PSP structures:
/// a null is the same as an absent key, booleans must be booleans, integers must be whole numbers,
/// and a string field accepts any scalar (sigs.k8s.io/yaml renders numbers and booleans as text).
struct ManifestValue {
    let node: YAMLNode
    let path: FieldPath

    var isNull: Bool {
        if case .scalar(let s) = node, case .null = KubernetesScalar(s) { return true }
        return false
    }

    private func typeError(_ expected: String) -> PSPConversionError {
        let found: String
        switch node {
        case .scalar(let s): found = KubernetesScalar(s).kindDescription
        case .sequence: found = "a list"
        case .mapping: found = "an object"
        }
        return path.error("expected \(expected), found \(found)")
    }

    func bool() throws(PSPConversionError) -> Bool {
        if case .scalar(let s) = node, case .bool(let b) = KubernetesScalar(s) { return b }
        throw typeError("a boolean (true or false)")
    }

    func integer(in bounds: ClosedRange<Int64> = Int64.min...Int64.max) throws(PSPConversionError) -> Int64 {
        guard case .scalar(let s) = node else { throw typeError("an integer") }
        let value: Int64
        switch KubernetesScalar(s) {
        case .int(let i): value = i
        case .float(let f) where f.isFinite && f == f.rounded() && abs(f) < 9.2e18: value = Int64(f)
        default: throw typeError("an integer")
        }
        guard value >= bounds.lowerBound else { throw path.error("\(value) is below the minimum \(bounds.lowerBound)") }
        guard value <= bounds.upperBound else { throw path.error("\(value) is above the maximum \(bounds.upperBound)") }
        return value
    }

    func string() throws(PSPConversionError) -> String {
        guard case .scalar(let s) = node else { throw typeError("a string") }
        switch KubernetesScalar(s) {
        case .string(let text): return text
        case .int(let i): return String(i)
        case .bool(let b): return String(b)
        case .float: return s.value
        case .null: return ""
        }
    }

    func list() throws(PSPConversionError) -> [ManifestValue] {
        guard case .sequence(let items, _) = node else { throw typeError("a list") }
        return items.enumerated().map { ManifestValue(node: $1, path: path.appending(index: $0)) }
    }

    func stringList() throws(PSPConversionError) -> [String] {
        var strings: [String] = []
        for item in try list() { strings.append(try item.string()) }
        return strings
    }

    /// The value as an object whose keys must all be in `knownKeys` (nil: any key).
    func object(knownKeys: Set<String>? = nil) throws(PSPConversionError) -> ManifestObject {
        guard case .mapping(let pairs, _) = node else { throw typeError("an object") }
        var members: [String: ManifestValue] = [:]
        var order: [String] = []
        for pair in pairs {
            guard let key = pair.key.scalarText else {
                throw path.error("object keys must be strings")
            }
            if let knownKeys, !knownKeys.contains(key) {
                let hint = knownKeys.first { $0.lowercased() == key.lowercased() }
                    .map { " (did you mean \"\($0)\"?)" } ?? ""
                throw path.appending(key).error("unknown field\(hint)")
            }
            if members[key] == nil { order.append(key) }
            // The last duplicate wins, as in go-yaml.
            members[key] = ManifestValue(node: pair.value, path: path.appending(key))
        }
        return ManifestObject(path: path, members: members, keys: order)
    }
}

/// An object's members; absent and null members read as nil.
struct ManifestObject {
    let path: FieldPath
    let members: [String: ManifestValue]
    /// Keys in document order.
    let keys: [String]

    subscript(key: String) -> ManifestValue? {
        guard let value = members[key], !value.isNull else { return nil }
        return value
    }

    func bool(_ key: String) throws(PSPConversionError) -> Bool? { try self[key]?.bool() }
    func string(_ key: String) throws(PSPConversionError) -> String? { try self[key]?.string() }
    func stringList(_ key: String) throws(PSPConversionError) -> [String] { try self[key]?.stringList() ?? [] }
    func object(_ key: String, knownKeys: Set<String>? = nil) throws(PSPConversionError) -> ManifestObject? {
        try self[key]?.object(knownKeys: knownKeys)
    }
    func list(_ key: String) throws(PSPConversionError) -> [ManifestValue] { try self[key]?.list() ?? [] }
}
