#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A mutex whose pthread object lives on the heap, never in a copyable Swift value.
final class Lock: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    func lock() { pthread_mutex_lock(mutex) }
    func unlock() { pthread_mutex_unlock(mutex) }

    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        lock()
        defer { unlock() }
        return try body()
    }
}

/// A readers-writer lock: many batch starts at once, or one completion-queue shutdown.
final class ReadWriteLock: @unchecked Sendable {
    private let rwlock: UnsafeMutablePointer<pthread_rwlock_t>

    init() {
        rwlock = .allocate(capacity: 1)
        rwlock.initialize(to: pthread_rwlock_t())
        pthread_rwlock_init(rwlock, nil)
    }

    deinit {
        pthread_rwlock_destroy(rwlock)
        rwlock.deallocate()
    }

    func withReadLock<T>(_ body: () -> T) -> T {
        pthread_rwlock_rdlock(rwlock)
        defer { pthread_rwlock_unlock(rwlock) }
        return body()
    }

    func withWriteLock<T>(_ body: () -> T) -> T {
        pthread_rwlock_wrlock(rwlock)
        defer { pthread_rwlock_unlock(rwlock) }
        return body()
    }
}

/// A one-way flag that async code can poll (used only for shutdown, where polling every few
/// milliseconds is cheaper to get right than a continuation racing a timeout).
final class Flag: @unchecked Sendable {
    private let lock = Lock()
    private var value = false

    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }

    /// Waits until the flag is set or `deadline` passes; true if it was set.
    func wait(until deadline: ContinuousClock.Instant? = nil) async -> Bool {
        while !isSet {
            if let deadline, ContinuousClock.now >= deadline { return false }
            // A cancelled task must still wait: sleep the thread instead of spinning.
            do { try await Task.sleep(for: .milliseconds(2)) } catch { usleep(2000) }
        }
        return true
    }
}
