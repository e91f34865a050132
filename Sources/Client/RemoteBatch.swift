import AuditPipeline
import PspctlProtocol

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
    /// The request's bytes, reserved up front (`init(reservingCapacity:)`) so they are not copied as the
    /// stretch grows.
    private(set) var items: EventBatchEncoder

    /// `bytes`: the room to reserve for lines and their framing (a few bytes each).
    init(reservingCapacity bytes: Int) {
        items = EventBatchEncoder(reservingCapacity: bytes)
    }

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

    mutating func append(line: UnsafeRawBufferPointer, number: Int) {
        entries.append(.item(line: number, bytes: items.append(line)))
        byteCount += line.count
    }

    /// The bytes of an item's line.
    func line(_ range: Range<Int>) -> ArraySlice<UInt8> { items.line(at: range) }

    /// The request for its items.
    func request() -> [UInt8] { items.request() }
}
