import Foundation
import TestSupport
import XCTest

/// The real `ConverterService` binary on a loopback port it picks (`--listen 127.0.0.1:0`); the port is
/// read from its `listening on 127.0.0.1:PORT` log line. `stop()` (call it in tearDown) always ends it.
final class ConverterServiceProcess: @unchecked Sendable {
    let process = Process()
    private(set) var port = 0
    var address: String { "127.0.0.1:\(port)" }

    // Invariant: `log` is touched under `lock` only.
    private let lock = NSLock()
    private var log = ""
    private let sawPort = DispatchSemaphore(value: 0)
    private let drained = DispatchSemaphore(value: 0)

    static var executable: URL { Pspctl.productsDirectory.appendingPathComponent("ConverterService") }

    init(arguments: [String] = []) throws {
        process.executableURL = Self.executable
        process.arguments = ["--listen", "127.0.0.1:0"] + arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
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
                if !announced, let port = Self.port(in: text) {
                    announced = true
                    self.port = port
                    sawPort.signal()
                }
            }
            drained.signal()
        }
        guard sawPort.wait(timeout: .now() + 20) == .success else {
            stop()
            throw XCTSkip("ConverterService did not announce its port; log: \(logText)")
        }
    }

    var logText: String { lock.withLock { log } }

    static func port(in log: String) -> Int? {
        guard let range = log.range(of: #"listening on 127\.0\.0\.1:[0-9]+"#, options: .regularExpression) else { return nil }
        return Int(log[range].split(separator: ":").last!)
    }

    /// Sends SIGTERM and waits up to `timeout` seconds; returns the exit status and the seconds it took
    /// (nil when it had to be killed).
    @discardableResult
    func terminate(timeout: Double = 10) -> (status: Int32, seconds: Double)? {
        guard process.isRunning else { return (process.terminationStatus, 0) }
        let start = Date()
        process.terminate()
        while process.isRunning, Date().timeIntervalSince(start) < timeout { usleep(10_000) }
        guard !process.isRunning else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return nil
        }
        process.waitUntilExit()
        _ = drained.wait(timeout: .now() + 5)
        return (process.terminationStatus, Date().timeIntervalSince(start))
    }

    func stop() {
        if process.isRunning { terminate(timeout: 5) }
    }
}
