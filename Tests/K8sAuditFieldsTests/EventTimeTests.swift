import K8sAuditFields
import XCTest

/// §1.3 with pspctl's corrections: exact nanoseconds, offsets honoured. Rows whose value changes against
/// Falco's double arithmetic say so.
final class EventTimeTests: XCTestCase {
    private let second: UInt64 = 1_000_000_000
    private let base: UInt64 = 1_540_475_929_000_000_000  // 2018-10-25T13:58:49Z

    func testAcceptedTimestamps() {
        let table: [(String, UInt64)] = [
            ("2018-10-25T13:58:49Z", base),
            ("2018-10-25T13:58:49", base),                              // the Z is optional, as upstream
            ("2018-10-25T13:58:49+02:00", base - 2 * 3600 * second),   // corrected: Falco ignored the offset
            ("2018-10-25T13:58:49-05:30", base + 5 * 3600 * second + 30 * 60 * second),
            ("2018-10-25T13:58:49+0100", base - 3600 * second),
            ("2018-10-25T13:58:49.730588Z", base + 730_588_000),        // Falco: …730587904 (double rounding)
            ("2018-10-25T13:58:49.123456789Z", base + 123_456_789),     // Falco: …123456768
            ("2018-10-25T13:58:49.999999999Z", base + 999_999_999),     // Falco rounded up a full second
            ("2018-10-25T13:58:49.9999999999Z", base + 999_999_999),    // beyond the ns: cut off
            ("2018-10-25T13:58:1e1Z", base - 39 * second),              // seconds = 10
            ("2018-10-25T13:58:4.9e1Z", base),
            ("2018-10-25T13:58:60Z", base + 11 * second),               // next minute
            ("2018-10-25T13:58:-1Z", base - 50 * second),               // 13:57:59
            ("2018-1-5T3:8:49Z", 1_515_121_729_000_000_000),
            ("2018-02-31T00:00:00Z", 1_519_862_400 * second + 2 * 86_400 * second), // normalised to March 3
            ("1970-01-01T00:00:00.000000001Z", 1),
            (" 2018-10-25T13:58:49Z", base),                            // whitespace before numbers
        ]
        for (text, ns) in table {
            XCTAssertEqual(K8sAuditDocument.eventTime(parsing: text), ns, text)
        }
    }

    func testRejectedTimestamps() {
        for text in ["2018-10-25T13:58:", "2018-10-25T13:58:xZ", "2018-10-25 13:58:49Z", "2018-13-25T13:58:49Z",
                     "2018-10-25t13:58:49Z", "2018-10-40T13:58:49Z", "2018-10-25T24:00:00Z", "2018-10-25T13:60:00Z",
                     "", "bad", "2018-10-25T13:58:1eZ", "1969-12-31T23:59:59Z", "2018-10-25T13:58:infZ"] {
            XCTAssertNil(K8sAuditDocument.eventTime(parsing: text), text)
        }
    }

    /// Events read `stageTimestamp` from the JSON bytes in place (decoded first when it has escapes); the
    /// result is the one of the text parser.
    func testEventsReadTheTimestampFromTheJSONBytes() throws {
        let texts = ["2018-10-25T13:58:49Z", "2018-10-25T13:58:49.123456789Z", "2018-10-25T13:58:49.9999999999Z",
                     "2018-10-25T13:58:4.9e1Z", "2018-10-25T13:58:49000e-3Z", "2018-10-25T13:58:-1Z",
                     "2018-10-25T13:58:49-05:30", " 2018-10-25T13:58:49Z", "2018-10-25T13:58:.5Z"]
        for text in texts {
            let event = try K8s.event(#"{"kind":"Event","stageTimestamp":"\#(text)"}"#)
            XCTAssertEqual(event.timeNs, K8sAuditDocument.eventTime(parsing: text), text)
        }
        let escaped = try K8s.event(#"{"kind":"Event","stageTimestamp":"2018-10-25T13:58:49\u002e5\u005a"}"#)
        XCTAssertEqual(escaped.timeNs, base + 500_000_000)
        XCTAssertThrowsError(try K8sAuditDocument.events(from: Array(#"{"kind":"Event","stageTimestamp":"2018-10-25T13:58:\u0078Z"}"#.utf8))) { error in
            XCTAssertEqual(error as? K8sAuditInputError,
                           .notAuditEvent(reason: #"the "stageTimestamp" of the document, "2018-10-25T13:58:xZ", is not a valid time"#))
        }
    }

    func testEventTimeIsTakenFromStageTimestampOnly() throws {
        let event = try K8s.event(#"{"kind":"Event","requestReceivedTimestamp":"2000-01-01T00:00:00Z","stageTimestamp":"2018-10-25T13:58:49.5Z"}"#)
        XCTAssertEqual(event.timeNs, base + 500_000_000)
    }
}
