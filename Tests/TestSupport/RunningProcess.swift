import Foundation

/// A real `pspctl` (or service binary) left running, e.g. `watch --follow`: its stdout and stderr are
/// collected as they come, so a test can wait for output, change the files it reads, then stop it with a
/// signal and take the result. `stop()` (call it in a `defer` or tearDown) always ends it; so does deinit.
public final class RunningProcess: @unchecked Sendable {
    public let process = Process()
    // Invariant: `out` and `err` are touched under `lock` only.
    private let lock = NSLock()
    private var out = Data()
    private var outNewlines = 0
    private var err = Data()
    private let drained = DispatchGroup()

    public struct Timeout: Error, CustomStringConvertible {
        public var description: String
    }

    /// Starts `executable arguments…` (pspctl by default) with TZ=UTC and an empty standard input.
    public init(_ arguments: [String], executable: URL = Pspctl.executable,
                environment extra: [String: String] = [:]) throws {
        process.executableURL = executable
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["TZ"] = "UTC"
        for (key, value) in extra { environment[key] = value }
        process.environment = environment
        let outPipe = Pipe(), errPipe = Pipe()
        process.standardOutput = outPipe
        process.standardError = errPipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        collect(outPipe.fileHandleForReading) { [self] data in
            out.append(data)
            outNewlines += data.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        }
        collect(errPipe.fileHandleForReading) { [self] data in err.append(data) }
    }

    private func collect(_ handle: FileHandle, into append: @escaping @Sendable (Data) -> Void) {
        drained.enter()
        DispatchQueue.global().async { [self] in
            while true {
                let data = handle.availableData
                if data.isEmpty { break }
                lock.withLock { append(data) }
            }
            drained.leave()
        }
    }

    public var stdout: String { lock.withLock { String(decoding: out, as: UTF8.self) } }
    public var stderr: String { lock.withLock { String(decoding: err, as: UTF8.self) } }

    /// The complete lines written to stdout so far.
    public var stdoutLines: [String] {
        let text = stdout
        let complete = text.hasSuffix("\n") ? text : String(text[..<(text.lastIndex(of: "\n") ?? text.startIndex)])
        return complete.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    }

    /// Waits until `condition` holds (checked every 20 ms) or `seconds` pass (twice that under the
    /// sanitizer; then throws, with the output).
    public func wait(seconds: Double = 10, for what: String, until condition: () -> Bool) throws {
        let deadline = Date().addingTimeInterval(seconds * MeasuredRun.timeScale)
        while !condition() {
            guard Date() < deadline else {
                throw Timeout(description: "waited \(seconds) s for \(what); running: \(process.isRunning); stdout: \(stdout); stderr: \(stderr)")
            }
            usleep(20_000)
        }
    }

    /// The number of complete lines written to stdout so far (counted as they come).
    public var stdoutLineCount: Int { lock.withLock { outNewlines } }

    /// Waits until stdout holds at least `count` lines.
    public func waitForLines(_ count: Int, seconds: Double = 10) throws {
        try wait(seconds: seconds, for: "\(count) stdout lines") { stdoutLineCount >= count }
    }

    /// Sends `signal` and waits for the exit (killing it after `seconds`); the whole output.
    public func stop(with signal: Int32 = SIGTERM, seconds: Double = 10) -> Pspctl.Result {
        if process.isRunning { kill(process.processIdentifier, signal) }
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        _ = drained.wait(timeout: .now() + 5)
        // A status of 128 + N says the process was killed by signal N (Process reports the signal number).
        let status = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
        return Pspctl.Result(status: status, stdout: stdout, stderr: stderr)
    }

    /// Waits for the process to end by itself.
    public func waitForExit(seconds: Double = 10) throws -> Pspctl.Result {
        try wait(seconds: seconds, for: "the exit") { !process.isRunning }
        return stop()
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}
