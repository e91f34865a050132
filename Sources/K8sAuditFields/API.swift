// The public API of K8sAuditFields. The declarations live here; the work is done by the internal types
// of the sibling folders:
//   Input/       document recognition (§1.2) and stageTimestamp parsing (§1.3)
//   Values/      typed values, value vectors, right-hand lists, operators' text and path matching
//   Fields/      name recognition (§2.1), the registry, one file per field family (§2.3–2.4)
//   Evaluation/  per-event memo and the compiled operators (§3)
//   Output/      output format parsing and rendering (§4)
import AuditJSON
import EventTime
import ConditionLanguage

/// One Kubernetes audit event accepted per Falco 0.31.1 recognition rules (k8s-audit-fields.md §1.2–1.3).
public struct K8sAuditEvent: @unchecked Sendable {
    /// The event object (after the EventList `kind` rewrite, see `kindWasRewritten`).
    public let object: JSONNode
    /// Event time in ns since the epoch, from `stageTimestamp` (pspctl: exact ns, offsets honoured).
    public let timeNs: UInt64
    /// True for an EventList item whose `kind` was not exactly "Event" (jevt.obj prints it as "Event").
    public let kindWasRewritten: Bool
    public init(object: JSONNode, timeNs: UInt64, kindWasRewritten: Bool) {
        self.object = object; self.timeNs = timeNs; self.kindWasRewritten = kindWasRewritten
    }
}

extension K8sAuditEvent {
    /// The event time as a JSON alert's `time` property writes it: `YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ`, UTC.
    public var alertTime: String { TimestampText.utc(timeNs) }
}

/// Why one document (line) yields no events.
public enum K8sAuditInputError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Not JSON: `Could not parse data: <JSONParseError description>`.
    case notJSON(JSONParseError)
    /// JSON, but not an audit Event / EventList / array of those: `Data not recognized as a k8s audit event`.
    /// `reason` says what was wrong (for pspctl's own, more precise diagnostics).
    case notAuditEvent(reason: String)
    public var description: String {
        switch self {
        case .notJSON(let e): return "Could not parse data: \(e)"
        case .notAuditEvent: return "Data not recognized as a k8s audit event"
        }
    }
}

public enum K8sAuditDocument {
    /// Parses one document (a JSON line or a webhook body) into its events, in order.
    public static func events<Bytes: Collection>(from bytes: Bytes) throws(K8sAuditInputError) -> K8sAuditEvents
    where Bytes.Element == UInt8 {
        try events { () throws(JSONParseError) in try JSONDocument(parsing: bytes) }
    }
    /// `events(from:)` for bytes in memory, without the generic dispatch (the per-line hot path).
    public static func events(from bytes: UnsafeBufferPointer<UInt8>) throws(K8sAuditInputError) -> K8sAuditEvents {
        try events { () throws(JSONParseError) in try JSONDocument(parsing: bytes) }
    }
    private static func events(parsing parse: () throws(JSONParseError) -> JSONDocument) throws(K8sAuditInputError) -> K8sAuditEvents {
        let document: JSONDocument
        do { document = try parse() } catch { throw .notJSON(error) }
        return try AuditDocumentRecognizer.events(in: document.root)
    }

    /// Parses a `stageTimestamp` text (§1.3 syntax, pspctl corrections: exact ns, offsets honoured).
    /// Nil when Falco would reject it (or when it lies before 1970 / after 2262).
    public static func eventTime(parsing stageTimestamp: String) -> UInt64? {
        StageTimestamp.nanoseconds(parsing: stageTimestamp)
    }
}

/// The events of one document, in order. A document is almost always one Event: that case is held
/// inline, so reading a log allocates no array per line.
public struct K8sAuditEvents: RandomAccessCollection, @unchecked Sendable {
    enum Storage {
        case none
        case one(K8sAuditEvent)
        case many([K8sAuditEvent])
    }
    let storage: Storage

    public var startIndex: Int { 0 }
    public var endIndex: Int {
        switch storage {
        case .none: return 0
        case .one: return 1
        case .many(let events): return events.count
        }
    }
    public subscript(position: Int) -> K8sAuditEvent {
        switch storage {
        case .one(let event) where position == 0: return event
        case .many(let events): return events[position]
        default: preconditionFailure("K8sAuditEvents index \(position) out of range")
        }
    }
}

/// A typed value (k8s-audit-fields.md §2.2.2).
public enum K8sValue: Sendable, Hashable {
    case string(String)
    case integer(Int64)
    case range(Int64, Int64)
    /// Classifies a string: `a:b` with both complete int64 → range; complete int64 → integer; else string.
    public init(classifying text: String) { self = ValueClassifier.classify(text) }
    /// canonical(v).
    public var canonical: String {
        switch self {
        case .string(let text): return text
        case .integer(let number): return String(number)
        case .range(let low, let high): return "\(low):\(high)"
        }
    }
    public static let notAvailable = K8sValue.string("<NA>")
}

