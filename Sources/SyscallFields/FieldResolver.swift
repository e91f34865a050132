/// Resolves field references as libsinsp does (syscall-fields.md §1.4): the field classes are tried
/// in registry order and the first one whose parser claims the text decides, even if it then fails.
/// Condition mode needs the claimed length to be the whole text; output mode takes the claimed
/// prefix and leaves the rest as literal text.
enum FieldResolver {
    enum Mode {
        case condition
        case output
    }

    struct Resolution {
        let field: SyscallField
        /// Claimed length in UTF-8 bytes (may be 0: upstream's "matched nothing" for some parsers).
        let length: Int
    }

    static func resolveExactly(_ text: String) throws(SyscallFieldError) -> SyscallField {
        let bytes = Array(text.utf8)
        guard let resolution = try claim(bytes, mode: .condition), resolution.length == bytes.count else {
            throw SyscallFieldError(.unknownField, "filter_check called with nonexistent field \(text)")
        }
        return resolution.field
    }

    /// Output mode: the field the text starts with, or nil if no class claims it.
    static func resolvePrefix(_ bytes: [UInt8]) throws(SyscallFieldError) -> Resolution? {
        try claim(bytes, mode: .output)
    }

    private static func claim(_ bytes: [UInt8], mode: Mode) throws(SyscallFieldError) -> Resolution? {
        for fieldClass in FieldClass.registry {
            let parser = ClassParser(text: bytes, fieldClass: fieldClass, mode: mode)
            if let resolution = try parser.claim() { return resolution }
        }
        return nil
    }
}

/// One class's parser applied to one text. "Next char" is the byte after a stem; the end of the text
/// reads as NUL, as in the C string upstream parses.
private struct ClassParser {
    let text: [UInt8]
    let fieldClass: FieldClass
    let mode: FieldResolver.Mode

    typealias Resolution = FieldResolver.Resolution

    func claim() throws(SyscallFieldError) -> Resolution? {
        switch fieldClass.argumentParser {
        case .none: return try base()
        case .syscallEvent: return try syscallEvent()
        case .process: return try process()
        case .container: return try container()
        case .labels(let stems): return try labels(stems)
        case .span: return try span()
        case .evtin: return try evtin()
        }
    }

    // MARK: Base parser

    /// Longest field name that is a prefix; filter-only fields are refused in outputs here (and only
    /// here, so `evt.around`, parsed by a custom parser, is accepted in outputs).
    private func base() throws(SyscallFieldError) -> Resolution? {
        guard let definition = fieldClass.longestFieldPrefix(of: text[...]) else { return nil }
        if mode == .output, definition.flags.contains(.filterOnly) {
            throw SyscallFieldError(.invalidOutputFormat,
                                    "\(whole) is filter only and cannot be used as a display field")
        }
        return resolution(definition.name, length: definition.name.utf8.count)
    }

    // MARK: evt (syscall events)

    private func syscallEvent() throws(SyscallFieldError) -> Resolution? {
        if starts(with: "evt.arg"), !starts(with: "evt.args") {
            return try parameterOrIndex(stem: "evt.arg", field: "evt.arg")
        }
        if starts(with: "evt.rawarg") {
            if next(after: "evt.rawarg") == UInt8(ascii: "[") {
                throw invalid("evt.arg fields must be expressed explicitly")
            }
            return try parameterOrIndex(stem: "evt.rawarg", field: "evt.rawarg")
        }
        if starts(with: "evt.around") {
            switch next(after: "evt.around") {
            case UInt8(ascii: "["):
                let (argument, length) = bracketed(stem: "evt.around")
                guard let timestamp = CNumbers.scanUnsigned(argument) else { throw notANumber(argument) }
                return resolution("evt.around", .timestamp(timestamp), length: length)
            case UInt8(ascii: "."):
                throw invalid("wrong syntax for evt.around")
            default:
                throw syntaxError()
            }
        }
        if starts(with: "evt.abspath") {
            for side in ["src", "dst"] where starts(with: "evt.abspath." + side) {
                return resolution("evt.abspath", .name(side), length: "evt.abspath.".utf8.count + 3)
            }
            return resolution("evt.abspath", length: "evt.abspath".utf8.count)
        }
        if starts(with: "evt.type.is") {
            guard next(after: "evt.type.is") == UInt8(ascii: ".") else { throw syntaxError() }
            let type = String(decoding: text.dropFirst("evt.type.is.".utf8.count), as: UTF8.self)
            if let number = CNumbers.decimalUInt32(type) {
                return resolution("evt.type.is", .eventNumber(number), length: text.count)
            }
            if EventTable.isEventTableName(type) {
                return resolution("evt.type.is", .name(type), length: text.count)
            }
            return resolution("evt.type.is", length: 0)
        }
        // `evt.latency*` and everything else: base parser.
        return try base()
    }

