import Foundation
import PspctlProtocol

/// The serving status of each service of a process, as `grpc.health.v1.Health` reports it.
///
/// The empty name stands for the server as a whole. A name that was never set is unknown: `Check`
/// answers NOT_FOUND and `Watch` sends SERVICE_UNKNOWN (the health protocol). Thread-safe; every
/// change is pushed to the watchers of that name, and `close()` ends every watch (at shutdown, after
/// the last status was sent, so a grace period is not spent waiting for endless watch streams).
public final class HealthStatusBoard: @unchecked Sendable {
    public typealias Status = GRPCHealthV1.HealthCheckResponse.ServingStatus

    // Invariant: everything below is touched under `lock` only.
    private let lock = NSLock()
    private var statuses: [String: Status] = [:]
    private var watchers: [String: [UUID: AsyncStream<Status>.Continuation]] = [:]
    private var closed = false

    public init() {}

    /// The status of `service`, nil when it is unknown.
    public func status(of service: String) -> Status? {
        lock.withLock { statuses[service] }
    }

    /// Sets the status of `service` (known from then on) and tells its watchers when it changed.
    public func set(_ status: Status, for service: String) {
        let toNotify: [AsyncStream<Status>.Continuation] = lock.withLock {
            guard statuses[service] != status else { return [] }
            statuses[service] = status
            return Array((watchers[service] ?? [:]).values)
        }
        for watcher in toNotify { watcher.yield(status) }
    }

    /// Sets every known service (the server as a whole included) to `status`.
    public func setAll(_ status: Status) {
        let names = lock.withLock { Array(statuses.keys) }
        for name in names { set(status, for: name) }
    }

    /// Ends every watch stream; later watches end at once after their first status.
    public func close() {
        let all: [AsyncStream<Status>.Continuation] = lock.withLock {
            closed = true
            defer { watchers = [:] }
            return watchers.values.flatMap(\.values)
        }
        for watcher in all { watcher.finish() }
    }

    /// The statuses of `service`: the current one (SERVICE_UNKNOWN when unknown) first, then each
    /// change. Ends at `close()`, or when the consuming task is cancelled.
    public func watch(_ service: String) -> AsyncStream<Status> {
        let id = UUID()
        let (stream, continuation) = AsyncStream.makeStream(of: Status.self, bufferingPolicy: .bufferingNewest(1))
        continuation.onTermination = { [weak self] _ in
            self?.lock.withLock { _ = self?.watchers[service]?.removeValue(forKey: id) }
        }
        let (current, isClosed): (Status, Bool) = lock.withLock {
            if !closed { watchers[service, default: [:]][id] = continuation }
            return (statuses[service] ?? .serviceUnknown, closed)
        }
        continuation.yield(current)
        if isClosed { continuation.finish() }
        return stream
    }
}
