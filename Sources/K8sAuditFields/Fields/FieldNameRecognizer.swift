/// A field reference recognised at the start of a text.
struct RecognizedField {
    let spec: FieldSpec
    /// The index text (`nil` when none, or when `[]` was empty).
    let index: String?
    /// Bytes consumed: the name, plus `[index]` when an index was taken.
    let length: Int
    /// The text from the field name to the end (Falco quotes it in errors).
    let errorContext: String
}

/// Falco 0.31.1's field-name recognition for the k8s_audit source (§2.1): `jevt` names by plain prefix
/// first, then `ka` names exactly up to a boundary, then the index rules and their error texts.
struct FieldNameRecognizer {
    let registry: K8sFieldRegistry

    /// Recognises the field at the start of `text`; nil when it is not a field of this source.
    func recognize(_ text: ArraySlice<UInt8>) throws(K8sFieldError) -> RecognizedField? {
        let rest = String(decoding: text, as: UTF8.self)
        for spec in registry.prefixFields where text.starts(with: spec.name.utf8) {
            switch spec.recognition {
            case .prefixWithPointer: return try recognizePointerField(spec, text, rest)
            case .prefix, .exactName:
                return RecognizedField(spec: spec, index: nil, length: spec.name.utf8.count, errorContext: rest)
            }
        }
        for spec in registry.exactFields where text.starts(with: spec.name.utf8) {
            let end = text.startIndex + spec.name.utf8.count
            if end < text.endIndex, Self.continuesName(text[end]) { continue }
            return try recognizeIndex(spec, text, after: end, rest)
        }
        return nil
    }

    func recognize(_ text: [UInt8]) throws(K8sFieldError) -> RecognizedField? {
        try recognize(text[...])
    }

    /// `jevt.value[<json pointer>]`: the pointer runs to the first `]`.
    private func recognizePointerField(_ spec: FieldSpec, _ text: ArraySlice<UInt8>, _ rest: String) throws(K8sFieldError) -> RecognizedField {
        let open = text.startIndex + spec.name.utf8.count
        guard open < text.endIndex, text[open] == UInt8(ascii: "["),
              let close = text[(open + 1)...].firstIndex(of: UInt8(ascii: "]")) else {
            throw K8sFieldError(message: "Could not parse filtercheck field \"\(rest)\". Did not have expected format with '\(spec.name)[<json pointer>]'")
        }
        let pointer = String(decoding: text[(open + 1)..<close], as: UTF8.self)
        return RecognizedField(spec: spec, index: pointer, length: close + 1 - text.startIndex, errorContext: rest)
    }

    private func recognizeIndex(_ spec: FieldSpec, _ text: ArraySlice<UInt8>, after end: Int, _ rest: String) throws(K8sFieldError) -> RecognizedField {
        var index: String?
        var length = end - text.startIndex
        if end < text.endIndex, text[end] == UInt8(ascii: "["),
           let close = text[(end + 1)...].firstIndex(of: UInt8(ascii: "]")), close > end + 1 {
            index = String(decoding: text[(end + 1)..<close], as: UTF8.self)
            length = close + 1 - text.startIndex
        }
        let problem: String?
        switch spec.indexMode {
        case .requiredKey where index == nil: problem = "requires an index but none provided"
        case .none where index != nil: problem = "forbids an index but one provided"
        case .optionalNumeric where index.map { !$0.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } } ?? false:
            problem = "requires a numeric index"
        default: problem = nil
        }
        if let problem {
            throw K8sFieldError(message: "When parsing filtercheck \(rest): \(spec.name) \(problem)")
        }
        return RecognizedField(spec: spec, index: index, length: length, errorContext: rest)
    }

    /// ASCII alphanumerics and `.` continue a `ka` name (so `ka.verb.x` is unknown, `ka.verb_x` is `ka.verb`).
    private static func continuesName(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."): return true
        default: return false
        }
    }
}
