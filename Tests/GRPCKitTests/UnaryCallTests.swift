import GRPCKit
import XCTest

final class UnaryCallTests: XCTestCase {
    private var server: Server!
    private var channel: Channel!
    private let observations = EchoObservations()

    override func setUp() async throws {
        server = try EchoService.makeServer(ServerOptions(maxReceiveMessageBytes: 64 * 1024), observations: observations)
        XCTAssertGreaterThan(server.port, 0)
        channel = try Channel(target: "127.0.0.1:\(server.port)")
    }

    override func tearDown() async throws {
        channel?.close()
        await server?.shutdown(grace: .seconds(1))
        channel = nil
        server = nil
    }

    func testUnaryEchoesBytes() async throws {
        let payload: [UInt8] = [0, 1, 2, 255, 0, 7]
        let reply = try await channel.unary("/test.Echo/Unary", request: payload, timeout: .seconds(5))
        XCTAssertEqual(reply, payload)
        let empty = try await channel.unary("/test.Echo/Unary", request: [], timeout: .seconds(5))
        XCTAssertEqual(empty, [])
    }

    func testUnknownMethodIsUnimplemented() async {
        await XCTAssertRPCError(.unimplemented) {
            _ = try await self.channel.unary("/test.Echo/Nope", request: [1], timeout: .seconds(5))
        }
    }

    func testHandlerErrorCodeAndMessageReachTheClient() async {
        let metadata: Metadata = ["x-code": "5", "x-message": "rule set abc not found"]
        let error = await XCTAssertRPCError(.notFound) {
            _ = try await self.channel.unary("/test.Echo/Fail", request: [], metadata: metadata, timeout: .seconds(5))
        }
        XCTAssertEqual(error?.message, "rule set abc not found")
    }

    func testDeadlineExceeded() async {
        let start = ContinuousClock.now
        await XCTAssertRPCError(.deadlineExceeded) {
            _ = try await self.channel.unary("/test.Echo/Slow", request: [1], timeout: .milliseconds(200))
        }
        XCTAssertLessThan(ContinuousClock.now - start, .seconds(3))
        let handlerEnded = await eventually { self.observations.slowEnded.current == 1 }
        XCTAssertTrue(handlerEnded, "the handler was not cancelled at the deadline")
        // The server is still serving.
        let reply = try? await channel.unary("/test.Echo/Unary", request: [9], timeout: .seconds(5))
        XCTAssertEqual(reply, [9])
    }

    func testOversizeMessageIsResourceExhausted() async throws {
        await XCTAssertRPCError(.resourceExhausted) {
            _ = try await self.channel.unary("/test.Echo/Unary", request: [UInt8](repeating: 1, count: 100_000),
                                             timeout: .seconds(5))
        }
        let limited = try Channel(target: "127.0.0.1:\(server.port)", options: ChannelOptions(maxSendMessageBytes: 10))
        defer { limited.close() }
        await XCTAssertRPCError(.resourceExhausted) {
            _ = try await limited.unary("/test.Echo/Unary", request: [UInt8](repeating: 1, count: 11), timeout: .seconds(5))
        }
    }

    func testMetadataRoundTrip() async throws {
        var metadata: Metadata = ["x-request-id": "abc-123"]
        metadata.append("x-blob-bin", bytes: [0, 255, 10, 13])
        let response = try await channel.unaryCall("/test.Echo/Metadata", request: [1], metadata: metadata,
                                                   timeout: .seconds(5))
        XCTAssertEqual(response.message, [1])
        XCTAssertEqual(response.trailingMetadata["x-request-id"], "abc-123")
        XCTAssertEqual(response.trailingMetadata.bytes("x-blob-bin"), [0, 255, 10, 13])
        XCTAssertEqual(response.trailingMetadata["x-has-deadline"], "yes")
        XCTAssertTrue(response.trailingMetadata["x-peer"]?.contains("127.0.0.1") ?? false,
                      "\(String(describing: response.trailingMetadata["x-peer"]))")
    }

    func testCancellingTheCallingTaskCancelsTheCall() async {
        let channel = self.channel!
        let task = Task { try await channel.unary("/test.Echo/Slow", request: [1], timeout: .seconds(30)) }
        try? await Task.sleep(for: .milliseconds(100))
        task.cancel()
        do {
            _ = try await task.value
            XCTFail("the call succeeded")
        } catch {
            XCTAssertEqual((error as? RPCError)?.code, .cancelled)
        }
        let handlerEnded = await eventually { self.observations.slowEnded.current == 1 }
        XCTAssertTrue(handlerEnded, "the handler was not cancelled with its call")
    }

    func testShutdownOfAServerNeverStartedReturns() async throws {
        let idle = try Server()
        XCTAssertGreaterThan(idle.port, 0)
        let start = ContinuousClock.now
        await idle.shutdown(grace: .seconds(5))
        XCTAssertLessThan(ContinuousClock.now - start, .seconds(2))
        XCTAssertThrowsError(try idle.start())
    }

    func testPortInUseIsAnError() async throws {
        XCTAssertThrowsError(try Server(options: ServerOptions(listen: "127.0.0.1:\(server.port)"))) { error in
            XCTAssertEqual((error as? RPCError)?.code, .unavailable)
        }
    }
}

/// Runs `body`, expecting it to throw an RPCError with `code`; returns that error.
@discardableResult
func XCTAssertRPCError(_ code: StatusCode, file: StaticString = #filePath, line: UInt = #line,
                       _ body: () async throws -> Void) async -> RPCError? {
    do {
        try await body()
        XCTFail("expected \(code), got success", file: file, line: line)
        return nil
    } catch let error as RPCError {
        XCTAssertEqual(error.code, code, "\(error)", file: file, line: line)
        return error
    } catch {
        XCTFail("expected RPCError, got \(error)", file: file, line: line)
        return nil
    }
}
