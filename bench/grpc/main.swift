// Round-trip throughput of GRPCKit on loopback (built with GRPCKit's sources by bench/grpc-roundtrip.sh).
// Prints messages/s for bidirectional echo streams (with and without read-ahead) and unary calls/s.

let arguments = CommandLine.arguments
let messages = arguments.count > 1 ? Int(arguments[1]) ?? 100_000 : 100_000

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

func echoServer(prefetch: Int) throws -> Server {
    let server = try Server(options: ServerOptions(sendQueueCapacity: 32, receivePrefetch: prefetch))
    server.register(bidirectionalStream: "/bench.Echo/Stream") { stream, _ throws(RPCError) in
        while let message = try await stream.receive() { try await stream.send(message) }
    }
    server.register(unary: "/bench.Echo/Unary") { request, _ in request }
    try server.start()
    return server
}

/// `streams` concurrent echo streams sharing `total` messages of `size` bytes; messages per second.
func streamRoundTrips(prefetch: Int, streams: Int, total: Int, size: Int) async throws -> Double {
    let server = try echoServer(prefetch: prefetch)
    let channel = try Channel(target: "127.0.0.1:\(server.port)",
                              options: ChannelOptions(sendQueueCapacity: 32, receivePrefetch: prefetch))
    let perStream = total / streams
    let payload = [UInt8](repeating: 7, count: size)
    let start = ContinuousClock.now
    try await withThrowingTaskGroup(of: Int.self) { group in
        for _ in 0..<streams {
            group.addTask {
                let stream = try channel.makeBidirectionalStream("/bench.Echo/Stream")
                let sender = Task {
                    for _ in 0..<perStream { try await stream.send(payload) }
                    stream.closeSend()
                }
                var received = 0
                while try await stream.receive() != nil { received += 1 }
                try await sender.value
                return received
            }
        }
        var received = 0
        for try await count in group { received += count }
        precondition(received == perStream * streams, "lost messages: \(received)")
    }
    let rate = Double(perStream * streams) / seconds(ContinuousClock.now - start)
    channel.close()
    await server.shutdown(grace: .seconds(1))
    return rate
}

func unaryCalls(total: Int) async throws -> Double {
    let server = try echoServer(prefetch: 0)
    let channel = try Channel(target: "127.0.0.1:\(server.port)")
    let start = ContinuousClock.now
    for _ in 0..<total { _ = try await channel.unary("/bench.Echo/Unary", request: [1, 2, 3]) }
    let rate = Double(total) / seconds(ContinuousClock.now - start)
    channel.close()
    await server.shutdown(grace: .seconds(1))
    return rate
}

func report(_ label: String, _ rate: Double, unit: String = "msgs/s") {
    print(label + String(repeating: " ", count: max(1, 44 - label.count)), String(Int(rate)), unit)
}

@main
struct GRPCBench {
    static func main() async throws {
        print("GRPCKit round trips on loopback, \(messages) messages of 64 bytes")
        report("1 stream, read on demand (prefetch 0)", try await streamRoundTrips(prefetch: 0, streams: 1, total: messages, size: 64))
        report("1 stream, prefetch 32", try await streamRoundTrips(prefetch: 32, streams: 1, total: messages, size: 64))
        report("8 streams, read on demand (prefetch 0)", try await streamRoundTrips(prefetch: 0, streams: 8, total: messages, size: 64))
        report("8 streams, prefetch 32", try await streamRoundTrips(prefetch: 32, streams: 8, total: messages, size: 64))
        report("1 stream, prefetch 32, 16 KiB messages", try await streamRoundTrips(prefetch: 32, streams: 1, total: messages / 10, size: 16 * 1024))
        report("unary calls, one after another", try await unaryCalls(total: messages / 10), unit: "calls/s")
    }
}
