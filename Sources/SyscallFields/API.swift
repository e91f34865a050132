// The public API of SyscallFields (the `syscall` event source's field catalogue); implementations live
// in the other files of this module.
//
// Facts: /work/shared/spec/syscall-fields.md (libs b7eb0dd as built into Falco 0.31.1) and
// falco-rules.md §6.5, §7.2, §7.4, §8, §11.1.
import ConditionLanguage

// MARK: - Errors

/// A load-time error of a syscall field reference, value, operator or output format. `message` is the
/// text Falco prints after `Rule <name>: error ` (conditions) or inside `Invalid output format '…': '…'`
/// (outputs); `kind` lets the engine tell an unknown field (skippable with `skip-if-unknown-filter`)
/// from every other error.
public struct SyscallFieldError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// `filter_check called with nonexistent field <text>`.
        case unknownField
        /// An argument rejected by a field class's parser (`unknown event argument foo`, `filter syntax error: …`).
        case invalidArgument
        /// A right-hand value the field's type cannot parse (`foo is not a valid number`, `unknown event type foo`).
        case invalidValue
        /// pspctl's load-time operator/type check (Falco fails only when the comparison is evaluated).
        case unsupportedOperator
        /// An output format that does not parse (`invalid formatting token …`).
        case invalidOutputFormat
    }
    public var kind: Kind
    public var message: String
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }
    public var description: String { message }
}

// MARK: - Fields

/// One resolved field reference: the catalogue field plus its argument.
public struct SyscallField: Sendable, Hashable {
    /// Canonical catalogue name without argument: `proc.aname`, `evt.arg`, `container.mount.dest`.
    public let name: String
    /// The argument in canonical text form (`2` for `proc.aname[02]`, `flags` for `evt.arg.flags`,
    /// `/var/run/docker.sock` for a mount glob, `src` for `evt.abspath.src`); nil when there is none.
    public let argument: String?
    /// The argument as the field class parsed it.
    public let argumentValue: SyscallFieldArgument?
    /// The type values are parsed and compared with (for `evt.rawarg.NAME`, the parameter's type).
    public let type: SyscallFieldType
    /// Flagged `EPF_FILTER_ONLY` in the catalogue (`fd.ip`, `fd.net`, `fd.port`, …).
    public let isFilterOnly: Bool
    /// The libsinsp class that claimed the text (`evt`, `process`, `fd`, …).
    public let className: String
    /// The canonical key of this field in a sensor event (syscall-fields.md §6.2): `proc.aname[2]`,
    /// `evt.arg.flags`, `container.mount.dest[/var/run/docker.sock]`, `evt.abspath.src`.
    public let key: String
    /// How the evaluator obtains the value (decided once, off the evaluation path).
    let kind: FieldKind
    /// `proc.aname` / `proc.apid` without an index (or with `[-1]`): true if any ancestor, starting
    /// with the parent, satisfies the comparison (§3.6).
    public var isAnyAncestor: Bool { kind == .anyAncestor }
}

/// A field argument as parsed by its class (syscall-fields.md §1.4).
public enum SyscallFieldArgument: Sendable, Hashable {
    /// `[N]`: `proc.aname[2]`, `evt.arg[0]`, `container.mount[0]`, `span.tag[1]`.
    case index(Int32)
    /// `.NAME`: event parameter, label key, cgroup subsystem, span argument, `evt.abspath` side,
    /// `evt.type.is` event name.
    case name(String)
    /// `[GLOB]` of `container.mount*`.
    case glob(String)
    /// `[T]` of `evt.around` (ns).
    case timestamp(UInt64)
    /// `evt.type.is.N`.
    case eventNumber(UInt32)
}

/// One entry of the catalogue (syscall-fields.md §2), for listings and table-driven checks.
public struct SyscallFieldDefinition: Sendable {
    public let name: String
    public let type: SyscallFieldType
    public let flags: SyscallFieldFlags
    public let description: String
    /// The libsinsp class (`m_name`), e.g. `evt`, `process`.
    public let className: String
}

