// The two messages of an Evaluate stream that carry the log itself, read and written straight in the
// protobuf wire format, without protobuf-c's structs or a Swift value per line and alert:
// - `EventBatchEncoder` writes an `EvaluateRequest { batch { items { k8s_audit_json | sensor_event } } }` as the client
//   reads the log: one append per line, one buffer per batch;
// - `EventBatchView` reads one on the server, handing each item's bytes to the evaluator in place;
// - `EvaluateResponseView` reads an `EvaluateResponse` on the client as byte ranges of the lines to print.
// Everything else (and every other client: grpcio, grpcurl) goes through protobuf-c (`CCodec`); the
// tests check that both read and write the same bytes. Every read is bounds-checked: hostile bytes give a
// `ProtocolDecodingError`, never a crash.

/// Field numbers and wire types of the messages handled here (protos/pspctl/v1/evaluator.proto).
private enum Field {
    static let lengthDelimited: UInt8 = 2
    static let varint: UInt8 = 0
    // EvaluateRequest
    static let requestStart: UInt64 = 1, requestBatch: UInt64 = 2
    // EventBatch, EventItem
    static let batchItems: UInt64 = 1, batchFirstItemNumber: UInt64 = 2, batchSensorRunStartTime: UInt64 = 3
    static let itemK8sAuditJSON: UInt64 = 1, itemSensorEvent: UInt64 = 2
    // EvaluateResponse
    static let responseResults: UInt64 = 1
    // ItemResult
    static let resultIndex: UInt64 = 1, resultAlerts: UInt64 = 2, resultError: UInt64 = 3, resultEvents: UInt64 = 4,
               resultPodRequests: UInt64 = 5
    // Alert
    static let alertRule: UInt64 = 1, alertJSONLine: UInt64 = 8, alertTextLine: UInt64 = 9

    static func tag(_ number: UInt64, _ wireType: UInt8) -> UInt8 { UInt8(number << 3) | wireType }
}

/// What an `EventItem` holds.
public enum EventItemKind: Sendable, Equatable {
    /// `k8s_audit_json`: an audit-log line.
    case k8sAuditJSON
    /// `sensor_event`: one sensor event's JSON object.
    case sensorEvent

    var fieldNumber: UInt64 { self == .k8sAuditJSON ? Field.itemK8sAuditJSON : Field.itemSensorEvent }
}

// MARK: writing

/// The bytes of one `EvaluateRequest` holding a batch of items of one kind, built a line at a time.
public struct EventBatchEncoder: Sendable {
    /// The EventBatch's own fields: `items` elements, each `tag len (tag len line)`.
    private var body: [UInt8] = []
    public private(set) var count = 0
    /// What every item holds.
    public let kind: EventItemKind

    public init(reservingCapacity bytes: Int = 0, kind: EventItemKind = .k8sAuditJSON) {
        self.kind = kind
        body.reserveCapacity(bytes)
    }

    /// Appends one item holding `line`; returns where the line's bytes sit (for `line(at:)`).
    @discardableResult
    public mutating func append(_ line: UnsafeRawBufferPointer) -> Range<Int> {
        let inner = 1 + Self.varintSize(UInt64(line.count)) + line.count
        body.append(Field.tag(Field.batchItems, Field.lengthDelimited))
        Self.appendVarint(UInt64(inner), to: &body)
        body.append(Field.tag(kind.fieldNumber, Field.lengthDelimited))
        Self.appendVarint(UInt64(line.count), to: &body)
        let start = body.count
        body.append(contentsOf: line)
        count += 1
        return start..<body.count
    }

    /// The bytes of a line appended (`range` as `append` returned it).
    public func line(at range: Range<Int>) -> ArraySlice<UInt8> { body[range] }

