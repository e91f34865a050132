import XCTest
import ConditionLanguage
import SyscallFields

/// Event-type sets of rules (falco-rules.md §7.4, syscall-fields.md §4.3), quirks included.
final class EventTypeSetTests: XCTestCase {
    private func cmp(_ field: String, _ op: ComparisonOperator, _ values: String...) -> ConditionNode {
        .comparison(Comparison(field: field, op: op, values: values))
    }

    private func set(_ node: ConditionNode) -> EventTypeSet { SyscallEventTypes.set(for: node) }

    func testAllCovers136NamesAnd270Ids() {
        XCTAssertEqual(EventTypeSet.all.names.count, 136)
        XCTAssertEqual(EventTypeSet.all.idCount, 270)
        XCTAssertTrue(EventTypeSet.all.isAll)
        XCTAssertTrue(EventTypeSet.empty.isEmpty)
        XCTAssertEqual(EventTypeSet.empty.idCount, 0)
    }

    func testSpecExamples() {
        let open = set(cmp("evt.type", .equal, "open"))
        XCTAssertEqual(open.names, ["open"])
        XCTAssertEqual(open.idCount, 2)

        let exec = set(.and(cmp("evt.type", .in, "execve", "execveat"), cmp("evt.dir", .equal, "<")))
        XCTAssertEqual(Set(exec.names), ["execve", "execveat"])
        XCTAssertEqual(exec.idCount, 6)

        let notOpen = set(.not(cmp("evt.type", .equal, "open")))
        XCTAssertEqual(notOpen.idCount, 268)
        XCTAssertFalse(notOpen.contains("open"))

        XCTAssertTrue(set(cmp("proc.name", .equal, "bash")).isAll)
        XCTAssertTrue(set(.and(cmp("evt.type", .equal, "open"), cmp("evt.type", .equal, "close"))).isEmpty)
        XCTAssertTrue(set(cmp("evt.type", .equal, "accept4")).isEmpty, "syscall-only names have no event ids")
    }

    func testUnionAndOtherOperators() {
        let files = set(.or(cmp("evt.type", .equal, "open"), cmp("evt.type", .in, "openat", "openat2")))
        XCTAssertEqual(Set(files.names), ["open", "openat", "openat2"])
        XCTAssertTrue(set(cmp("evt.type", .startswith, "open")).isAll, "only =, != and in restrict")
        XCTAssertTrue(set(cmp("evt.type", .exists)).isAll)
        XCTAssertTrue(set(cmp("evt.type.is.open", .equal, "1")).isAll)
        XCTAssertEqual(set(cmp("evt.type", .notEqual, "open")).idCount, 268)
        XCTAssertTrue(set(cmp("evt.type", .in)).isEmpty, "an empty list names no type")
        XCTAssertTrue(set(.macro("leftover")).isAll)
    }

    /// Quirk 1: the complement is taken of a whole negated group, so a rule negating a compound
    /// that mentions `open` is never evaluated on open events.
    func testNegatedCompoundQuirk() {
        let node = ConditionNode.not(.and(cmp("evt.type", .equal, "open"), cmp("proc.name", .equal, "x")))
        let result = set(node)
        XCTAssertFalse(result.contains("open"))
        XCTAssertEqual(result.idCount, 268)
        // The complement of "all" stays "all", also when "all" was computed.
        XCTAssertTrue(set(.not(cmp("proc.name", .equal, "x"))).isAll)
        XCTAssertTrue(set(.not(cmp("evt.type", .notEqual, "accept4"))).isAll)
    }

    /// Quirk 2: a contradiction gives the empty set, which triggers the warning (and, in the engine,
    /// evaluation for every event).
    func testContradictionIsEmptyAndWarns() {
        let contradiction = set(.and(cmp("evt.type", .equal, "open"), cmp("evt.type", .equal, "close")))
        XCTAssertTrue(SyscallEventTypes.tooMany(contradiction))
    }

    func testTooManyCountsIds() {
        XCTAssertTrue(SyscallEventTypes.tooMany(.all))
        XCTAssertTrue(SyscallEventTypes.tooMany(set(cmp("evt.type", .notEqual, "open"))))
        XCTAssertFalse(SyscallEventTypes.tooMany(set(cmp("evt.type", .equal, "open"))))
        let twoIdNames = EventTypeSet.all.names.filter { EventTypeSet(names: [$0]).idCount == 2 }
        XCTAssertFalse(SyscallEventTypes.tooMany(EventTypeSet(names: twoIdNames.prefix(50))))
        XCTAssertTrue(SyscallEventTypes.tooMany(EventTypeSet(names: twoIdNames.prefix(51))), "102 ids")
    }

    func testCheckContributionMatchesTree() throws {
        for comparison in [Comparison(field: "evt.type", op: .in, values: ["connect", "accept"]),
                           Comparison(field: "evt.type", op: .notEqual, values: ["execve"]),
                           Comparison(field: "fd.num", op: .greaterOrEqual, values: ["0"])] {
            XCTAssertEqual(try SyscallCheck(comparison).eventTypes, set(.comparison(comparison)))
        }
    }

    func testNamesSkippedByDefault() {
        XCTAssertEqual(SyscallEventTypes.skippedByDefault(in: EventTypeSet(names: ["open", "read", "close", "procinfo"])),
                       ["close", "procinfo", "read"])
        XCTAssertEqual(SyscallEventTypes.skippedByDefault(in: EventTypeSet(names: ["execve", "setsockopt"])), [])
        XCTAssertTrue(SyscallEventTypes.skippedByDefault(in: .all).contains("switch"))
    }

    func testSetAlgebra() {
        let a = EventTypeSet(names: ["open", "close"])
        let b = EventTypeSet(names: ["close", "read"])
        XCTAssertEqual(a.union(b).names, ["open", "close", "read"])
        XCTAssertEqual(a.intersection(b).names, ["close"])
        XCTAssertEqual(a.complement.idCount, 266)
        XCTAssertEqual(EventTypeSet.all.complement, .all)
        XCTAssertEqual(EventTypeSet(names: ["nosuch", "accept4"]), .empty)
        XCTAssertEqual(a.description, "{open, close}")
        XCTAssertTrue(SyscallEventTypes.isKnownEventTypeName("accept4"))
        XCTAssertFalse(SyscallEventTypes.isKnownEventTypeName("accept5"))
    }
}
