import Foundation

/// One memoised extraction of an event context.
enum MemoEntry {
    case pending
    case ready(ExtractedValues)
    case failed(K8sEvaluationError)
}

/// Gives every distinct (field definition, index) pair a small process-wide number, so that a
/// `K8sEventContext` can memoise extractions in a plain array: the many rules that test `ka.verb` or
/// `ka.target.resource` share one extraction per event, whichever registry or check compiled them.
final class FieldSlotTable: @unchecked Sendable {
    static let shared = FieldSlotTable()

    private struct Key: Hashable { let specID: Int; let index: String? }
    private let lock = NSLock()
    private var slots: [Key: Int] = [:]
    private var nextSpecID = 0

    /// How many slots exist: the memo size that fits every field reference made so far.
    var count: Int {
        lock.lock(); defer { lock.unlock() }
        return slots.count
    }

    /// A fresh identity for a field definition (built-in or extension).
    func newSpecID() -> Int {
        lock.lock(); defer { lock.unlock() }
        nextSpecID += 1
        return nextSpecID
    }

    /// The slot of (definition, index).
    func slot(specID: Int, index: String?) -> Int {
        lock.lock(); defer { lock.unlock() }
        let key = Key(specID: specID, index: index)
        if let slot = slots[key] { return slot }
        let slot = slots.count
        slots[key] = slot
        return slot
    }
}

extension K8sEventContext {
    /// Calls `body` with V of `reference` for this event, extracted at most once; `body` reads the
    /// memoised values in place.
    @inline(__always)
    func withValues<R>(of reference: K8sFieldReference, _ body: (ExtractedValues) -> R) throws(K8sEvaluationError) -> R {
        let slot = reference.slot
        // A reference compiled after this context was made has no slot here; extraction is pure, so it
        // is simply not memoised.
        guard slot < memo.count else { return body(try reference.extractor(self)) }
        switch memo[slot] {
        case .ready(let values): return body(values)
        case .failed(let error): throw error
        case .pending:
            let values: ExtractedValues
            do {
                values = try reference.extractor(self)
            } catch {
                memo[slot] = .failed(error)
                throw error
            }
            memo[slot] = .ready(values)
            return body(values)
        }
    }
}
