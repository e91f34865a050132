import Foundation
import XCTest

/// A real pspctl service binary (`ConverterService`, `EvaluatorService`) on a loopback port it picks
/// (`--listen 127.0.0.1:0`, or another `listen` address); the address is read from its `listening on
/// HOST:PORT` log line. `stop()` (call it in tearDown) always ends it.
public final class ServiceProcess: @unchecked Sendable {
    public let process = Process()
    public private(set) var port = 0
    /// HOST:PORT as the service announced it (`127.0.0.1:PORT` by default).
    public private(set) var address = ""

    /// The service did not announce its port in time; `log` is what it wrote.
    public struct StartFailure: Error, CustomStringConvertible {
        public var executable: String
        public var log: String
        public var description: String { "\(executable) did not announce its port; log: \(log)" }
    }

    // Invariant: `log` is touched under `lock` only.
    private let lock = NSLock()
    private var log = ""
    private let sawPort = DispatchSemaphore(value: 0)
    private let drained = DispatchSemaphore(value: 0)

    /// The binary named `name` among the built products.
    public static func executable(_ name: String) -> URL { Pspctl.productsDirectory.appendingPathComponent(name) }

    /// Runs service binary `name` with `arguments` when it is expected to stop by itself (`--help`, a
    /// usage or start-up error): its exit status and output. Throws if it is still running after 20 s.
    public static func runToExit(_ name: String, _ arguments: [String]) throws -> Pspctl.Result {
        try RunningProcess(arguments, executable: executable(name)).waitForExit(seconds: 20)
    }

    /// Runs service binary `name` until it says it listens, then stops it with SIGTERM: its whole log
    /// (stderr), which must end with exit status 0 (else the test fails).
    public static func logOfAShortRun(_ name: String, _ arguments: [String],
                                      file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let run = try RunningProcess(arguments, executable: executable(name))
        try run.wait(seconds: 20, for: "the listening line") { run.stderr.contains("msg=\"listening on ") }
        let result = run.stop()
        XCTAssertEqual(result.status, 0, result.stderr, file: file, line: line)
        return result.stderr
    }

    /// `standardOutput`: where its stdout goes (a file, for a service that writes alerts there); by default
    /// nowhere.
    public init(_ name: String, arguments: [String] = [], listen: String = "127.0.0.1:0",
                standardOutput: FileHandle? = nil) throws {
        process.executableURL = Self.executable(name)
        process.arguments = ["--listen", listen] + arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = standardOutput ?? FileHandle.nullDevice
        try process.run()
        let reader = errors.fileHandleForReading
        DispatchQueue.global().async { [self] in
            var announced = false
            while true {
                let data = reader.availableData
                if data.isEmpty { break }
                let text = lock.withLock { () -> String in
                    log += String(decoding: data, as: UTF8.self)
                    return log
                }
                if !announced, let (address, port) = Self.address(in: text) {
                    announced = true
                    self.address = address
                    self.port = port
                    sawPort.signal()
                }
            }
            drained.signal()
        }
        guard sawPort.wait(timeout: .now() + 20) == .success else {
            stop()
            throw StartFailure(executable: name, log: logText)
        }
    }

    /// Everything it logged so far.
    public var logText: String { lock.withLock { log } }

    static func address(in log: String) -> (String, Int)? {
        guard let range = log.range(of: #"listening on [^ "]+:[0-9]+"#, options: .regularExpression) else { return nil }
        let address = String(log[range].dropFirst("listening on ".count))
        return Int(address.split(separator: ":").last!).map { (address, $0) }
    }

    /// Sends SIGTERM and waits up to `timeout` seconds; returns the exit status and the seconds it took
    /// (nil when it had to be killed).
    @discardableResult
    public func terminate(timeout: Double = 10) -> (status: Int32, seconds: Double)? {
        guard process.isRunning else { return (process.terminationStatus, 0) }
        let start = Date()
        process.terminate()
        while process.isRunning, Date().timeIntervalSince(start) < timeout { usleep(10_000) }
        guard !process.isRunning else {
            Foundation.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return nil
        }
        process.waitUntilExit()
        _ = drained.wait(timeout: .now() + 5)
        return (process.terminationStatus, Date().timeIntervalSince(start))
    }

    /// SIGTERM, then what is wrong with how it stopped (nil when it exited 0 within `seconds`, having
    /// logged ServiceRuntime's shutdown and `stopped`).
    public func problemStoppingOnSIGTERM(within seconds: Double = 3) -> String? {
        guard let outcome = terminate(timeout: 10) else { return "it had to be killed; log: \(logText)" }
        if outcome.status != 0 { return "exit status \(outcome.status); log: \(logText)" }
        if outcome.seconds >= seconds { return "it took \(outcome.seconds) s; log: \(logText)" }
        for line in ["msg=\"received SIGTERM, shutting down\"", "msg=stopped"] where !logText.contains(line) {
            return "no \(line) in the log: \(logText)"
        }
        return nil
    }

    /// SIGKILL, as a crash would end it.
    public func kill() {
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    public func stop() {
        if process.isRunning { terminate(timeout: 5) }
    }
}
