import Foundation
import PspctlProtocol

/// The loaded rule sets by id, least recently used dropped first once more than `capacity` are held.
/// Thread-safe; a set taken out stays usable by its streams after it is dropped from the cache.
///
/// An id can be **pinned** (the audit webhook's `--webhook-rule-set`): its set, once loaded, is never
/// dropped for room nor deleted, and the pin's observer is told when it is loaded.
final class RuleSetCache: @unchecked Sendable {
    let capacity: Int
    // Invariant: touched under `lock` only. `order`: most recently used last.
    private let lock = NSLock()
    private var sets: [String: RuleSet] = [:]
    private var order: [String] = []
    private var pins: [String: @Sendable (RuleSet) -> Void] = [:]

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// The set of `id`, marked as just used; nil if none.
    func get(_ id: String) -> RuleSet? {
        lock.withLock {
            guard let set = sets[id] else { return nil }
            touch(id)
            return set
        }
    }

    /// Adds `set` (or keeps the one already there under its id) and returns the set now cached.
    @discardableResult
    func insert(_ set: RuleSet) -> RuleSet {
        let (cached, observer): (RuleSet, (@Sendable (RuleSet) -> Void)?) = lock.withLock {
            if let existing = sets[set.id] {
                touch(set.id)
                return (existing, nil)
            }
            sets[set.id] = set
            order.append(set.id)
            // Room is made from the least recently used sets that are neither pinned nor this one (so pinned
            // sets may take the cache one over its capacity).
            var index = 0
            while sets.count > capacity, index < order.count - 1 {
                if pins[order[index]] == nil { sets[order.remove(at: index)] = nil } else { index += 1 }
            }
            return (set, pins[set.id])
        }
        observer?(cached)
        return cached
    }

    /// Pins `id`: `loaded` is called once its set is inserted (at once when it already is).
    func pin(_ id: String, loaded: @escaping @Sendable (RuleSet) -> Void) {
        let present: RuleSet? = lock.withLock {
            pins[id] = loaded
            return sets[id]
        }
        if let present { loaded(present) }
    }

    enum Removal { case removed, absent, pinned }

    func remove(_ id: String) -> Removal {
        lock.withLock {
            if pins[id] != nil, sets[id] != nil { return .pinned }
            guard sets.removeValue(forKey: id) != nil else { return .absent }
            order.removeAll { $0 == id }
            return .removed
        }
    }

    /// Sets held now.
    var count: Int { lock.withLock { sets.count } }

    /// Most recently used first.
    func list() -> [RuleSet] {
        lock.withLock { order.reversed().compactMap { sets[$0] } }
    }

    private func touch(_ id: String) {
        if let index = order.lastIndex(of: id) { order.remove(at: index) }
        order.append(id)
    }
}
