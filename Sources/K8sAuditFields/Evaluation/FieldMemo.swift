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

    /// The slot of (definition, index), and how many slots exist now.
    func slot(specID: Int, index: String?) -> (slot: Int, count: Int) {
        lock.lock(); defer { lock.unlock() }
        let key = Key(specID: specID, index: index)
        if let slot = slots[key] { return (slot, slots.count) }
        let slot = slots.count
        slots[key] = slot
        return (slot, slots.count)
    }
}

extension K8sEventContext {
    /// V of `reference` for this event, extracted at most once.
    func values(of reference: K8sFieldReference) throws(K8sEvaluationError) -> ExtractedValues {
        let slot = reference.slot
        if slot < memo.count {
            switch memo[slot] {
            case .ready(let values): return values
            case .failed(let error): throw error
            case .pending: break
            }
        } else {
            let count = max(slot + 1, reference.memoSizeHint)
            memo.append(contentsOf: repeatElement(.pending, count: count - memo.count))
        }
        do {
            let values = try reference.extractor(self)
            memo[slot] = .ready(values)
            return values
        } catch {
            memo[slot] = .failed(error)
            throw error
        }
    }
}
