import XCTest
@testable import PspctlProtocol

/// The hand-read and hand-written Evaluate messages (EvaluateWire.swift) agree with protobuf-c byte for
/// byte and field for field, and hostile bytes give a ProtocolDecodingError, never a crash.
final class EvaluateWireTests: XCTestCase {
    typealias P = PspctlV1

    /// Lines whose lengths need 1, 2 and 3 varint bytes, an empty one, and bytes that are not UTF-8.
    private let lines: [[UInt8]] = [
        Array(#"{"kind":"Event"}"#.utf8), [], Array(repeating: UInt8(ascii: "a"), count: 200),
        Array(repeating: UInt8(ascii: "b"), count: 20_000), [0xFF, 0x00, 0xC3],
    ]

    private func encoded(_ lines: [[UInt8]]) -> (EventBatchEncoder, [Range<Int>]) {
        var encoder = EventBatchEncoder()
        let ranges = lines.map { line in line.withUnsafeBytes { encoder.append($0) } }
        return (encoder, ranges)
    }

    func testTheEncodedBatchIsWhatProtobufCWrites() throws {
        let (encoder, ranges) = encoded(lines)
        XCTAssertEqual(encoder.count, lines.count)
        for (range, line) in zip(ranges, lines) { XCTAssertEqual(Array(encoder.line(at: range)), line) }
        let generic = P.EvaluateRequest(request: .batch(.init(items: lines.map { P.EventItem(event: .k8sAuditJSON($0)) })))
        XCTAssertEqual(encoder.request(), generic.encoded())
        let decoded = try P.EvaluateRequest(decoding: encoder.request())
        guard case .batch(let batch)? = decoded.request else { return XCTFail("not a batch: \(decoded)") }
        XCTAssertEqual(batch.items.map { item -> [UInt8]? in
            if case .k8sAuditJSON(let bytes)? = item.event { return bytes }
            return nil
        }, lines)
        XCTAssertEqual(EventBatchEncoder().request(), P.EvaluateRequest(request: .batch(.init(items: []))).encoded())
    }

    func testTheBatchViewReadsEveryItemInPlace() throws {
        var items = lines.map { P.EventItem(event: .k8sAuditJSON($0)) }
        items.insert(P.EventItem(event: nil), at: 2)  // an item holding no k8s_audit_json
        let bytes = P.EvaluateRequest(request: .batch(.init(items: items))).encoded()
        let view = try XCTUnwrap(try EventBatchView(request: bytes))
        XCTAssertEqual(view.items.count, items.count)
        var read: [[UInt8]?] = []
        for index in view.items.indices { read.append(view.withItem(index) { $0.map(Array.init) }) }
        var expected: [[UInt8]?] = lines
        expected.insert(nil, at: 2)
        XCTAssertEqual(read, expected)

        let start = P.EvaluateRequest(request: .start(.init(ruleSetID: "x"))).encoded()
        XCTAssertNil(try EventBatchView(request: start))
        XCTAssertNil(try EventBatchView(request: []))
        let empty = try XCTUnwrap(try EventBatchView(request: P.EvaluateRequest(request: .batch(.init())).encoded()))
        XCTAssertEqual(empty.items.count, 0)
    }

    /// Sensor events (`EventItem.sensor_event`, field 2) with the batch's run-wide numbering (fields 2
    /// and 3 of EventBatch): written as protobuf-c writes them, read back by both.
    func testSensorEventBatchesAgreeWithProtobufC() throws {
        var encoder = EventBatchEncoder(kind: .sensorEvent)
        let ranges = lines.map { line in line.withUnsafeBytes { encoder.append($0) } }
        for (range, line) in zip(ranges, lines) { XCTAssertEqual(Array(encoder.line(at: range)), line) }
        let bytes = encoder.request(firstItemNumber: 1_001, sensorRunStartTime: 1_650_000_000_123_456_789)
        let generic = P.EvaluateRequest(request: .batch(.init(items: lines.map { P.EventItem(event: .sensorEvent($0)) },
                                                              firstItemNumber: 1_001, sensorRunStartTime: 1_650_000_000_123_456_789)))
        XCTAssertEqual(bytes, generic.encoded())
        XCTAssertEqual(try P.EvaluateRequest(decoding: bytes), generic)
        // Unset numbering is not written (proto3 defaults), as protobuf-c leaves it out.
        XCTAssertEqual(encoder.request(), P.EvaluateRequest(request: .batch(.init(
            items: lines.map { P.EventItem(event: .sensorEvent($0)) }))).encoded())

        // The server's view of a protobuf-c batch mixing both kinds and an empty item.
        var items = lines.map { P.EventItem(event: .sensorEvent($0)) }
        items.insert(P.EventItem(event: .k8sAuditJSON(Array("{}".utf8))), at: 1)
        items.insert(P.EventItem(), at: 3)
        let mixed = P.EvaluateRequest(request: .batch(.init(items: items, firstItemNumber: 7, sensorRunStartTime: 9))).encoded()
        let view = try XCTUnwrap(try EventBatchView(request: mixed))
        XCTAssertEqual(view.firstItemNumber, 7)
        XCTAssertEqual(view.sensorRunStartTime, 9)
        var expectedKinds: [EventItemKind?] = Array(repeating: .sensorEvent, count: lines.count)
        expectedKinds.insert(.k8sAuditJSON, at: 1)
        expectedKinds.insert(nil, at: 3)
        XCTAssertEqual(view.kinds, expectedKinds)
        var expected: [[UInt8]?] = lines
        expected.insert(Array("{}".utf8), at: 1)
        expected.insert(nil, at: 3)
        XCTAssertEqual(view.items.indices.map { index in view.withItem(index) { $0.map(Array.init) } }, expected)

        // A wrong wire type for the numbering is an error, not a crash.
        let hostile: [UInt8] = [0x12, 0x02, 0x12, 0x00]  // batch { first_item_number as length-delimited }
        XCTAssertThrowsError(try EventBatchView(request: hostile))
    }

    func testTheResponseViewReadsWhatProtobufCWrites() throws {
        let results = [
            P.ItemResult(index: 7, alerts: [
                P.Alert(rule: "Rule A", priority: .warning, source: "k8s_audit", tags: ["t"], jsonLine: #"{"rule":"Rule A"}"#,
                        textLine: "12:00:00 Warning A"),
                P.Alert(rule: "Rule ✓", jsonLine: "", textLine: String(repeating: "x", count: 300)),
            ], events: 1),
            P.ItemResult(index: 8, error: "not JSON: at byte 3", events: 0),
            P.ItemResult(index: 9, alerts: [P.Alert(rule: "Rule B", textLine: "b")], events: 3, podRequestsWithoutObject: 2),
        ]
        let bytes = P.EvaluateResponse(results: results, counts: .init(itemsReceived: 10, alerts: 3)).encoded()
        let view = try EvaluateResponseView(decoding: bytes)
        XCTAssertEqual(view.items.count, results.count)
        for (index, (item, result)) in zip(view.items, results).enumerated() {
            XCTAssertEqual(item.index, result.index)
            XCTAssertEqual(item.events, result.events)
            XCTAssertEqual(item.podRequestsWithoutObject, result.podRequestsWithoutObject)
            XCTAssertEqual(view.error(of: index), result.error)
            XCTAssertEqual(item.alerts.count, result.alerts.count)
            for (alert, expected) in zip(item.alerts, result.alerts) {
                XCTAssertEqual(view.rule(of: alert), expected.rule)
                XCTAssertEqual(view.withLine(alert, .text) { String(decoding: $0, as: UTF8.self) }, expected.textLine)
                XCTAssertEqual(view.withLine(alert, .json) { String(decoding: $0, as: UTF8.self) }, expected.jsonLine)
            }
        }
        XCTAssertEqual(EvaluateResponseView.empty.items.count, 0)
    }

    /// Every prefix of a valid message, every single-byte change of it, and seeded random bytes: each is
    /// read or refused with a ProtocolDecodingError, and nothing crashes (the views read no byte out of
    /// bounds; AddressSanitizer runs this suite too).
    func testHostileBytesAreRefusedNeverACrash() throws {
        let request = encoded(lines).0.request()
        let response = P.EvaluateResponse(results: [
            P.ItemResult(index: 1, alerts: [P.Alert(rule: "R", jsonLine: "{}", textLine: "t")], error: "e", events: 2),
        ]).encoded()
        var refusals = 0
        func tryBoth(_ bytes: [UInt8]) {
            do { _ = try EventBatchView(request: bytes) } catch { refusals += 1 }
            do { _ = try EvaluateResponseView(decoding: bytes) } catch { refusals += 1 }
        }
        for bytes in [request, response] {
            for end in 0..<bytes.count { tryBoth(Array(bytes[..<end])) }
            for index in bytes.indices {
                for value: UInt8 in [0x00, 0x07, 0x0F, 0x80, 0xFF] {
                    var changed = bytes
                    changed[index] = value
                    tryBoth(changed)
                }
            }
        }
        var generator = SplitMix64(seed: 15)
        for _ in 0..<2_000 {
            tryBoth((0..<Int(generator.next() % 64)).map { _ in UInt8(truncatingIfNeeded: generator.next()) })
        }
        XCTAssertGreaterThan(refusals, 1_000)

        // The errors say what is wrong, as protobuf-c's path does.
        XCTAssertThrowsError(try EventBatchView(request: Array(request.dropLast()))) { error in
            XCTAssertEqual((error as? ProtocolDecodingError)?.kind, .truncated)
        }
        XCTAssertThrowsError(try EvaluateResponseView(decoding: [0x08, 0x01])) { error in  // results as a varint
            XCTAssertEqual((error as? ProtocolDecodingError)?.kind, .wrongWireType)
        }
        XCTAssertThrowsError(try EventBatchView(request: [0x12, 0x02, 0x27, 0x00])) { error in  // unknown field 4, wire type 7
            XCTAssertEqual((error as? ProtocolDecodingError)?.kind, .malformed)
        }
    }
}