    /// The serialized `EvaluateRequest`; nonzero `firstItemNumber` and `sensorRunStartTime` are the
    /// batch's fields 2 and 3 (written after the items).
    public func request(firstItemNumber: UInt64 = 0, sensorRunStartTime: UInt64 = 0) -> [UInt8] {
        var trailer: [UInt8] = []
        for (number, value) in [(Field.batchFirstItemNumber, firstItemNumber), (Field.batchSensorRunStartTime, sensorRunStartTime)]
        where value != 0 {
            trailer.append(Field.tag(number, Field.varint))
            Self.appendVarint(value, to: &trailer)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(body.count + trailer.count + 11)
        bytes.append(Field.tag(Field.requestBatch, Field.lengthDelimited))
        Self.appendVarint(UInt64(body.count + trailer.count), to: &bytes)
        bytes.append(contentsOf: body)
        bytes.append(contentsOf: trailer)
        return bytes
    }

    static func varintSize(_ value: UInt64) -> Int {
        var value = value, size = 1
        while value >= 0x80 { value >>= 7; size += 1 }
        return size
    }

    static func appendVarint(_ value: UInt64, to bytes: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }
}

// MARK: reading

/// A bounds-checked cursor over wire bytes.
struct WireCursor {
    let bytes: UnsafeBufferPointer<UInt8>
    var position: Int
    let end: Int
    let messageName: String

    func failure(_ kind: ProtocolDecodingError.Kind, _ detail: String, at offset: Int? = nil) -> ProtocolDecodingError {
        ProtocolDecodingError(kind: kind, messageName: messageName, offset: offset ?? position, detail: detail)
    }

    var atEnd: Bool { position >= end }

    mutating func varint() throws(ProtocolDecodingError) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        let start = position
        while true {
            guard position < end else { throw failure(.truncated, "the input ends inside a varint", at: start) }
            let byte = bytes[position]
            position += 1
            guard shift < 64 else { throw failure(.malformed, "a varint longer than 10 bytes", at: start) }
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
    }

    /// The next field's number and wire type.
    mutating func tag() throws(ProtocolDecodingError) -> (number: UInt64, wireType: UInt8) {
        let start = position
        let key = try varint()
        let number = key >> 3, wireType = UInt8(key & 7)
        guard number > 0, number <= 536_870_911 else { throw failure(.malformed, "field number \(number) is out of range", at: start) }
        return (number, wireType)
    }

    /// The payload range of a length-delimited field whose tag was just read.
    mutating func lengthDelimited() throws(ProtocolDecodingError) -> Range<Int> {
        let start = position
        let length = try varint()
        guard length <= UInt64(end - position) else {
            throw failure(.truncated, "a length-delimited field of \(length) bytes runs past the end of its message", at: start)
        }
        let range = position..<position + Int(length)
        position = range.upperBound
        return range
    }

    /// Checks a known field's wire type.
    func expect(_ wireType: UInt8, is expected: UInt8, field: String) throws(ProtocolDecodingError) {
        guard wireType == expected else {
            throw failure(.wrongWireType, "field \(field) has wire type \(wireType), not \(expected)")
        }
    }

    /// Skips an unknown field's value.
    mutating func skip(_ wireType: UInt8) throws(ProtocolDecodingError) {
        switch wireType {
        case 0: _ = try varint()
        case 1, 5:
            let size = wireType == 1 ? 8 : 4
            guard end - position >= size else { throw failure(.truncated, "the input ends inside a fixed-size value") }
            position += size
        case 2: _ = try lengthDelimited()
        default: throw failure(.malformed, "wire type \(wireType) is not allowed")
        }
    }

    /// A cursor over a nested message's payload.
    func nested(_ range: Range<Int>) -> WireCursor {
        WireCursor(bytes: bytes, position: range.lowerBound, end: range.upperBound, messageName: messageName)
    }
}

/// An `EvaluateRequest` that holds a batch, read in place: each item's event bytes (`k8s_audit_json` or
/// `sensor_event`) and kind, or none (an empty item, or a kind of a later version). `nil` from `init`
/// when the request is not a batch.
public struct EventBatchView: Sendable {
    public let bytes: [UInt8]
    /// Per item, the range of its event's bytes in `bytes`; nil when the item holds none.
    public private(set) var items: [Range<Int>?] = []
    /// Per item, what its bytes are (nil when it holds none).
    public private(set) var kinds: [EventItemKind?] = []
    /// `EventBatch.first_item_number` (0: unset).
    public private(set) var firstItemNumber: UInt64 = 0
    /// `EventBatch.sensor_run_start_time` (0: unset).
    public private(set) var sensorRunStartTime: UInt64 = 0

