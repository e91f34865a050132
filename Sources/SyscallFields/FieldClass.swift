import Glibc

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
    /// Field names by their first byte, each bucket longest first, for the base parser's
    /// longest-prefix rule (one bucket is scanned, not the whole class).
    let namesByFirstByte: [UInt8: [(bytes: [UInt8], index: Int)]]

    init(name: String, shortDescription: String?, argumentParser: ArgumentParser, fields: [Field]) {
        self.name = name
        self.shortDescription = shortDescription
        self.argumentParser = argumentParser
        self.fields = fields
        let longestFirst = fields.enumerated()
            .map { (bytes: Array($0.element.name.utf8), index: $0.offset) }
            .sorted { $0.bytes.count > $1.bytes.count }
        self.namesByFirstByte = Dictionary(grouping: longestFirst.filter { !$0.bytes.isEmpty }) { $0.bytes[0] }
    }

    func field(named name: String) -> Field? { fields.first { $0.name == name } }

    /// The base parser: the longest field name that is a byte prefix of `text` (no delimiter check).
    func longestFieldPrefix(of text: ArraySlice<UInt8>) -> Field? {
        guard let first = text.first, let bucket = namesByFirstByte[first] else { return nil }
        return text.withUnsafeBytes { textBytes in
            for candidate in bucket where candidate.bytes.count <= textBytes.count {
                let equal = candidate.bytes.withUnsafeBytes { name in
                    memcmp(name.baseAddress!, textBytes.baseAddress!, name.count) == 0
                }
                if equal { return fields[candidate.index] }
            }
            return nil
        }
    }

    static let allDefinitions: [SyscallFieldDefinition] = registry.flatMap { fieldClass in
        fieldClass.fields.map {
            SyscallFieldDefinition(name: $0.name, type: $0.type, flags: $0.flags,
                                   description: $0.description, className: fieldClass.name)
        }
    }
}
