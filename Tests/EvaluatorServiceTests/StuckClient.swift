import Foundation
import TestSupport
import XCTest

/// `python/stuck_client.py`: a grpcio client that opens an Evaluate stream, sends batches and stops
/// reading the answers, so the stream's handler blocks on its send window (start the service with
/// `--stream-window 1`) and holds a drain for the whole `--shutdown-grace`.
final class StuckClient {
    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()

    /// Starts it against the evaluator on `port` with the rules file `rules`, and returns once it says it
    /// is stuck (its whole stdout up to then is checked to be "stuck\n").
    init(python: URL, port: Int, rules: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("python/stuck_client.py")
        process.executableURL = python
        process.arguments = [script.path, Pspctl.packageRoot.appendingPathComponent("protos").path, String(port), rules]
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var text = ""
        while !text.contains("stuck\n") {
            let data = output.fileHandleForReading.availableData
            if data.isEmpty { break }
            text += String(decoding: data, as: UTF8.self)
        }
        XCTAssertEqual(text, "stuck\n", file: file, line: line)
    }

    /// Lets it read its answers to the end of the stream; returns what it printed then (its JSON report
    /// of the stream's end).
    func release() -> String {
        try? input.fileHandleForWriting.write(contentsOf: Data("read\n".utf8))
        try? input.fileHandleForWriting.close()
        let rest = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return rest
    }

    /// Ends it however far it got, and waits for it.
    func stop() {
        try? input.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }
}
