import AuditPipeline
import PspctlProtocol

/// The run-wide numbering of sensor events that `watch --evaluator` puts in each batch
/// (`EventBatch.first_item_number`, `sensor_run_start_time`), so that events spread over several
/// backends get the `evt.num` and `evt.reltime*` of the embedded run: items are numbered as sent (blank
/// and overlong lines are not), and the run starts at its first valid event, found by reading events
/// here only until there is one.
struct SensorBatchNumbering {
    private var itemsSent: UInt64 = 0
    private var startTime: UInt64?

    /// A line about to be appended to `batch` as its next item.
    mutating func add(_ line: UnsafeBufferPointer<UInt8>, to batch: inout PendingBatch) {
        itemsSent += 1
        if batch.itemCount == 0 { batch.firstItemNumber = itemsSent }
        if startTime == nil, let event = try? SensorEventItem.event(line, number: itemsSent, startTime: nil) {
            startTime = event.rawTime
        }
    }

    /// The batch is complete: it carries the run's start time when known.
    func close(_ batch: inout PendingBatch) {
        batch.sensorRunStartTime = startTime ?? 0
    }
}

/// A stretch of the log sent as one EventBatch (or none, when it holds no item), with what the printer
/// needs to report it exactly as the embedded run would. The items' bytes are written once, straight
/// into the request (`EventBatchEncoder`), and quoted from there in a line error.
struct PendingBatch: Sendable {
    enum Entry: Sendable {
        /// A line sent as the batch's next item (where its bytes sit in the encoder).
        case item(line: Int, bytes: Range<Int>)
        /// A line longer than --max-line-bytes: rejected here, never sent (its first bytes).
        case overlong(line: Int, prefix: [UInt8])
    }
    var entries: [Entry] = []
    /// The request's bytes, reserved up front (`init(kind:reservingCapacity:)`) so they are not copied as
    /// the stretch grows.
    private(set) var items: EventBatchEncoder
    /// Sensor events: the run-wide number of the first item, and the run's start time (0: none yet).
    var firstItemNumber: UInt64 = 0
    var sensorRunStartTime: UInt64 = 0

    /// What this stretch's lines and framing took: the room the next one reserves.
    var encodedSize: Int { byteCount + itemCount * 8 }

    var itemCount: Int { items.count }
    var byteCount = 0
    /// The number of the last line this stretch covers (blank lines included).
    var lastLine = 0
    /// The log could not be read on after this stretch.
    var readError: String?
    /// With `--state-file`: the position after the stretch's last line, and after each entry (parallel
    /// to `entries`), recorded once the stretch (or a stop at an entry) is printed.
    var end: LogPosition?
    var entryEnds: [LogPosition] = []

    var isEmpty: Bool { entries.isEmpty && readError == nil && lastLine == 0 }

    /// `bytes`: the room to reserve for lines and their framing (a few bytes each).
    init(kind: EventItemKind = .k8sAuditJSON, reservingCapacity bytes: Int) {
        items = EventBatchEncoder(reservingCapacity: bytes, kind: kind)
    }

    mutating func append(line: UnsafeRawBufferPointer, number: Int) {
        entries.append(.item(line: number, bytes: items.append(line)))
        byteCount += line.count
    }

    /// The bytes of an item's line.
    func line(_ range: Range<Int>) -> ArraySlice<UInt8> { items.line(at: range) }

    /// The request for its items.
    func request() -> [UInt8] { items.request(firstItemNumber: firstItemNumber, sensorRunStartTime: sensorRunStartTime) }
}