/// The result of extracting one field from one event (§2.2.1).
public enum K8sExtraction: Sendable, Equatable {
    case failure                 // <NA>
    case values([K8sValue])      // possibly empty
}

/// How a field accepts `[index]` (§2.1, §2.3).
public enum K8sIndexMode: Sendable, Equatable {
    case none
    case requiredKey
    case optionalKey
    case optionalNumeric
}

/// A field of the k8s_audit source. Extension modules (e.g. PodSecurity) add their own definitions.
public struct K8sFieldDefinition: Sendable {
    public let name: String
    public let description: String
    public let indexMode: K8sIndexMode
    /// Extracts V for an event; `index` is the text inside `[...]` when one was given.
    /// For `.optionalNumeric` fields return *all* values: the registry itself selects the indexed element
    /// (pspctl's correction: an index selects that element for every operator and for output).
    public let extract: @Sendable (_ event: K8sAuditEvent, _ index: String?) -> K8sExtraction
    public init(name: String, description: String, indexMode: K8sIndexMode,
                extract: @escaping @Sendable (_ event: K8sAuditEvent, _ index: String?) -> K8sExtraction) {
        self.name = name; self.description = description; self.indexMode = indexMode; self.extract = extract
    }
}

/// A load-time error for a field, operator or output format, worded as Falco words it
/// (e.g. `filter_check called with nonexistent field ka.foo`).
public struct K8sFieldError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}

/// An evaluation-time error (Falco: `unknown error processing audit event`).
public struct K8sEvaluationError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}

/// Name, help text and index mode of one field (for field listings).
public struct K8sFieldInfo: Sendable, Equatable {
    public let name: String
    public let description: String
    public let indexMode: K8sIndexMode
}

/// The set of known fields: Falco 0.31.1's `jevt.*`/`ka.*` plus registered extensions.
public final class K8sFieldRegistry: Sendable {
    /// `jevt.*` fields, recognised by plain prefix in this order (§2.1).
    let prefixFields: [FieldSpec]
    /// `ka.*` and extension fields, recognised by exact name + boundary; longest names first.
    let exactFields: [FieldSpec]

    init(prefixFields: [FieldSpec], exactFields: [FieldSpec]) {
        self.prefixFields = prefixFields
        self.exactFields = exactFields.sorted { $0.name.utf8.count > $1.name.utf8.count }
    }

    /// Falco 0.31.1's fields (k8s-audit-fields.md §2.3), with pspctl's corrections.
    public static var falco: K8sFieldRegistry { FalcoFieldCatalogue.registry }

    /// A registry with `definitions` added; a definition whose name is already known replaces it.
    public func adding(_ definitions: [K8sFieldDefinition]) -> K8sFieldRegistry {
        let added = definitions.map(FieldSpec.init(extension:))
        let addedNames = Set(added.map(\.name))
        return K8sFieldRegistry(prefixFields: prefixFields,
                                exactFields: exactFields.filter { !addedNames.contains($0.name) } + added)
    }

    /// True when `text` is a field reference a condition accepts (the factory recognises it without
    /// error; like Falco, trailing text after a `ka.*` name boundary is tolerated, e.g. `ka.verb_x`).
    public func isKnownField(_ text: String) -> Bool {
        (try? FieldNameRecognizer(registry: self).recognize(Array(text.utf8))) != nil
    }

    /// Every field, `jevt.*` first, then the `ka.*`/extension fields by name.
    public var fields: [K8sFieldInfo] {
        (prefixFields + exactFields.sorted { $0.name < $1.name }).map {
            K8sFieldInfo(name: $0.name, description: $0.description, indexMode: $0.indexMode)
        }
    }

    /// Compiles a field reference as a condition names it (`ka.req.pod.containers.image[0]`,
    /// `jevt.value[/verb]`); errors as for conditions (`filter_check called with nonexistent field …`).
    public func reference(_ text: String) throws(K8sFieldError) -> K8sFieldReference {
        guard let recognised = try FieldNameRecognizer(registry: self).recognize(Array(text.utf8)) else {
            throw K8sFieldError(message: "filter_check called with nonexistent field \(text)")
        }
        return try K8sFieldReference(recognised)
    }
}

/// A compiled field reference (field + index), shared by checks and output formats.
public final class K8sFieldReference: @unchecked Sendable {
    /// The field's name without index (the `output_fields` key).
    public let name: String
    /// The index text as given (`nil` when none).
    public let index: String?
    let slot: Int
    let extractor: BoundExtractor

    init(_ recognised: RecognizedField) throws(K8sFieldError) {
        name = recognised.spec.name
        index = recognised.index
        slot = FieldSlotTable.shared.slot(specID: recognised.spec.id, index: recognised.index)
        extractor = try recognised.spec.boundExtractor(index: recognised.index, errorContext: recognised.errorContext)
    }

    /// V for the event of `context` (memoised per event).
    public func extraction(in context: K8sEventContext) throws(K8sEvaluationError) -> K8sExtraction {
        try context.withValues(of: self) { $0.extraction(in: context.document) }
    }

