import Foundation
import GRPCKit

/// A value several tasks update (tests only).
final class Shared<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    var current: Value { lock.withLock { value } }
    func update<T>(_ body: (inout Value) -> T) -> T { lock.withLock { body(&value) } }
}

/// What the handlers of `EchoService` observed.
final class EchoObservations: Sendable {
    /// Flood: responses the handler's `send` accepted so far.
    let floodSent = Shared(0)
    /// Sink: requests its handler has read.
    let sinkReceived = Shared(0)
    /// Slow: handlers that started and that returned.
    let slowStarted = Shared(0)
    let slowEnded = Shared(0)
    /// Hang: handlers that saw their call cancelled.
    let hangCancelledCount = Shared(0)
    var hangCancelled: Int { hangCancelledCount.current }
}

/// The test service, under "/test.Echo/…".
enum EchoService {
    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    static func makeServer(_ options: ServerOptions = ServerOptions(),
                           observations: EchoObservations = EchoObservations()) throws -> Server {
        let server = try Server(options: options)
        // Echo; "fail" answers with the status named by the request metadata.
        server.register(unary: "/test.Echo/Unary") { request, _ in request }
        server.register(unary: "/test.Echo/Fail") { _, context throws(RPCError) in
            let code = Int32(context.requestMetadata["x-code"] ?? "") ?? 2
            throw RPCError(StatusCode(rawValue: code) ?? .unknown, context.requestMetadata["x-message"] ?? "")
        }
        // Sleeps until its deadline cancels it.
        server.register(unary: "/test.Echo/Slow") { request, context throws(RPCError) in
            observations.slowStarted.update { $0 += 1 }
            defer { observations.slowEnded.update { $0 += 1 } }
            do { try await Task.sleep(for: .seconds(10)) } catch { throw RPCError(.cancelled) }
            return request
        }
        // Request metadata back as trailing metadata, with the peer and the deadline.
        server.register(unary: "/test.Echo/Metadata") { request, context in
            var trailing = context.requestMetadata
            trailing.entries.removeAll { !$0.key.hasPrefix("x-") }
            trailing.append("x-peer", context.peer)
            trailing.append("x-has-deadline", context.deadline == nil ? "no" : "yes")
            context.setTrailingMetadata(trailing)
            return request
        }
        server.register(bidirectionalStream: "/test.Echo/Stream") { stream, _ throws(RPCError) in
            while let message = try await stream.receive() { try await stream.send(message) }
        }
        // One request "N SIZE": N responses of SIZE bytes, counted as `send` accepts them.
        server.register(bidirectionalStream: "/test.Echo/Flood") { stream, _ throws(RPCError) in
            guard let request = try await stream.receive() else { return }
            let words = String(decoding: request, as: UTF8.self).split(separator: " ").compactMap { Int($0) }
            guard words.count == 2 else { throw RPCError(.invalidArgument, "want \"N SIZE\"") }
            for i in 0..<words[0] {
                var message = [UInt8](repeating: UInt8(i % 251), count: words[1])
                message[0] = UInt8(i % 256)
                try await stream.send(message)
                observations.floodSent.update { $0 += 1 }
            }
        }
        // A slow reader: one request every 2 ms, answered with their count at the end.
        server.register(bidirectionalStream: "/test.Echo/Sink") { stream, _ throws(RPCError) in
            var count = 0
            while try await stream.receive() != nil {
                count += 1
                observations.sinkReceived.update { $0 += 1 }
                do { try await Task.sleep(for: .milliseconds(2)) } catch { throw RPCError(.cancelled) }
            }
            try await stream.send(Array(String(count).utf8))
        }
        // Reads until the call ends, then records whether it was cancelled.
        server.register(bidirectionalStream: "/test.Echo/Hang") { stream, context throws(RPCError) in
            defer {
                // A cancelled call's `receive` may end with nil or throw; the context knows which it
                // was once the call's end arrived. (Watched from a detached task: keeping the context
                // in `observations` would be a cycle through the server's handlers.)
                Task.detached {
                    for _ in 0..<200 where !context.isCancelled { try? await Task.sleep(for: .milliseconds(10)) }
                    if context.isCancelled { observations.hangCancelledCount.update { $0 += 1 } }
                }
            }
            while let message = try await stream.receive() { try await stream.send(message) }
        }
        try server.start()
        return server
    }
}

/// Polls `condition` for up to `timeout`.
func eventually(_ timeout: Duration = .seconds(5), _ condition: () -> Bool) async -> Bool {
    let end = ContinuousClock.now + timeout
    while ContinuousClock.now < end {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return condition()
}