public struct SyscallFieldFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let filterOnly = SyscallFieldFlags(rawValue: 1)       // EPF_FILTER_ONLY
    public static let printOnly = SyscallFieldFlags(rawValue: 2)        // EPF_PRINT_ONLY (not enforced)
    public static let requiresArgument = SyscallFieldFlags(rawValue: 4) // EPF_REQUIRES_ARGUMENT (informational)
    public static let tableOnly = SyscallFieldFlags(rawValue: 8)        // EPF_TABLE_ONLY (informational)
}

public enum SyscallFieldCatalog {
    /// Resolves a field reference exactly as written in a condition or an exception's `fields`
    /// (condition mode: the whole text must be the field). Unknown → `.unknownField`
    /// (`filter_check called with nonexistent field <text>`); argument errors → their own messages.
    public static func resolve(_ text: String) throws(SyscallFieldError) -> SyscallField {
        try FieldResolver.resolveExactly(text)
    }

    /// True when `text` resolves (no unknown field, no argument error).
    public static func isKnownField(_ text: String) -> Bool {
        (try? FieldResolver.resolveExactly(text)) != nil
    }

    /// Every catalogue field in registry order (285 entries).
    public static var definitions: [SyscallFieldDefinition] { FieldClass.allDefinitions }
}

// MARK: - Checks

/// One `field op values` comparison of a syscall condition, validated and compiled at load time.
public struct SyscallCheck: Sendable {
    /// The field text as written (`proc.aname[02]`), used in messages.
    public let fieldText: String
    public let field: SyscallField
    public let op: ComparisonOperator
    /// The right-hand values parsed for the field's type, in order.
    let values: [FieldValue]
    /// Set-operator lookups prepared once, off the evaluation path.
    let lookup: ValueLookup

    /// Validates and compiles `field op values`: field resolution, each value parsed for the field's
    /// type (falco-rules.md §7.2 messages, e.g. `foo is not a valid number`, `unknown event type foo`,
    /// `filter error: unrecognized boolean value yes`), then pspctl's operator/type check
    /// (`operator 'contains' is not supported by field proc.pid (numeric)`).
    public init(_ comparison: Comparison) throws(SyscallFieldError) {
        self = try CheckCompiler.compile(comparison)
    }

    init(fieldText: String, field: SyscallField, op: ComparisonOperator, values: [FieldValue]) {
        self.fieldText = fieldText
        self.field = field
        self.op = op
        self.values = values
        self.lookup = ValueLookup(values)
    }

    /// This check's contribution to its rule's event-type set (falco-rules.md §7.4).
    public var eventTypes: EventTypeSet { EventTypeSet.contribution(of: self) }
}

// MARK: - Event types

/// A set of event-type names (the current names of the libs event table, syscall-fields.md §4.7).
/// `all` is every current name (270 ids); the id count drives the `no-evttype` warning.
public struct EventTypeSet: Sendable, Hashable, CustomStringConvertible {
    var bits: NameBits

    init(bits: NameBits) { self.bits = bits }

    /// Every current event name (136 names, 270 ids).
    public static let all = EventTypeSet(bits: NameBits.all)
    public static let empty = EventTypeSet(bits: NameBits())

    /// The set of the given names; names that are not current event names (syscall-only names such
    /// as `accept4`, unknown words) contribute nothing.
    public init<Names: Sequence>(names: Names) where Names.Element == String {
        var bits = NameBits()
        for name in names {
            if let index = EventTable.index(ofCurrentName: name) { bits.insert(index) }
        }
        self.bits = bits
    }

