import XCTest
@testable import RulesEngine

/// lyaml 6.0's implicit typing of plain scalars (falco-rules.md §2.1).
final class LuaValueTests: XCTestCase {
    func testImplicitTyping() {
        XCTAssertEqual(LuaValue.typingPlainScalar(""), .nullSentinel)
        XCTAssertEqual(LuaValue.typingPlainScalar("~"), .nullSentinel)
        XCTAssertEqual(LuaValue.typingPlainScalar("null"), .string("null"))
        XCTAssertEqual(LuaValue.typingPlainScalar("012"), .number(10))
        XCTAssertEqual(LuaValue.typingPlainScalar("08"), .number(8))
        XCTAssertEqual(LuaValue.typingPlainScalar("1_000"), .number(1000))
        XCTAssertEqual(LuaValue.typingPlainScalar("1.50"), .number(1.5))
        XCTAssertEqual(LuaValue.typingPlainScalar("1e3"), .number(1000))
        XCTAssertEqual(LuaValue.typingPlainScalar(".5"), .number(0.5))
        XCTAssertEqual(LuaValue.typingPlainScalar("yes"), .boolean(true))
        XCTAssertEqual(LuaValue.typingPlainScalar("Off"), .boolean(false))
        XCTAssertEqual(LuaValue.typingPlainScalar("0x1F"), .number(31))
        XCTAssertEqual(LuaValue.typingPlainScalar("0b101"), .number(5))
        XCTAssertEqual(LuaValue.typingPlainScalar("1:30"), .number(90))
        XCTAssertEqual(LuaValue.typingPlainScalar("y"), .string("y"))
        XCTAssertEqual(LuaValue.typingPlainScalar("1.2.3"), .string("1.2.3"))
        XCTAssertEqual(LuaValue.typingPlainScalar("10.0.0.0/8"), .string("10.0.0.0/8"))
        XCTAssertEqual(LuaValue.typingPlainScalar("0o17"), .string("0o17"))
    }

    func testTruthiness() {
        XCTAssertTrue(LuaValue.string("false").isTruthy)
        XCTAssertTrue(LuaValue.number(0).isTruthy)
        XCTAssertTrue(LuaValue.nullSentinel.isTruthy)
        XCTAssertFalse(LuaValue.boolean(false).isTruthy)
    }
}