    /// `<stem>[N]` (int32 index) or `<stem>.NAME` (longest event-parameter name), as `evt.arg`,
    /// `evt.rawarg` and the `evtin.span*` tag/arg fields take them.
    private func parameterOrIndex(stem: String, field: String) throws(SyscallFieldError) -> Resolution {
        switch next(after: stem) {
        case UInt8(ascii: "["):
            let (argument, length) = bracketed(stem: stem)
            guard let index = CNumbers.scanInt32(argument) else { throw notANumber(argument) }
            return resolution(field, .index(index), length: length)
        case UInt8(ascii: "."):
            let rest = text.dropFirst(stem.utf8.count + 1)
            guard let parameter = EventParameters.longestName(prefixing: rest) else {
                throw invalid("unknown event argument \(String(decoding: rest, as: UTF8.self))")
            }
            let type = field == "evt.rawarg" ? EventParameters.rawTypes[parameter] : nil
            return resolution(field, .name(parameter), type: type,
                              length: stem.utf8.count + 1 + parameter.utf8.count)
        default:
            throw syntaxError()
        }
    }

    // MARK: process

    private func process() throws(SyscallFieldError) -> Resolution? {
        if starts(with: "arg") { throw invalid("filter error: proc.arg filter not implemented yet") }
        for stem in ["proc.apid", "proc.aname"] where starts(with: stem) {
            // Any failure of the `[N]` form is swallowed upstream: exact stem → no index, else length 0.
            if next(after: stem) == UInt8(ascii: "[") {
                let (argument, length) = bracketed(stem: stem)
                if let level = CNumbers.scanInt32(argument) {
                    return resolution(stem, .index(level), length: length)
                }
            }
            return resolution(stem, length: text.count == stem.utf8.count ? text.count : 0)
        }
        if starts(with: "thread.cgroup"), !starts(with: "thread.cgroups") {
            guard next(after: "thread.cgroup") == UInt8(ascii: ".") else { throw syntaxError() }
            let start = "thread.cgroup.".utf8.count
            let subsystem = text[start...].prefix { isASCIILetter($0) || $0 == UInt8(ascii: "_") }
            return resolution("thread.cgroup", .name(String(decoding: subsystem, as: UTF8.self)),
                              length: start + subsystem.count)
        }
        return try base()
    }

    // MARK: container

    private static let mountParts = ["source", "dest", "mode", "rdwr", "propagation"]

    private func container() throws(SyscallFieldError) -> Resolution? {
        if starts(with: "container.mount.") {
            // Only a prefix test on the part; anything up to the `[` is ignored (upstream quirk).
            let partText = text.dropFirst("container.mount.".utf8.count)
            guard let part = Self.mountParts.first(where: { partText.starts(with: $0.utf8) }) else {
                throw syntaxError()
            }
            return try mountArgument(field: "container.mount." + part, searchFrom: 16)
        }
        if starts(with: "container.mount"), byte(at: 15) != UInt8(ascii: "s") {
            return try mountArgument(field: "container.mount", searchFrom: 15)
        }
        return try base()
    }

    /// The first `[` at or after `searchFrom` and the first `]` after it; an int32 is an index,
    /// anything else a glob.
    private func mountArgument(field: String, searchFrom: Int) throws(SyscallFieldError) -> Resolution {
        guard let open = text[searchFrom...].firstIndex(of: UInt8(ascii: "[")),
              let close = text[(open + 1)...].firstIndex(of: UInt8(ascii: "]"))
        else { throw syntaxError() }
        let argument = String(decoding: text[(open + 1)..<close], as: UTF8.self)
        let value: SyscallFieldArgument = CNumbers.scanInt32(argument).map { .index($0) } ?? .glob(argument)
        return resolution(field, value, length: close + 1)
    }

    // MARK: k8s / mesos labels

