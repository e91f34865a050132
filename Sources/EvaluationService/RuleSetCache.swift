import Foundation
import PspctlProtocol

/// The loaded rule sets by id, least recently used dropped first once more than `capacity` are held.
/// Thread-safe; a set taken out stays usable by its streams after it is dropped from the cache.
final class RuleSetCache: @unchecked Sendable {
    let capacity: Int
    // Invariant: touched under `lock` only. `order`: most recently used last.
    private let lock = NSLock()
    private var sets: [String: RuleSet] = [:]
    private var order: [String] = []

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
        lock.withLock {
            if let existing = sets[set.id] {
                touch(set.id)
                return existing
            }
            sets[set.id] = set
            order.append(set.id)
            while order.count > capacity {
                sets[order.removeFirst()] = nil
            }
            return set
        }
    }

    func remove(_ id: String) -> Bool {
        lock.withLock {
            guard sets.removeValue(forKey: id) != nil else { return false }
            order.removeAll { $0 == id }
            return true
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