    public var isAll: Bool { bits == NameBits.all }
    public var isEmpty: Bool { bits.isEmpty }
    public func contains(_ name: String) -> Bool {
        guard let index = EventTable.index(ofCurrentName: name) else { return false }
        return bits.contains(index)
    }
    /// The names, in event-table order.
    public var names: [String] { bits.indices.map { EventTable.current[$0].name } }
    /// Number of event ids covered (sum of the current ids of each name).
    public var idCount: Int { bits.indices.reduce(0) { $0 + EventTable.current[$1].ids.count } }

    public func union(_ other: EventTypeSet) -> EventTypeSet { EventTypeSet(bits: bits.union(other.bits)) }
    public func intersection(_ other: EventTypeSet) -> EventTypeSet { EventTypeSet(bits: bits.intersection(other.bits)) }
    /// `all − self`, except that the complement of `all` is `all` (upstream, §7.4).
    public var complement: EventTypeSet { isAll ? self : EventTypeSet(bits: NameBits.all.subtracting(bits)) }

    public var description: String { isAll ? "all" : "{" + names.joined(separator: ", ") + "}" }
}

public enum SyscallEventTypes {
    /// The event-type set of a macro-free condition tree, computed as libsinsp does (falco-rules.md §7.4),
    /// quirks included (a negated compound gets the complement of its whole set; contradictions give ∅).
    /// A macro reference left in the tree counts as unrestricted (`all`).
    public static func set(for node: ConditionNode) -> EventTypeSet { EventTypeSet.of(node) }

    /// The `no-evttype` warning condition: an empty set or more than 100 event ids.
    public static func tooMany(_ set: EventTypeSet) -> Bool { set.isEmpty || set.idCount > 100 }

    /// True for a value `evt.type` accepts: an event-table name (current or obsolete) or a
    /// syscall-table name (syscall-fields.md §4.1).
    public static func isKnownEventTypeName(_ name: String) -> Bool { EventTable.isAcceptedTypeName(name) }

    /// The names of `set` that Falco does not process unless run with `-A` (syscall-fields.md §4.6),
    /// sorted: what the `ignored-evttype` start-up warning lists.
    public static func skippedByDefault(in set: EventTypeSet) -> [String] {
        set.bits.indices.map { EventTable.current[$0] }
            .filter { !$0.enterFlags.union($0.exitFlags).isDisjoint(with: EventTable.Flags.skippedByDefault) }
            .map(\.name)
            .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }
}

// MARK: - Outputs

/// A validated syscall-source output format (falco-rules.md §11.1).
public struct SyscallOutputFormat: Sendable {
    public enum Segment: Sendable, Equatable {
        case literal(String)
        /// `%[width]token`: `token` is the text the field was read from (`proc.aname[2]`), empty for
        /// the zero-length tokens upstream produces (`%proc.aname` followed by more text).
        case field(SyscallField, token: String, width: Int?)
    }
    /// The format after removing a leading `*`.
    public let segments: [Segment]
    /// A leading `*` was present (missing values print as `<NA>`).
    public let isPermissive: Bool

    /// Validates a syscall output format; errors: `empty formatting token`,
    /// `invalid formatting syntax: formatting cannot end with a %` / `… with a number`,
    /// `invalid formatting token <rest>`, `<rest> is filter only and cannot be used as a display field`,
    /// and field-argument errors (e.g. `unknown event argument foo bar`).
    public init(parsing format: String) throws(SyscallFieldError) {
        (segments, isPermissive) = try OutputFormatParser.parse(format)
    }

    /// The field tokens in order of appearance, as written (`proc.aname[2]`, `evt.arg.name`); these
    /// are the keys of a JSON alert's `output_fields`.
    public var fieldReferences: [String] {
        segments.compactMap { segment in
            if case .field(_, let token, _) = segment, !token.isEmpty { return token }
            return nil
        }
    }
}

// MARK: - Sensor events and evaluation (syscall-fields.md §6)

