import Foundation
import GRPCKit
import XCTest

/// The server's admission check (`maxConcurrentCalls`, `alwaysAdmittedMethods`) and its draining
/// shutdown, with GRPCKit clients on loopback.
final class ServerDrainTests: XCTestCase {

    /// EchoService plus "/test.Drain/Slow": each request answered after `delay`, in order.
    private func makeServer(_ options: ServerOptions, delay: Duration = .milliseconds(100)) throws -> Server {
        let server = try Server(options: options)
        server.register(unary: "/test.Echo/Unary") { request, _ in request }
        server.register(bidirectionalStream: "/test.Echo/Hang") { stream, _ throws(RPCError) in
            while let message = try await stream.receive() { try await stream.send(message) }
        }
        server.register(bidirectionalStream: "/test.Echo/Flood") { stream, _ throws(RPCError) in
            guard let request = try await stream.receive() else { return }
            let count = Int(String(decoding: request, as: UTF8.self)) ?? 0
            for i in 0..<count { try await stream.send([UInt8](repeating: UInt8(i % 251), count: 65_536)) }
        }
        server.register(bidirectionalStream: "/test.Drain/Slow") { stream, _ throws(RPCError) in
            while let message = try await stream.receive() {
                do { try await Task.sleep(for: delay) } catch { throw RPCError(.cancelled) }
                try await stream.send(message)
            }
        }
        try server.start()
        return server
    }

    func testADrainingStreamAnswersWhatItHadReadThenEndsWithUnavailable() async throws {
        let prefetch = 3
        let server = try makeServer(ServerOptions(sendQueueCapacity: 8, receivePrefetch: prefetch))
        let channel = try Channel(target: "127.0.0.1:\(server.port)")
        defer { channel.close() }
        let stream = try channel.makeBidirectionalStream("/test.Drain/Slow", timeout: .seconds(30))
        for i in 0..<20 { try await stream.send([UInt8(i)]) }
        let first = try await stream.receive()
        XCTAssertEqual(first, [0])
        let start = ContinuousClock.now
        let shutdown = Task { await server.shutdown(grace: .seconds(10)) }
        var answered: [[UInt8]] = [[0]]
        var end: RPCError?
        do {
            while let message = try await stream.receive() { answered.append(message) }
        } catch {
            end = error
        }
        let report = await shutdown.value
        XCTAssertEqual(end?.code, .unavailable, "\(String(describing: end))")
        XCTAssertEqual(end?.message, "the server is shutting down")
        // The answers are the requests in order, and no more than the handler had in hand or read
        // ahead when the shutdown began: the one it was answering, `prefetch` read ahead, and one
        // more whose read was under way.
        XCTAssertEqual(answered, (0..<answered.count).map { [UInt8($0)] })
        XCTAssertGreaterThanOrEqual(answered.count, 2)
        XCTAssertLessThanOrEqual(answered.count, 1 + 1 + prefetch + 1)
        XCTAssertLessThan(answered.count, 20)
        XCTAssertEqual(report, ShutdownReport(callsInFlight: 1, callsCancelled: 0))
        XCTAssertLessThan(ContinuousClock.now - start, .seconds(3), "the drain waited for the grace")
    }

    func testAStreamStillRunningAfterTheGraceIsCancelledWithUnavailable() async throws {
        let server = try makeServer(ServerOptions(sendQueueCapacity: 2))
        let channel = try Channel(target: "127.0.0.1:\(server.port)")
        defer { channel.close() }
        // 1,000 responses of 64 KiB to a client that reads none: the handler blocks in `send`.
        let stream = try channel.makeBidirectionalStream("/test.Echo/Flood", timeout: .seconds(30))
        try await stream.send(Array("1000".utf8))
        try await Task.sleep(for: .milliseconds(300))
        let start = ContinuousClock.now
        let report = await server.shutdown(grace: .milliseconds(500))
        let took = ContinuousClock.now - start
        XCTAssertEqual(report, ShutdownReport(callsInFlight: 1, callsCancelled: 1))
        XCTAssertGreaterThanOrEqual(took, .milliseconds(500))
        XCTAssertLessThan(took, .seconds(3))
        // The status reaches the client behind the responses it has not read yet.
        var end: RPCError?
        do { while try await stream.receive() != nil {} } catch { end = error }
        XCTAssertEqual(end?.code, .unavailable, "\(String(describing: end))")
        XCTAssertEqual(end?.message, "the server is shutting down")
    }

