import GRPCKit
import XCTest

final class StreamingCallTests: XCTestCase {
    private var server: Server!
    private var channel: Channel!
    private let observations = EchoObservations()

    override func setUp() async throws {
        server = try EchoService.makeServer(ServerOptions(sendQueueCapacity: 4), observations: observations)
        channel = try Channel(target: "127.0.0.1:\(server.port)")
    }

    override func tearDown() async throws {
        channel?.close()
        await server?.shutdown(grace: .seconds(1))
        channel = nil
        server = nil
    }

    func testBidirectionalEchoKeepsOrder() async throws {
        let stream = try channel.makeBidirectionalStream("/test.Echo/Stream", timeout: .seconds(20))
        let count = 1000
        let sender = Task {
            for i in 0..<count { try await stream.send(EchoService.bytes("message \(i)")) }
            stream.closeSend()
        }
        var received: [String] = []
        while let message = try await stream.receive() { received.append(String(decoding: message, as: UTF8.self)) }
        try await sender.value
        XCTAssertEqual(received, (0..<count).map { "message \($0)" })
        let status = await stream.status()
        XCTAssertEqual(status.code, .ok)
    }

    func testSlowReaderHoldsBackTheServersSends() async throws {
        // 400 responses of 64 KiB (25 MiB) to a reader taking one every few milliseconds: the
        // handler's sends must wait for the reader instead of queueing everything.
        let count = 400, size = 64 * 1024
        let stream = try channel.makeBidirectionalStream("/test.Echo/Flood", timeout: .seconds(60))
        try await stream.send(EchoService.bytes("\(count) \(size)"))
        stream.closeSend()
        var received = 0
        var widestGap = 0
        while let message = try await stream.receive() {
            XCTAssertEqual(message.count, size)
            XCTAssertEqual(message[0], UInt8(received % 256))
            received += 1
            widestGap = max(widestGap, observations.floodSent.current - received)
            if received == 20 {
                // Pause: the server must stall, not run ahead to the end.
                try await Task.sleep(for: .milliseconds(500))
                let sentDuringPause = observations.floodSent.current
                XCTAssertLessThan(sentDuringPause, count / 2, "the handler ran ahead of a paused reader")
            } else if received < 100 {
                try await Task.sleep(for: .milliseconds(2))
            }
        }
        XCTAssertEqual(received, count)
        XCTAssertEqual(observations.floodSent.current, count)
        // Queue (4) + HTTP/2 flow-control windows and socket buffers, in 64 KiB messages.
        XCTAssertLessThan(widestGap, count / 2, "sent-but-not-received grew to \(widestGap)")
        print("slow reader: at most \(widestGap) responses were sent but not yet received")
    }

    func testSlowServerHoldsBackTheClientsSends() async throws {
        // 300 requests of 64 KiB to a handler reading one every 2 ms: the client's sends must wait.
        let count = 300, size = 64 * 1024
        let stream = try channel.makeBidirectionalStream("/test.Echo/Sink", timeout: .seconds(60))
        var widestGap = 0
        for i in 0..<count {
            try await stream.send([UInt8](repeating: UInt8(i % 256), count: size))
            widestGap = max(widestGap, i + 1 - observations.sinkReceived.current)
        }
        stream.closeSend()
        let answer = try await stream.receive()
        XCTAssertEqual(answer.map { String(decoding: $0, as: UTF8.self) }, String(count))
        XCTAssertLessThan(widestGap, count / 2, "sent-but-not-read grew to \(widestGap)")
        print("slow server: at most \(widestGap) requests were sent but not yet read")
    }

    func testClientCancelMidStreamLeavesTheServerServing() async throws {
        let stream = try channel.makeBidirectionalStream("/test.Echo/Hang", timeout: .seconds(20))
        try await stream.send([1])
        let first = try await stream.receive()
        XCTAssertEqual(first, [1])
        stream.cancel()
        await XCTAssertRPCError(.cancelled) { _ = try await stream.receive() }
        let sawCancel = await eventually { self.observations.hangCancelled == 1 }
        XCTAssertTrue(sawCancel, "the handler did not see the cancellation")
        let reply = try await channel.unary("/test.Echo/Unary", request: [4, 2], timeout: .seconds(5))
        XCTAssertEqual(reply, [4, 2])
    }

