import Foundation

/// Runs async work from synchronous code (the reading thread, which must not be a task: it blocks on
/// reads) and waits for its result.
func blocking<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
    let done = DispatchSemaphore(value: 0)
    let box = ResultBox<T>()
    Task {
        do { box.result = .success(try await body()) } catch { box.result = .failure(error) }
        done.signal()
    }
    done.wait()
    return try box.result!.get()
}

/// Written by one task before it signals, read after the wait.
final class ResultBox<T>: @unchecked Sendable {
    var result: Result<T, Error>?
}
