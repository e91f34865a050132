import Dispatch
import Foundation
import GRPCKit

/// Blocking, CPU-bound work a handler runs under a deadline (ConverterService's Convert under
/// `--convert-deadline`), with a bound on how many such works run at once.
///
/// The work runs on a thread of its own while the handler waits for the first of: its result; the
/// deadline (DEADLINE_EXCEEDED with the given message); the call's cancellation (CANCELLED: the client
/// went away or its own deadline passed). Synchronous work cannot be stopped half-way, so work that
/// loses the race runs on to its end in the background and its result is dropped; it keeps its place
/// in `maxRunning` until then, so abandoned work never piles up beyond the bound.
public final class DeadlineWork: @unchecked Sendable {
    /// Works running at once, abandoned ones included; one more is refused with RESOURCE_EXHAUSTED.
    public let maxRunning: Int
    // Invariant: `running` is touched under `lock` only.
    private let lock = NSLock()
    private var running = 0

    /// What the works are, plural, for the refusal's message ("conversions").
    public let what: String

    public init(maxRunning: Int, what: String) {
        self.maxRunning = max(1, maxRunning)
        self.what = what
    }

    /// Works running now (abandoned ones included).
    public var runningCount: Int { lock.withLock { running } }

    public func run<T: Sendable>(until deadline: ContinuousClock.Instant, expired: String,
                                 _ work: @escaping @Sendable () throws(RPCError) -> T) async throws(RPCError) -> T {
        let admitted = lock.withLock { () -> Bool in
            guard running < maxRunning else { return false }
            running += 1
            return true
        }
        guard admitted else {
            throw RPCError(.resourceExhausted, "\(maxRunning) \(what) are still running (abandoned ones run to their end); try again later")
        }
        let race = Race<T>()
        let result: Result<T, RPCError> = await withTaskCancellationHandler {
            await withUnsafeContinuation { continuation in
                race.install(continuation)
                DispatchQueue.global(qos: .userInitiated).async { [self] in
                    let outcome: Result<T, RPCError>
                    do throws(RPCError) { outcome = .success(try work()) } catch { outcome = .failure(error) }
                    lock.withLock { running -= 1 }
                    race.finish(outcome)
                }
                let remaining = deadline - .now
                let (seconds, attoseconds) = remaining.components
                let nanoseconds = max(0, seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
                DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(Int(clamping: nanoseconds))) {
                    race.finish(.failure(RPCError(.deadlineExceeded, expired)))
                }
            }
        } onCancel: {
            race.finish(.failure(RPCError(.cancelled, "the call was cancelled")))
        }
        return try result.get()
    }
}

/// The first of several outcomes resumes the waiting handler; later ones are dropped.
private final class Race<T: Sendable>: @unchecked Sendable {
    // Invariant: both fields are touched under `lock` only; the continuation is resumed outside it.
    private let lock = NSLock()
    private var continuation: UnsafeContinuation<Result<T, RPCError>, Never>?
    private var outcome: Result<T, RPCError>?

    func install(_ continuation: UnsafeContinuation<Result<T, RPCError>, Never>) {
        let early: Result<T, RPCError>? = lock.withLock {
            if let outcome { return outcome }
            self.continuation = continuation
            return nil
        }
        if let early { continuation.resume(returning: early) }
    }

    func finish(_ result: Result<T, RPCError>) {
        let waiting: UnsafeContinuation<Result<T, RPCError>, Never>? = lock.withLock {
            guard outcome == nil else { return nil }
            outcome = result
            defer { continuation = nil }
            return continuation
        }
        waiting?.resume(returning: result)
    }
}
