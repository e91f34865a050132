/// Extracts V of one bound field reference from an event (the context gives the event and its anchors).
typealias BoundExtractor = @Sendable (K8sEventContext) throws(K8sEvaluationError) -> ExtractedValues

/// A field definition as the registry holds it: built-in (`jevt.*`, `ka.*`) or an extension.
struct FieldSpec: Sendable {
    /// How the name is recognised at the start of a field reference (§2.1).
    enum Recognition: Sendable {
        /// `jevt.time` & co.: plain prefix, no boundary check (`jevt.timex` is `jevt.time`).
        case prefix
        /// `jevt.value`: prefix, then `[<json pointer>]` is mandatory.
        case prefixWithPointer
        /// `ka.*` and extensions: exact name, next byte neither alphanumeric nor `.`; optional `[index]`.
        case exactName
    }

    /// Identity for the per-event memo (see `FieldSlotTable`).
    let id: Int
    let name: String
    let description: String
    let indexMode: K8sIndexMode
    let recognition: Recognition
    /// Prepares the extraction for one index, once at load time (parses pointers and keys). `rest` is the
    /// reference text from the field name on, for error messages.
    let bind: @Sendable (_ index: String?, _ rest: String) throws(K8sFieldError) -> BoundExtractor

    init(name: String, description: String, indexMode: K8sIndexMode = .none, recognition: Recognition = .exactName,
         bind: @escaping @Sendable (_ index: String?, _ rest: String) throws(K8sFieldError) -> BoundExtractor) {
        self.id = FieldSlotTable.shared.newSpecID()
        self.name = name
        self.description = description
        self.indexMode = indexMode
        self.recognition = recognition
        self.bind = bind
    }

    /// A field whose extraction does not depend on the index text.
    init(name: String, description: String, indexMode: K8sIndexMode = .none, extract: @escaping BoundExtractor) {
        self.init(name: name, description: description, indexMode: indexMode) { _, _ in extract }
    }

    init(extension definition: K8sFieldDefinition) {
        self.init(name: definition.name, description: definition.description, indexMode: definition.indexMode) { index, _ in
            let extract = definition.extract
            return { context in ExtractedValues(extract(context.event, index)) }
        }
    }

    /// The extractor for `index`; for optional numeric indexes the indexed element is selected here, for
    /// every field alike (pspctl's correction of §2.2.5).
    func boundExtractor(index: String?, errorContext: String) throws(K8sFieldError) -> BoundExtractor {
        let extract = try bind(index, errorContext)
        guard indexMode == .optionalNumeric, let index else { return extract }
        // Digits only (checked at recognition); an index too large for Int is simply out of range.
        let position = Int(index) ?? Int.max
        return { context throws(K8sEvaluationError) in try extract(context).selecting(position) }
    }
}