    func testWhileDrainingNewCallsAreRefusedButAlwaysAdmittedMethodsAnswer() async throws {
        let server = try makeServer(ServerOptions(sendQueueCapacity: 2, alwaysAdmittedMethods: ["/test.Echo/Unary"]))
        let channel = try Channel(target: "127.0.0.1:\(server.port)")
        defer { channel.close() }
        // A call that keeps the drain going until the grace ends.
        let stuck = try channel.makeBidirectionalStream("/test.Echo/Flood", timeout: .seconds(30))
        try await stuck.send(Array("1000".utf8))
        try await Task.sleep(for: .milliseconds(300))
        let shutdown = Task { await server.shutdown(grace: .seconds(2)) }
        try await Task.sleep(for: .milliseconds(300))
        let echoed = try await channel.unary("/test.Echo/Unary", request: [42], timeout: .seconds(5))
        XCTAssertEqual(echoed, [42])
        let refused = try channel.makeBidirectionalStream("/test.Echo/Hang", timeout: .seconds(5))
        try? await refused.send([1])
        let status = await refused.status()
        XCTAssertEqual(status.code, .unavailable, status.message)
        XCTAssertEqual(status.message, "the server is shutting down")
        let report = await shutdown.value
        XCTAssertEqual(report.callsCancelled, 1)
    }

    func testCallsBeyondTheLimitAreRefusedAtOnceWithResourceExhausted() async throws {
        let server = try makeServer(ServerOptions(maxConcurrentCalls: 2, alwaysAdmittedMethods: ["/test.Echo/Unary"]))
        defer { Task { await server.shutdown(grace: .seconds(1)) } }
        let channel = try Channel(target: "127.0.0.1:\(server.port)")
        defer { channel.close() }
        var open: [ClientStream] = []
        for i in 0..<2 {
            let stream = try channel.makeBidirectionalStream("/test.Echo/Hang", timeout: .seconds(30))
            try await stream.send([UInt8(i)])
            let echoed = try await stream.receive()
            XCTAssertEqual(echoed, [UInt8(i)])
            open.append(stream)
        }
        let start = ContinuousClock.now
        let third = try channel.makeBidirectionalStream("/test.Echo/Hang", timeout: .seconds(30))
        try? await third.send([9])
        let status = await third.status()
        XCTAssertEqual(status.code, .resourceExhausted, status.message)
        XCTAssertEqual(status.message, "the server is at its limit of 2 concurrent calls; try again later")
        XCTAssertLessThan(ContinuousClock.now - start, .seconds(2), "the refusal was not immediate")
        // A unary call counts too, unless its method is always admitted.
        let unaryError = await XCTAssertRPCError(.resourceExhausted) {
            _ = try await channel.unary("/test.Drain/Nope", request: [1], timeout: .seconds(5))
        }
        XCTAssertNotNil(unaryError)
        let echoed = try await channel.unary("/test.Echo/Unary", request: [7], timeout: .seconds(5))
        XCTAssertEqual(echoed, [7])
        // A slot frees once a call has ended.
        open[0].closeSend()
        let end = try await open[0].receive()
        XCTAssertNil(end)
        var admitted = false
        for _ in 0..<100 where !admitted {
            let next = try channel.makeBidirectionalStream("/test.Echo/Hang", timeout: .seconds(30))
            try? await next.send([5])
            if let message = try? await next.receive() {
                XCTAssertEqual(message, [5])
                admitted = true
                next.cancel()
            } else {
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        XCTAssertTrue(admitted, "no call was admitted after one ended")
        open[1].cancel()
    }
}
