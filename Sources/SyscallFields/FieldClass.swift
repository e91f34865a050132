/// One libsinsp field class: its plain fields and which custom argument parser it runs
/// (syscall-fields.md §1.3). The registry itself is in FieldTable.swift.
struct FieldClass: Sendable {
    struct Field: Sendable {
        let name: String
        let type: SyscallFieldType
        let flags: SyscallFieldFlags
        let description: String
        init(_ name: String, _ type: SyscallFieldType, _ flags: SyscallFieldFlags, _ description: String) {
            self.name = name
            self.type = type
            self.flags = flags
            self.description = description
        }
    }

    /// The custom parsers of §1.4; `.none` means the base parser only.
    enum ArgumentParser: Sendable {
        case none
        case syscallEvent
        case process
        case container
        /// k8s / mesos label fields: `<stem>.KEY`.
        case labels([String])
        case span
        case evtin
    }

    let name: String
    let shortDescription: String?
    let argumentParser: ArgumentParser
    let fields: [Field]
    /// Field names by UTF-8 length, longest first, for the base parser's longest-prefix rule.
    let namesLongestFirst: [(bytes: [UInt8], index: Int)]

    init(name: String, shortDescription: String?, argumentParser: ArgumentParser, fields: [Field]) {
        self.name = name
        self.shortDescription = shortDescription
        self.argumentParser = argumentParser
        self.fields = fields
        self.namesLongestFirst = fields.enumerated()
            .map { (bytes: Array($0.element.name.utf8), index: $0.offset) }
            .sorted { $0.bytes.count > $1.bytes.count }
    }

    func field(named name: String) -> Field? { fields.first { $0.name == name } }

    /// The base parser: the longest field name that is a byte prefix of `text` (no delimiter check).
    func longestFieldPrefix(of text: ArraySlice<UInt8>) -> Field? {
        for candidate in namesLongestFirst where text.starts(with: candidate.bytes) {
            return fields[candidate.index]
        }
        return nil
    }

    static let allDefinitions: [SyscallFieldDefinition] = registry.flatMap { fieldClass in
        fieldClass.fields.map {
            SyscallFieldDefinition(name: $0.name, type: $0.type, flags: $0.flags,
                                   description: $0.description, className: fieldClass.name)
        }
    }
}
