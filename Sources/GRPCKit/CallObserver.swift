/// Told about every call a server accepts, for metrics: set `ServerOptions.callObserver`.
///
/// Both methods run on the server's completion-queue thread, so they must be quick and never block.
/// Every `callStarted` is followed by exactly one `callEnded` for the same call.
public protocol ServerCallObserver: Sendable {
    /// A call arrived for `method` (its full path, as the client sent it); `isRegistered` is false when no
    /// handler serves that path (the call is answered UNIMPLEMENTED), so an observer can keep paths it
    /// does not serve out of its labels.
    func callStarted(method: String, isRegistered: Bool)

    /// The call ended, `duration` after it arrived: `code` is the status the server sent, or, for a call
    /// cut short before it sent one, CANCELLED (the client went away), DEADLINE_EXCEEDED or UNAVAILABLE
    /// (the server shut down).
    func callEnded(method: String, isRegistered: Bool, code: StatusCode, duration: Duration)
}

/// One accepted call as its observer sees it; `ended` reports once.
struct ObservedCall: Sendable {
    let observer: any ServerCallObserver
    let method: String
    let isRegistered: Bool
    let start: ContinuousClock.Instant

    init(_ observer: any ServerCallObserver, method: String, isRegistered: Bool) {
        self.observer = observer
        self.method = method
        self.isRegistered = isRegistered
        start = .now
        observer.callStarted(method: method, isRegistered: isRegistered)
    }

    func ended(_ code: StatusCode) {
        observer.callEnded(method: method, isRegistered: isRegistered, code: code, duration: .now - start)
    }
}
