import Foundation
import GRPCKit
import XCTest

/// Interop with an independent implementation: Python grpcio as client of our server, and as the
/// server of our client. Skipped only where grpcio is not importable (scripts/install-deps.sh installs it).
final class InteropTests: XCTestCase {
    private static let scripts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("python")

    private func python() throws -> URL {
        let candidates = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":")
            .map { URL(fileURLWithPath: String($0)).appendingPathComponent("python3") }
        guard let python = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw XCTSkip("python3 is not installed")
        }
        let probe = Process()
        probe.executableURL = python
        probe.arguments = ["-c", "import grpc"]
        probe.standardError = FileHandle.nullDevice
        try probe.run()
        probe.waitUntilExit()
        if probe.terminationStatus != 0 { throw XCTSkip("Python grpcio is not importable (scripts/install-deps.sh installs it)") }
        return python
    }

    func testPythonClientAgainstSwiftServer() async throws {
        let python = try python()
        let server = try EchoService.makeServer()
        let client = Process()
        client.executableURL = python
        client.arguments = [Self.scripts.appendingPathComponent("echo_client.py").path, String(server.port)]
        let output = Pipe()
        client.standardOutput = output
        client.standardError = output
        try client.run()
        let text = await Task.detached { String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self) }.value
        client.waitUntilExit()
        XCTAssertEqual(client.terminationStatus, 0, text)
        XCTAssertTrue(text.hasSuffix("ok\n"), text)
        await server.shutdown(grace: .seconds(1))
    }

    func testSwiftClientAgainstPythonServer() async throws {
        let python = try python()
        let serverProcess = Process()
        serverProcess.executableURL = python
        serverProcess.arguments = [Self.scripts.appendingPathComponent("echo_server.py").path]
        let stdin = Pipe(), stdout = Pipe()
        serverProcess.standardInput = stdin
        serverProcess.standardOutput = stdout
        try serverProcess.run()
        defer {
            try? stdin.fileHandleForWriting.close()
            serverProcess.waitUntilExit()
        }
        let portLine = await Task.detached { () -> String in
            var line = Data()
            while let byte = try? stdout.fileHandleForReading.read(upToCount: 1), let first = byte.first, first != 10 {
                line.append(first)
            }
            return String(decoding: line, as: UTF8.self)
        }.value
        let port = try XCTUnwrap(Int(portLine), "the Python server printed \"\(portLine)\"")

        let channel = try Channel(target: "127.0.0.1:\(port)")
        defer { channel.close() }
        let response = try await channel.unaryCall("/test.Echo/Unary", request: [0, 1, 2, 255],
                                                   metadata: ["x-request-id": "swift-1"], timeout: .seconds(10))
        XCTAssertEqual(response.message, [0, 1, 2, 255])
        XCTAssertEqual(response.trailingMetadata["x-request-id"], "swift-1")

        let error = await XCTAssertRPCError(.notFound) {
            _ = try await channel.unary("/test.Echo/Fail", request: [], timeout: .seconds(10))
        }
        XCTAssertEqual(error?.message, "nothing here")
        await XCTAssertRPCError(.unimplemented) {
            _ = try await channel.unary("/test.Nope/Nope", request: [], timeout: .seconds(10))
        }

        // grpcio sends its headers only with the first response: the stream must not wait for them.
        let stream = try channel.makeBidirectionalStream("/test.Echo/Stream", timeout: .seconds(20))
        var received: [[UInt8]] = []
        for i in 0..<200 {
            try await stream.send(Array("message \(i)".utf8))
            if let message = try await stream.receive() { received.append(message) }
        }
        stream.closeSend()
        while let message = try await stream.receive() { received.append(message) }
        XCTAssertEqual(received.map { String(decoding: $0, as: UTF8.self) }, (0..<200).map { "message \($0)" })
        let status = await stream.status()
        XCTAssertEqual(status.code, .ok)
    }
}
