import AuditJSON

/// V, the value vector of one field for one event (§2.2.1), shaped so that the common zero- and one-value
/// results need no array.
enum ExtractedValues: Sendable {
    /// The data the field needs is missing or unusable: behaves as the single string `<NA>`.
    case failure
    case none
    case one(K8sValue)
    /// Two or more values, in extraction order, duplicates kept.
    case many([K8sValue])
    /// One value: a JSON string that types as a string (§2.2.2). It stays in the event's document: the
    /// operators compare its bytes in place (`CompiledOperator.evaluateInPlace`), and a String is made
    /// only when one is needed. Held as a position, not a node, so copying these values retains nothing;
    /// the readers below take the event's document.
    case jsonString(JSONPosition)

    /// V of one JSON value (§2.2.3): a plain string is kept in place, anything else typed now.
    init(single node: JSONNode) {
        // Strings, by far the most common, are typed in one pass over their bytes.
        let typedString: ExtractedValues? = node.withStringBytes { bytes in
            ValueClassifier.classify(bytes: bytes).map(ExtractedValues.one) ?? .jsonString(node.position)
        }
        self = typedString ?? .one(JSONValues.value(of: node))
    }

    /// The JSON string's content as a typed value.
    private static func materialized(_ position: JSONPosition, in document: JSONDocument) -> K8sValue {
        .string(document.string(at: position) ?? "")
    }

    /// The public view; `document` is the event's.
    func extraction(in document: JSONDocument) -> K8sExtraction {
        switch self {
        case .failure: return .failure
        case .none: return .values([])
        case .one(let value): return .values([value])
        case .many(let values): return .values(values)
        case .jsonString(let position): return .values([Self.materialized(position, in: document)])
        }
    }

    init(_ extraction: K8sExtraction) {
        switch extraction {
        case .failure: self = .failure
        case .values(let values):
            switch values.count {
            case 0: self = .none
            case 1: self = .one(values[0])
            default: self = .many(values)
            }
        }
    }

    /// The single value when |V| = 1 (a failure counts as the one value `<NA>`).
    func single(in document: JSONDocument) -> K8sValue? {
        switch self {
        case .failure: return .notAvailable
        case .one(let value): return value
        case .jsonString(let position): return Self.materialized(position, in: document)
        case .none, .many: return nil
        }
    }

    /// Every value, a failure counting as `<NA>` (for the set operators).
    func allSatisfy(in document: JSONDocument, _ predicate: (K8sValue) -> Bool) -> Bool {
        switch self {
        case .failure: return predicate(.notAvailable)
        case .none: return true
        case .one(let value): return predicate(value)
        case .jsonString(let position): return predicate(Self.materialized(position, in: document))
        case .many(let values): return values.allSatisfy(predicate)
        }
    }

    func contains(in document: JSONDocument, where predicate: (K8sValue) -> Bool) -> Bool {
        switch self {
        case .failure: return predicate(.notAvailable)
        case .none: return false
        case .one(let value): return predicate(value)
        case .jsonString(let position): return predicate(Self.materialized(position, in: document))
        case .many(let values): return values.contains(where: predicate)
        }
    }

    /// pspctl's index correction (§2.2.5): element `i` of V for V *and* S; out of range or failed → `<NA>`.
    func selecting(_ index: Int) -> ExtractedValues {
        switch self {
        case .failure, .none: return .failure
        case .one, .jsonString: return index == 0 ? self : .failure
        case .many(let values): return index < values.count ? .one(values[index]) : .failure
        }
    }

    /// §4.2: `<NA>` for none/failure, canonical(v) for one value, `(a,b)` for several.
    func rendered(in document: JSONDocument) -> String {
        switch self {
        case .failure, .none: return "<NA>"
        case .one(let value): return value.canonical
        case .jsonString(let position): return document.string(at: position) ?? ""
        case .many(let values): return "(" + values.map(\.canonical).joined(separator: ",") + ")"
        }
    }

    /// Appends the UTF-8 of `rendered(in:)` without making a String for it (alert text is written as
    /// bytes): a string still in the JSON is copied straight from the document.
    func appendRendered(to out: inout [UInt8], in document: JSONDocument) {
        switch self {
        case .jsonString(let position):
            _ = document.withStringBytes(at: position) { out.append(contentsOf: $0) }
        case .one(.string(let text)):
            out.append(contentsOf: text.utf8)
        default:
            out.append(contentsOf: rendered(in: document).utf8)
        }
    }
}

/// Collects V during extraction without allocating for zero or one value.
struct ValueAccumulator {
    private var first: K8sValue?
    private var all: [K8sValue] = []

    mutating func append(_ value: K8sValue) {
        if first == nil, all.isEmpty {
            first = value
        } else {
            if let pending = first { all.append(pending); first = nil }
            all.append(value)
        }
    }

    var isEmpty: Bool { first == nil && all.isEmpty }

    var values: ExtractedValues {
        if let value = first { return .one(value) }
        return all.isEmpty ? .none : .many(all)
    }
}
