import AuditPipeline
import PspctlProtocol

/// A stretch of the log sent as one EventBatch (or none, when it holds no item), with what the printer
/// needs to report it exactly as the embedded run would.
struct PendingBatch: Sendable {
    enum Entry: Sendable {
        /// A line sent as the batch's next item (its bytes kept to quote it in a line error).
        case item(line: Int, bytes: [UInt8])
        /// A line longer than --max-line-bytes: rejected here, never sent (its first bytes).
        case overlong(line: Int, prefix: [UInt8])
    }
    var entries: [Entry] = []
    var itemCount = 0
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

    /// The request for its items.
    func request() -> [UInt8] {
        var items: [PspctlV1.EventItem] = []
        items.reserveCapacity(itemCount)
        for case .item(_, let bytes) in entries { items.append(PspctlV1.EventItem(event: .k8sAuditJSON(bytes))) }
        return PspctlV1.EvaluateRequest(request: .batch(.init(items: items))).encoded()
    }
}