/// One member value of a sensor event, as the engine's JSON reader delivers it. JSON numbers written
/// without fraction or exponent are `.integer` (or `.unsignedInteger` above `Int64.max`); any other
/// number is `.number`.
public enum SensorValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case integer(Int64)
    case unsignedInteger(UInt64)
    case number(Double)
    case string(String)
}

/// Why a sensor event is invalid (pspctl's messages, syscall-fields.md §6.1–§6.5).
public struct SensorEventError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// One syscall event reported by a sensor as a flat map of field key → value, validated and typed.
public struct SensorEvent: Sendable {
    /// The event-table name (`open`) or, for a generic event, the syscall name (`mknod`).
    public let eventType: String
    public let direction: SensorEventDirection
    /// `evt.rawtime`: ns since the Unix epoch.
    public let rawTime: UInt64
    /// The event id the evaluator assumes (§6.6 step 1): 0/1 for generic events.
    public let eventID: Int
    /// A syscall without an event of its own (§4.8); only rules with an empty event-type set see it.
    public var isGeneric: Bool { eventID < 2 }
    /// Falco skips the event unless run with `-A` (§4.6, §6.6 step 2).
    public let isSkippedByDefault: Bool

    let values: [String: FieldValue]
    /// The event-table flags of `eventID` (none for generic events).
    let flags: EventTable.Flags
    let context: EvaluationContext

    /// Validates one event. `sequenceNumber` is its 1-based position in the run (the default of
    /// `evt.num`), `runStartTime` the `evt.rawtime` of the run's first event (for `evt.reltime*`;
    /// nil means this event), `utcOffsetSeconds` the zone of the local-time fields (Falco: the host's).
    public init(fields: [String: SensorValue], sequenceNumber: UInt64, runStartTime: UInt64? = nil,
                utcOffsetSeconds: Int = 0) throws(SensorEventError) {
        self = try SensorEventReader.read(fields, context: EvaluationContext(
            sequenceNumber: sequenceNumber, runStartTime: runStartTime, utcOffsetSeconds: utcOffsetSeconds))
    }

    init(eventType: String, direction: SensorEventDirection, rawTime: UInt64, eventID: Int,
         isSkippedByDefault: Bool, values: [String: FieldValue], flags: EventTable.Flags,
         context: EvaluationContext) {
        self.eventType = eventType
        self.direction = direction
        self.rawTime = rawTime
        self.eventID = eventID
        self.isSkippedByDefault = isSkippedByDefault
        self.values = values
        self.flags = flags
        self.context = context
    }
}

public enum SensorEventDirection: String, Sendable {
    case enter = ">"
    case exit = "<"
}

extension SyscallCheck {
    /// Evaluates the check on one event with libsinsp's semantics (syscall-fields.md §3.5, §3.6, §6.5):
    /// a field without a value makes every operator false, `!=` and `exists` included. pspctl's
    /// corrections: `fd.ip in` and `proc.apid in` work, `fd.net in` tests every network, an empty
    /// list never matches (also on network fields).
    public func matches(_ event: SensorEvent) -> Bool { Evaluator.matches(self, event) }
}

// MARK: - Rendering (falco-rules.md §11.1, §11.5; syscall-fields.md §3.7)

/// A value of a JSON alert's `output_fields`.
public enum SyscallOutputValue: Sendable, Equatable {
    case null
    case string(String)
    /// A JSON number, as its exact text (`1650000000123456789`, `-2`).
    case number(String)
    case bool(Bool)
}

extension SyscallOutputFormat {
    /// The formatted text for one event; a field without a value prints `<NA>`.
    public func render(_ event: SensorEvent) -> String { OutputRenderer.text(self, event) }

    /// `output_fields`: one entry per distinct token, keys in byte order, values typed as Falco's
    /// JSON output types them (time strings become the ns timestamp, missing values `null`).
    public func outputFields(_ event: SensorEvent) -> [(key: String, value: SyscallOutputValue)] {
        OutputRenderer.fields(self, event)
    }
}
