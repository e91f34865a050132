/// The libs event table as far as rules can see it (syscall-fields.md §4.1, §4.7, §4.8): event names
/// with their current ids, categories and flags, and the syscall-table names that only occur as
/// generic events. The data is in EventTableData.swift.
enum EventTable {
    enum Direction: Sendable, Equatable {
        case enter  // `>`
        case exit   // `<`
    }

    struct ID: Sendable {
        let number: Int
        let direction: Direction
        init(_ number: Int, _ direction: Direction) {
            self.number = number
            self.direction = direction
        }
    }

    struct Flags: OptionSet, Sendable {
        let rawValue: UInt16
        static let createsFD = Flags(rawValue: 1 << 0)
        static let destroysFD = Flags(rawValue: 1 << 1)
        static let usesFD = Flags(rawValue: 1 << 2)
        static let readsFromFD = Flags(rawValue: 1 << 3)
        static let writesToFD = Flags(rawValue: 1 << 4)
        static let modifiesState = Flags(rawValue: 1 << 5)
        static let dropSimpleCons = Flags(rawValue: 1 << 6)
        static let skipParseReset = Flags(rawValue: 1 << 7)
        static let waits = Flags(rawValue: 1 << 8)
        static let largePayload = Flags(rawValue: 1 << 9)

        /// Events Falco skips unless run with `-A` (§4.6; old/unused ids never reach this table).
        static let skippedByDefault: Flags = [.dropSimpleCons, .skipParseReset]
        /// Events for which fd fields can be extracted (§2.7).
        static let hasFD: Flags = [.createsFD, .usesFD, .destroysFD]
    }

    enum Category: Sendable {
        case file, ioRead, ioWrite, ioOther, net, ipc, memory, process, sleep, system, signal, user, time
        case wait, scheduler, `internal`, other
    }

    /// One event name with its current (not old/unused) ids.
    struct Name: Sendable {
        let name: String
        let ids: [ID]
        let category: Category
        let enterFlags: Flags
        let exitFlags: Flags
        init(_ name: String, ids: [ID], category: Category, enterFlags: Flags, exitFlags: Flags) {
            self.name = name
            self.ids = ids
            self.category = category
            self.enterFlags = enterFlags
            self.exitFlags = exitFlags
        }

        func flags(_ direction: Direction) -> Flags { direction == .enter ? enterFlags : exitFlags }
        /// The id a current driver emits for this direction: the highest one (§6.6 step 1).
        func latestID(_ direction: Direction) -> Int? {
            ids.filter { $0.direction == direction }.map(\.number).max()
        }
    }

    /// Names that exist in the event table only on old or unused ids: accepted by `evt.type`, never produced.
    static let obsoleteOnlyNames: Set<String> = ["syscall", "NA1", "NA2", "NA3", "NA4", "NA5"]

    /// Names whose first event-table id is an obsolete version, so that `evt.type.is.NAME` is 0 for every
    /// current event (upstream quirk, syscall-fields.md §7).
    static let namesWithObsoleteFirstID: Set<String> = [
        "brk", "execve", "clone", "procexit", "accept", "ioctl", "openat", "link", "linkat", "unlink",
        "unlinkat", "switch", "fork", "vfork", "container",
    ]

    private static let indexByName: [String: Int] = Dictionary(
        uniqueKeysWithValues: current.enumerated().map { ($0.element.name, $0.offset) })

    private static let genericProcessed = Set(genericSyscallsProcessed)
    private static let genericSkipped = Set(genericSyscallsSkipped)

    static func index(ofCurrentName name: String) -> Int? { indexByName[name] }

    static func currentName(_ name: String) -> Name? { indexByName[name].map { current[$0] } }

    /// Any name in the event table (current or obsolete): what `evt.type.is.NAME` accepts.
    static func isEventTableName(_ name: String) -> Bool {
        indexByName[name] != nil || obsoleteOnlyNames.contains(name)
    }

    /// A syscall-table name without an event of its own (reported as a generic event).
    static func isGenericSyscall(_ name: String) -> Bool {
        genericProcessed.contains(name) || genericSkipped.contains(name)
    }

    static func isGenericSyscallSkippedByDefault(_ name: String) -> Bool { genericSkipped.contains(name) }

    /// What `evt.type` accepts as a value (§4.1).
    static func isAcceptedTypeName(_ name: String) -> Bool {
        isEventTableName(name) || isGenericSyscall(name)
    }
}

/// A set of current event names as a bit set over `EventTable.current` (136 names).
struct NameBits: Sendable, Hashable {
    private var low: UInt64 = 0
    private var middle: UInt64 = 0
    private var high: UInt64 = 0

    static let all: NameBits = {
        var bits = NameBits()
        for index in EventTable.current.indices { bits.insert(index) }
        return bits
    }()

    var isEmpty: Bool { low == 0 && middle == 0 && high == 0 }

    mutating func insert(_ index: Int) {
        let mask = UInt64(1) << UInt64(index % 64)
        switch index / 64 {
        case 0: low |= mask
        case 1: middle |= mask
        default: high |= mask
        }
    }

    func contains(_ index: Int) -> Bool {
        let word: UInt64
        switch index / 64 {
        case 0: word = low
        case 1: word = middle
        default: word = high
        }
        return word & (UInt64(1) << UInt64(index % 64)) != 0
    }

    var indices: [Int] { EventTable.current.indices.filter(contains) }

    func union(_ other: NameBits) -> NameBits {
        combined(with: other) { $0 | $1 }
    }
    func intersection(_ other: NameBits) -> NameBits {
        combined(with: other) { $0 & $1 }
    }
    func subtracting(_ other: NameBits) -> NameBits {
        combined(with: other) { $0 & ~$1 }
    }

    private func combined(with other: NameBits, _ operation: (UInt64, UInt64) -> UInt64) -> NameBits {
        var result = NameBits()
        result.low = operation(low, other.low)
        result.middle = operation(middle, other.middle)
        result.high = operation(high, other.high)
        return result
    }
}
