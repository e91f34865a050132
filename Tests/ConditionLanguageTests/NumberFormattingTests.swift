#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ConditionLanguage
import XCTest

/// `ConditionParser.formatNumber`: LuaJIT's `tostring` (falco-rules.md §2.1, §6.4).
final class NumberFormattingTests: XCTestCase {
    func testSpecialValues() {
        XCTAssertEqual(ConditionParser.formatNumber(.infinity), "inf")
        XCTAssertEqual(ConditionParser.formatNumber(-.infinity), "-inf")
        XCTAssertEqual(ConditionParser.formatNumber(.nan), "nan")
        XCTAssertEqual(ConditionParser.formatNumber(-Double.nan), "nan", "LuaJIT ignores the sign of NaN")
        XCTAssertEqual(ConditionParser.formatNumber(0), "0")
        XCTAssertEqual(ConditionParser.formatNumber(-0.0), "-0")
    }

    func testIntegersPrintExactlyUpToFourteenDigits() {
        XCTAssertEqual(ConditionParser.formatNumber(1.0), "1")
        XCTAssertEqual(ConditionParser.formatNumber(16), "16")
        XCTAssertEqual(ConditionParser.formatNumber(-42), "-42")
        XCTAssertEqual(ConditionParser.formatNumber(100), "100")
        XCTAssertEqual(ConditionParser.formatNumber(12_345_678_901_234), "12345678901234")
        XCTAssertEqual(ConditionParser.formatNumber(99_999_999_999_999), "99999999999999")
    }

    func testLargeValuesUseExponentForm() {
        XCTAssertEqual(ConditionParser.formatNumber(1e14), "1e+14")
        XCTAssertEqual(ConditionParser.formatNumber(1e15), "1e+15")
        XCTAssertEqual(ConditionParser.formatNumber(Double("123456789012345678")!), "1.2345678901235e+17")
        XCTAssertEqual(ConditionParser.formatNumber(9_007_199_254_740_992), "9.007199254741e+15")
        XCTAssertEqual(ConditionParser.formatNumber(1e100), "1e+100")
        XCTAssertEqual(ConditionParser.formatNumber(.greatestFiniteMagnitude), "1.7976931348623e+308")
    }

    func testFractions() {
        XCTAssertEqual(ConditionParser.formatNumber(0.5), "0.5")
        XCTAssertEqual(ConditionParser.formatNumber(1.5), "1.5")
        XCTAssertEqual(ConditionParser.formatNumber(-1.5), "-1.5")
        XCTAssertEqual(ConditionParser.formatNumber(0.1), "0.1")
        XCTAssertEqual(ConditionParser.formatNumber(1.0 / 3.0), "0.33333333333333")
        XCTAssertEqual(ConditionParser.formatNumber(2.0 / 3.0), "0.66666666666667")
        XCTAssertEqual(ConditionParser.formatNumber(0.0001), "0.0001")
        XCTAssertEqual(ConditionParser.formatNumber(0.00001), "1e-05")
        XCTAssertEqual(ConditionParser.formatNumber(1.5e-7), "1.5e-07")
        XCTAssertEqual(ConditionParser.formatNumber(.leastNonzeroMagnitude), "4.9406564584125e-324")
        XCTAssertEqual(ConditionParser.formatNumber(1_234_567_890_123.45), "1234567890123.4",
                       "the double lies just below ….45")
    }

    func testRoundingThatCarriesIntoANewDigit() {
        XCTAssertEqual(ConditionParser.formatNumber(99_999_999_999_999.9), "1e+14")
        XCTAssertEqual(ConditionParser.formatNumber(9.999_999_999_999_99), "10")
        XCTAssertEqual(ConditionParser.formatNumber(0.000_099_999_999_999_999_9), "0.0001")
    }

    func testExactDecimalTiesRoundUpUnlikeC() {
        // Exactly representable values whose 15th significant digit is a final 5: C's printf rounds
        // these to even, LuaJIT rounds them up.
        XCTAssertEqual(ConditionParser.formatNumber(123_456_789_012_345), "1.2345678901235e+14")
        XCTAssertEqual(ConditionParser.formatNumber(12_345_678_901_232.5), "12345678901233")
        XCTAssertEqual(ConditionParser.formatNumber(-12_345_678_901_232.5), "-12345678901233")
        XCTAssertEqual(cFormat(12_345_678_901_232.5, "%.14g"), "12345678901232", "C rounds the same tie to even")
    }

    /// Every value that is not an exact tie prints as C's `%.14g` does.
    func testAgreesWithCPrintfExceptOnTies() {
        var generator = SplitMix64(seed: 14)
        var samples: [Double] = [
            1, 10, 1e-4, 9.5e-5, 123.456, 1e21, 1e22, .leastNonzeroMagnitude, 2.2250738585072014e-308, 4_503_599_627_370_495.5,
        ]
        for _ in 0..<3_000 {
            let randomBits = Double(bitPattern: generator.next())
            if randomBits.isFinite { samples.append(randomBits) }
            samples.append(Double(generator.next() % 1_000_000_000_000_000_000) / 1_000)
            samples.append(Double(generator.next() % 100_000) * pow(10, Double(Int(generator.next() % 40) - 20)))
        }
        for value in samples where !isExactTieAtFifteenthDigit(value) {
            XCTAssertEqual(ConditionParser.formatNumber(value), cFormat(value, "%.14g"), "\(value)")
        }
    }

    /// Number tokens in conditions go through the same formatting (falco-rules.md §6.4).
    func testNumberTokensUseTheSameFormatting() throws {
        XCTAssertEqual(try valueOfEquality("12345678901232.5"), "12345678901233")
        XCTAssertEqual(try valueOfEquality("1e15"), ConditionParser.formatNumber(1e15))
    }

    // MARK: Helpers

    private func cFormat(_ value: Double, _ format: String) -> String {
        var buffer = [CChar](repeating: 0, count: 1_200)
        _ = withVaList([value]) { arguments in
            vsnprintf(&buffer, buffer.count, format, arguments)
        }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// glibc prints the exact decimal expansion when asked for enough digits (767 suffice for any
    /// double): a tie is a 15th significant digit of 5 followed only by zeros.
    private func isExactTieAtFifteenthDigit(_ value: Double) -> Bool {
        guard value.isFinite, value != 0 else { return false }
        let exact = cFormat(value.magnitude, "%.780e")
        let mantissaDigits = exact.prefix { $0 != "e" }.filter(\.isNumber)
        let afterFourteen = mantissaDigits.dropFirst(14)
        return afterFourteen.first == "5" && afterFourteen.dropFirst().allSatisfy { $0 == "0" }
    }
}