    /// `render(in:)` appended as UTF-8 to `out`.
    func appendRendered(in context: K8sEventContext, to out: inout [UInt8]) {
        let document = context.document
        do {
            try context.withValues(of: self) { $0.appendRendered(to: &out, in: document) }
        } catch {
            ExtractedValues.failure.appendRendered(to: &out, in: document)
        }
    }

    /// The rendered text of §4.2 (`<NA>`, `v` or `(a,b)`); an evaluation error renders as `<NA>`.
    public func render(in context: K8sEventContext) -> String {
        let document = context.document
        return (try? context.withValues(of: self) { $0.rendered(in: document) }) ?? ExtractedValues.failure.rendered(in: document)
    }
}

/// Per-event evaluation state: memoises field extractions so each field is extracted once per event.
public final class K8sEventContext {
    public let event: K8sAuditEvent
    /// One entry per field slot that existed when the context was made (see `FieldSlotTable`). Fixed in
    /// size and never reassigned, so the hot path reads it without exclusivity bookkeeping or copies.
    let memo: FieldMemo
    /// Why a memoised extraction failed, by slot (rare: kept out of the memo's hot storage).
    var failures: [Int: K8sEvaluationError] = [:]
    /// Nodes many fields start from, resolved once.
    var anchors = EventAnchorCache()
    /// The event's document (read through `event`'s `let`s, so the hot path borrows it: no retain).
    var document: JSONDocument { event.object.document }
    public init(event: K8sAuditEvent) {
        self.event = event
        memo = FieldMemo(count: FieldSlotTable.shared.count)
    }
    deinit {
        memo.release()
    }
}

/// One compiled check (`field op values`), built once at load time.
public final class K8sCheck: @unchecked Sendable {
    public let reference: K8sFieldReference
    public let op: ComparisonOperator
    let compiled: CompiledOperator

    public init(_ comparison: Comparison, registry: K8sFieldRegistry) throws(K8sFieldError) {
        reference = try registry.reference(comparison.field)
        op = comparison.op
        compiled = try CompiledOperator(comparison)
    }

    public func evaluate(in context: K8sEventContext) throws(K8sEvaluationError) -> Bool {
        try context.withValues(of: reference) { compiled.evaluate($0, in: context.document) }
    }
}

/// A parsed k8s_audit output format (§4.1), built once at load time.
public final class K8sOutputFormat: @unchecked Sendable {
    let pieces: [OutputPiece]
    /// `output_fields` keys, sorted bytewise, each with the piece of its last reference (§4.4).
    private let outputFieldPlan: [(key: String, piece: Int)]

    /// Parses the format (a leading `*` is removed). Errors: `Could not parse format string "<format>": unknown filtercheck field <rest>` etc.
    public init(parsing format: String, registry: K8sFieldRegistry) throws(K8sFieldError) {
        pieces = try OutputFormatParser(registry: registry).parse(format)
        var lastPieceByKey: [String: Int] = [:]
        for (i, piece) in pieces.enumerated() {
            if case .field(let reference) = piece { lastPieceByKey[reference.name] = i }
        }
        outputFieldPlan = lastPieceByKey.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            .map { (key: $0.key, piece: $0.value) }
    }

    /// The field references of the format, in order.
    public var references: [K8sFieldReference] {
        pieces.compactMap { if case .field(let reference) = $0 { return reference } else { return nil } }
    }

    /// The rendered text (§4.2).
    public func render(in context: K8sEventContext) -> String {
        var bytes: [UInt8] = []
        render(in: context, appendingTo: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `render(in:)` appended as UTF-8 to `out`, making no String (the text alerts of `pspctl watch`).
    public func render(in context: K8sEventContext, appendingTo out: inout [UInt8]) {
        for piece in pieces {
            switch piece {
            case .literal(_, let utf8): out.append(contentsOf: utf8)
            case .field(let reference): reference.appendRendered(in: context, to: &out)
            }
        }
    }

    /// `output_fields` pairs: key = field name without index, value = rendered text; keys unique (last
    /// reference wins), sorted bytewise.
    public func outputFields(in context: K8sEventContext) -> [(key: String, value: String)] {
        renderAlert(in: context).fields
    }

    /// The text and the `output_fields` pairs of a JSON alert, rendering every field once.
    public func renderAlert(in context: K8sEventContext) -> (text: String, fields: [(key: String, value: String)]) {
        var text = ""
        text.reserveCapacity(256)
        var renderedPieces: [String] = []
        renderedPieces.reserveCapacity(pieces.count)
        for piece in pieces {
            switch piece {
            case .literal(let literal, _):
                text += literal
                renderedPieces.append("")
            case .field(let reference):
                let rendered = reference.render(in: context)
                text += rendered
                renderedPieces.append(rendered)
            }
        }
        return (text, outputFieldPlan.map { (key: $0.key, value: renderedPieces[$0.piece]) })
    }
}
