import GRPCKit

/// How far `watch --evaluator` got when it lost its evaluator (a server shutting down answers the
/// batches it had already read, then ends the stream with UNAVAILABLE): which lines were read from
/// the log but never answered, so an operator knows exactly where to resume. Kept apart from the
/// streaming code, which only records the progress.
final class RemoteReadProgress: @unchecked Sendable {
    // Invariant: written by the reading thread only, read after the stream ended.
    /// The number of the last line read from the log (blank lines included).
    var lastLineRead = 0
    /// The log was read to its end.
    var reachedEnd = false
}

enum LostEvaluator {
    /// True when the log was read to its end and every line of it answered.
    static func nothingLost(evaluatedThrough: Int, progress: RemoteReadProgress) -> Bool {
        progress.reachedEnd && evaluatedThrough >= progress.lastLineRead
    }

    /// `lost the evaluator at T: WHY; lines A to B (N lines) were not evaluated, nor the rest of the log`.
    /// `evaluatedThrough`: the last line whose answer was printed (every line before it was, too).
    static func message(target: String, error: RPCError, evaluatedThrough: Int, progress: RemoteReadProgress) -> String {
        let why = error.message.isEmpty ? "\(error.code)" : error.message
        var text = "lost the evaluator at \(target): \(why)"
        let read = max(progress.lastLineRead, evaluatedThrough)
        if read > evaluatedThrough {
            let count = read - evaluatedThrough
            text += "; lines \(evaluatedThrough + 1) to \(read) (\(count) line\(count == 1 ? "" : "s")) were not evaluated"
            if !progress.reachedEnd { text += ", nor the rest of the log" }
        } else if !progress.reachedEnd {
            text += "; the log after line \(evaluatedThrough) was not evaluated"
        }
        return text
    }
}