    func testDroppingAStreamCancelsIt() async throws {
        do {
            let stream = try channel.makeBidirectionalStream("/test.Echo/Hang", timeout: .seconds(20))
            try await stream.send([1])
            _ = try await stream.receive()
        }
        let sawCancel = await eventually { self.observations.hangCancelled == 1 }
        XCTAssertTrue(sawCancel)
    }

    func testSixteenConcurrentStreamsEachGetTheirOwnResponses() async throws {
        let channel = self.channel!
        try await withThrowingTaskGroup(of: (Int, [String]).self) { group in
            for id in 0..<16 {
                group.addTask {
                    let stream = try channel.makeBidirectionalStream("/test.Echo/Stream", timeout: .seconds(30))
                    let sender = Task {
                        for i in 0..<200 { try await stream.send(EchoService.bytes("\(id):\(i)")) }
                        stream.closeSend()
                    }
                    var received: [String] = []
                    while let message = try await stream.receive() {
                        received.append(String(decoding: message, as: UTF8.self))
                    }
                    try await sender.value
                    return (id, received)
                }
            }
            var seen = Set<Int>()
            for try await (id, received) in group {
                seen.insert(id)
                XCTAssertEqual(received, (0..<200).map { "\(id):\($0)" }, "stream \(id)")
            }
            XCTAssertEqual(seen.count, 16)
        }
    }

    func testStreamDeadlineExceeded() async throws {
        let stream = try channel.makeBidirectionalStream("/test.Echo/Hang", timeout: .milliseconds(200))
        await XCTAssertRPCError(.deadlineExceeded) { _ = try await stream.receive() }
        let sawCancel = await eventually { self.observations.hangCancelled == 1 }
        XCTAssertTrue(sawCancel)
    }

    func testHandlerErrorEndsTheStreamWithItsStatus() async throws {
        let stream = try channel.makeBidirectionalStream("/test.Echo/Flood", timeout: .seconds(5))
        try await stream.send(EchoService.bytes("not a count"))
        let error = await XCTAssertRPCError(.invalidArgument) { _ = try await stream.receive() }
        XCTAssertEqual(error?.message, "want \"N SIZE\"")
        await XCTAssertRPCError(.invalidArgument) { try await stream.send([1]) }
    }

    func testUnknownStreamMethodIsUnimplemented() async throws {
        let stream = try channel.makeBidirectionalStream("/test.Nope/Stream", timeout: .seconds(5))
        try? await stream.send([1])
        await XCTAssertRPCError(.unimplemented) { _ = try await stream.receive() }
    }

    func testClosingTheChannelEndsItsStreams() async throws {
        let stream = try channel.makeBidirectionalStream("/test.Echo/Hang", timeout: .seconds(30))
        try await stream.send([5])
        let echoed = try await stream.receive()
        XCTAssertEqual(echoed, [5])
        channel.close()
        await XCTAssertRPCError(.cancelled) { _ = try await stream.receive() }
        await XCTAssertRPCError(.cancelled) { _ = try await stream.receive() }
        await XCTAssertRPCError(.cancelled) { try await stream.send([6]) }
        await XCTAssertRPCError(.unavailable) { _ = try self.channel.makeBidirectionalStream("/test.Echo/Hang") }
    }

    func testShutdownWithAStreamInFlightEndsIt() async throws {
        let stream = try channel.makeBidirectionalStream("/test.Echo/Hang", timeout: .seconds(30))
        try await stream.send([7])
        let echoed = try await stream.receive()
        XCTAssertEqual(echoed, [7])
        let start = ContinuousClock.now
        // The handler waits for a request: draining ends its wait at once with UNAVAILABLE, which
        // ends the call (well before the grace; ServerDrainTests covers the other cases).
        let report = await server.shutdown(grace: .seconds(3))
        XCTAssertLessThan(ContinuousClock.now - start, .seconds(2))
        XCTAssertEqual(report, ShutdownReport(callsInFlight: 1, callsCancelled: 0))
        let error = await XCTAssertRPCError(.unavailable) { _ = try await stream.receive() }
        XCTAssertEqual(error?.message, "the server is shutting down")
        server = nil
    }
}