    /// Reads `bytes` as an `EvaluateRequest`; nil when it holds no batch (a `start`, or nothing).
    public init?(request bytes: [UInt8]) throws(ProtocolDecodingError) {
        self.bytes = bytes
        var items: [Range<Int>?] = []
        var kinds: [EventItemKind?] = []
        var firstItemNumber: UInt64 = 0, sensorRunStartTime: UInt64 = 0
        var batch: Range<Int>?
        try bytes.withUnsafeBufferPointer { (buffer) throws(ProtocolDecodingError) in
            var cursor = WireCursor(bytes: buffer, position: 0, end: buffer.count, messageName: "pspctl.v1.EvaluateRequest")
            while !cursor.atEnd {
                let (number, wireType) = try cursor.tag()
                switch number {
                case Field.requestStart:
                    try cursor.expect(wireType, is: Field.lengthDelimited, field: "start")
                    _ = try cursor.lengthDelimited()
                    batch = nil  // a oneof: the last member set wins
                case Field.requestBatch:
                    try cursor.expect(wireType, is: Field.lengthDelimited, field: "batch")
                    batch = try cursor.lengthDelimited()
                default:
                    try cursor.skip(wireType)
                }
            }
            guard let batch else { return }
            var list = cursor.nested(batch)
            while !list.atEnd {
                let (number, wireType) = try list.tag()
                switch number {
                case Field.batchFirstItemNumber:
                    try list.expect(wireType, is: Field.varint, field: "batch.first_item_number")
                    firstItemNumber = try list.varint()
                    continue
                case Field.batchSensorRunStartTime:
                    try list.expect(wireType, is: Field.varint, field: "batch.sensor_run_start_time")
                    sensorRunStartTime = try list.varint()
                    continue
                case Field.batchItems:
                    break
                default:
                    try list.skip(wireType)
                    continue
                }
                try list.expect(wireType, is: Field.lengthDelimited, field: "batch.items")
                var item = list.nested(try list.lengthDelimited())
                var event: Range<Int>?
                var kind: EventItemKind?
                while !item.atEnd {
                    let (number, wireType) = try item.tag()
                    switch number {
                    case Field.itemK8sAuditJSON:
                        try item.expect(wireType, is: Field.lengthDelimited, field: "batch.items.k8s_audit_json")
                        event = try item.lengthDelimited()
                        kind = .k8sAuditJSON  // a oneof: the last member set wins
                    case Field.itemSensorEvent:
                        try item.expect(wireType, is: Field.lengthDelimited, field: "batch.items.sensor_event")
                        event = try item.lengthDelimited()
                        kind = .sensorEvent
                    default:
                        try item.skip(wireType)
                    }
                }
                items.append(event)
                kinds.append(kind)
            }
        }
        guard batch != nil else { return nil }
        self.items = items
        self.kinds = kinds
        self.firstItemNumber = firstItemNumber
        self.sensorRunStartTime = sensorRunStartTime
    }

    /// Calls `body` with item `index`'s event bytes (nil when it holds none; `kinds[index]` says which).
    public func withItem<R>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>?) throws -> R) rethrows -> R {
        guard let range = items[index] else { return try body(nil) }
        return try bytes.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[range])) }
    }
}

/// An `EvaluateResponse` read in place for printing: per item its counts, error and the byte ranges of
/// its alerts' rule names and rendered lines. `counts` is not read.
public struct EvaluateResponseView: Sendable {
    public struct Item: Sendable, Equatable {
        public var index: UInt64 = 0
        public var events: UInt32 = 0
        public var podRequestsWithoutObject: UInt32 = 0
        /// The item's alerts: a range of `alerts`.
        public var alerts: Range<Int>
        var error: Range<Int>?
    }

    public struct AlertLines: Sendable, Equatable {
        var rule: Range<Int>?
        var textLine: Range<Int>?
        var jsonLine: Range<Int>?
    }