    private func labels(_ stems: [String]) throws(SyscallFieldError) -> Resolution? {
        for stem in stems where starts(with: stem) && !starts(with: stem + "s") {
            guard next(after: stem) == UInt8(ascii: ".") else { throw syntaxError() }
            let start = stem.utf8.count + 1
            let key = text[start...].prefix { byte in
                isASCIILetter(byte) || isASCIIDigit(byte) || "/_-.".utf8.contains(byte)
            }
            return resolution(stem, .name(String(decoding: key, as: UTF8.self)), length: start + key.count)
        }
        return try base()
    }

    // MARK: span / evtin (tracers)

    private static let spanStems: [(stem: String, excludesPlural: Bool)] = [
        ("span.tag", true), ("span.arg", true), ("span.enterarg", true), ("span.duration.fortag", false),
        ("span.count.fortag", false), ("span.childcount.fortag", false), ("span.idtag", false),
    ]

    private func span() throws(SyscallFieldError) -> Resolution? {
        for (stem, excludesPlural) in Self.spanStems
        where starts(with: stem) && !(excludesPlural && starts(with: stem + "s")) {
            switch next(after: stem) {
            case UInt8(ascii: "["):
                let (argument, length) = bracketed(stem: stem)
                guard let index = CNumbers.scanInt32(argument) else { throw notANumber(argument) }
                return resolution(stem, .index(index), length: length)
            case UInt8(ascii: "."):
                if stem == "span.tag" || stem == "span.idtag" { throw invalid("invalid syntax for \(stem)") }
                let name = String(decoding: text.dropFirst(stem.utf8.count + 1), as: UTF8.self)
                return resolution(stem, .name(name), length: text.count)
            default:
                throw syntaxError()
            }
        }
        return try base()
    }

    private static let evtinStems: [String] = ["", ".p", ".s", ".m"].flatMap { variant in
        ["evtin.span\(variant).tag", "evtin.span\(variant).arg"]
    }

    private func evtin() throws(SyscallFieldError) -> Resolution? {
        for stem in Self.evtinStems where starts(with: stem) && !starts(with: stem + "s") {
            return try parameterOrIndex(stem: stem, field: stem)
        }
        return try base()
    }

    // MARK: Helpers

    private var whole: String { String(decoding: text, as: UTF8.self) }

    private func starts(with stem: String) -> Bool { text.starts(with: stem.utf8) }

    private func byte(at offset: Int) -> UInt8 { offset < text.count ? text[offset] : 0 }

    private func next(after stem: String) -> UInt8 { byte(at: stem.utf8.count) }

    /// `<stem>[…]`: the text up to the first `]` of the whole text and the length through it. Without
    /// a `]` upstream's length arithmetic wraps to 0 and the argument runs to the end.
    private func bracketed(stem: String) -> (argument: String, length: Int) {
        let start = stem.utf8.count + 1
        guard let close = text[start...].firstIndex(of: UInt8(ascii: "]")) else {
            return (String(decoding: text[start...], as: UTF8.self), 0)
        }
        return (String(decoding: text[start..<close], as: UTF8.self), close + 1)
    }

    private func resolution(_ name: String, _ argument: SyscallFieldArgument? = nil,
                            type: SyscallFieldType? = nil, length: Int) -> Resolution {
        // Every name passed here is a field of this class (CatalogTests resolve every argument form).
        let definition = fieldClass.field(named: name)!
        let field = SyscallField(name: name, argumentValue: argument, type: type ?? definition.type,
                                 isFilterOnly: definition.flags.contains(.filterOnly), className: fieldClass.name)
        return Resolution(field: field, length: length)
    }

    private func invalid(_ message: String) -> SyscallFieldError { SyscallFieldError(.invalidArgument, message) }
    private func syntaxError() -> SyscallFieldError { invalid("filter syntax error: \(whole)") }
    private func notANumber(_ text: String) -> SyscallFieldError { invalid("\(text) is not a valid number") }
}

private func isASCIILetter(_ byte: UInt8) -> Bool {
    (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
}

private func isASCIIDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

/// Canonical argument texts and sensor-event keys (syscall-fields.md §6.2).
enum FieldKey {
    static func text(_ argument: SyscallFieldArgument) -> String {
        switch argument {
        case .index(let index): return String(index)
        case .name(let name): return name
        case .glob(let glob): return glob
        case .timestamp(let timestamp): return String(timestamp)
        case .eventNumber(let number): return String(number)
        }
    }

    static func canonical(name: String, argument: SyscallFieldArgument?) -> String {
        guard let argument else { return name }
        switch argument {
        case .index, .glob, .timestamp: return "\(name)[\(text(argument))]"
        case .name, .eventNumber: return "\(name).\(text(argument))"
        }
    }
}
