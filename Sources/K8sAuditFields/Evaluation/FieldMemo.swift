import Foundation

/// The memoised extractions of one event context, one slot per field reference. A state byte per slot
/// says whether its values are extracted yet; the values themselves sit in separate typed storage,
/// initialised only for ready slots, so a read is a load of the values alone (no enum payload to bind
/// and copy out). The ready slots are also listed, so teardown visits only the few an event used.
struct FieldMemo {
    enum State: UInt8 { case pending, ready, failed }

    let count: Int
    let states: UnsafeMutablePointer<State>
    /// Initialised exactly where `states` is `.ready`.
    let values: UnsafeMutablePointer<ExtractedValues>
    /// The number of ready slots, then the ready slots in the order they were filled. Kept in the
    /// storage, not in a stored property, so the memo stays immutable (the context holds it as a `let`).
    private let readyList: UnsafeMutablePointer<Int>

    init(count: Int) {
        self.count = count
        // One allocation per event for all three: the values, the ready list, then the states.
        let valuesSize = count * MemoryLayout<ExtractedValues>.stride
        let listSize = (count + 1) * MemoryLayout<Int>.stride
        let storage = UnsafeMutableRawPointer.allocate(byteCount: valuesSize + listSize + count,
                                                       alignment: MemoryLayout<ExtractedValues>.alignment)
        values = storage.bindMemory(to: ExtractedValues.self, capacity: count)
        readyList = (storage + valuesSize).bindMemory(to: Int.self, capacity: count + 1)
        readyList.initialize(to: 0)
        states = (storage + valuesSize + listSize).bindMemory(to: State.self, capacity: count)
        states.initialize(repeating: .pending, count: count)
    }

    /// Stores the values of a pending slot.
    func fill(_ slot: Int, with extracted: ExtractedValues) {
        (values + slot).initialize(to: extracted)
        states[slot] = .ready
        readyList[0] += 1
        readyList[readyList[0]] = slot
    }

    /// Frees the storage (the owning context's deinit).
    func release() {
        for i in 0..<readyList[0] { (values + readyList[1 + i]).deinitialize(count: 1) }
        UnsafeMutableRawPointer(values).deallocate()
    }
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
    func withValues<R>(of reference: K8sFieldReference, _ body: (borrowing ExtractedValues) -> R) throws(K8sEvaluationError) -> R {
        let slot = reference.slot
        // A reference compiled after this context was made has no slot here; extraction is pure, so it
        // is simply not memoised.
        guard slot < memo.count else { return body(try reference.extractor(self)) }
        switch memo.states[slot] {
        case .ready: return body(memo.values[slot])
        case .failed: throw failures[slot]!
        case .pending:
            let values: ExtractedValues
            do {
                values = try reference.extractor(self)
            } catch {
                memo.states[slot] = .failed
                failures[slot] = error
                throw error
            }
            memo.fill(slot, with: values)
            return body(values)
        }
    }
}