    public enum Line { case text, json }

    public let bytes: [UInt8]
    public private(set) var items: [Item] = []
    public private(set) var alerts: [AlertLines] = []

    /// The answer to a batch of no items.
    public static let empty = EvaluateResponseView()
    private init() { bytes = [] }

    public init(decoding bytes: [UInt8]) throws(ProtocolDecodingError) {
        self.bytes = bytes
        var items: [Item] = []
        var alerts: [AlertLines] = []
        try bytes.withUnsafeBufferPointer { (buffer) throws(ProtocolDecodingError) in
            var cursor = WireCursor(bytes: buffer, position: 0, end: buffer.count, messageName: "pspctl.v1.EvaluateResponse")
            while !cursor.atEnd {
                let (number, wireType) = try cursor.tag()
                guard number == Field.responseResults else { try cursor.skip(wireType); continue }
                try cursor.expect(wireType, is: Field.lengthDelimited, field: "results")
                var result = cursor.nested(try cursor.lengthDelimited())
                var item = Item(alerts: alerts.count..<alerts.count)
                while !result.atEnd {
                    let (number, wireType) = try result.tag()
                    switch number {
                    case Field.resultIndex:
                        try result.expect(wireType, is: Field.varint, field: "results.index")
                        item.index = try result.varint()
                    case Field.resultEvents:
                        try result.expect(wireType, is: Field.varint, field: "results.events")
                        item.events = UInt32(truncatingIfNeeded: try result.varint())
                    case Field.resultPodRequests:
                        try result.expect(wireType, is: Field.varint, field: "results.pod_requests_without_object")
                        item.podRequestsWithoutObject = UInt32(truncatingIfNeeded: try result.varint())
                    case Field.resultError:
                        try result.expect(wireType, is: Field.lengthDelimited, field: "results.error")
                        let range = try result.lengthDelimited()
                        item.error = range.isEmpty ? nil : range
                    case Field.resultAlerts:
                        try result.expect(wireType, is: Field.lengthDelimited, field: "results.alerts")
                        alerts.append(try Self.alert(result.nested(try result.lengthDelimited())))
                    default:
                        try result.skip(wireType)
                    }
                }
                // Alerts are contiguous only if no other item's field interleaves; a message's fields of
                // one item are read together, so the range is exact.
                item.alerts = item.alerts.lowerBound..<alerts.count
                items.append(item)
            }
        }
        self.items = items
        self.alerts = alerts
    }

    private static func alert(_ cursor: WireCursor) throws(ProtocolDecodingError) -> AlertLines {
        var cursor = cursor
        var lines = AlertLines()
        while !cursor.atEnd {
            let (number, wireType) = try cursor.tag()
            switch number {
            case Field.alertRule:
                try cursor.expect(wireType, is: Field.lengthDelimited, field: "results.alerts.rule")
                lines.rule = try cursor.lengthDelimited()
            case Field.alertTextLine:
                try cursor.expect(wireType, is: Field.lengthDelimited, field: "results.alerts.text_line")
                lines.textLine = try cursor.lengthDelimited()
            case Field.alertJSONLine:
                try cursor.expect(wireType, is: Field.lengthDelimited, field: "results.alerts.json_line")
                lines.jsonLine = try cursor.lengthDelimited()
            default:
                try cursor.skip(wireType)
            }
        }
        return lines
    }

    /// Item `index`'s error text; empty when it was not rejected.
    public func error(of index: Int) -> String {
        guard let range = items[index].error else { return "" }
        return String(decoding: bytes[range], as: UTF8.self)
    }

    /// Alert `index`'s rule name.
    public func rule(of index: Int) -> String {
        guard let range = alerts[index].rule else { return "" }
        return String(decoding: bytes[range], as: UTF8.self)
    }

    /// Calls `body` with alert `index`'s rendered line of the kind asked for (empty when absent).
    public func withLine<R>(_ index: Int, _ line: Line, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let range = line == .json ? alerts[index].jsonLine : alerts[index].textLine
        return try bytes.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[range ?? 0..<0])) }
    }
}
