import GRPCKit
import XCTest

/// `ChannelOptions.loadBalancing` over a target that resolves to two servers (the core's `ipv4:` list),
/// and the peers calls report.
final class LoadBalancingTests: XCTestCase {
    private var servers: [Server] = []
    private var channel: Channel?

    override func setUp() async throws {
        servers = try (0..<2).map { _ in try EchoService.makeServer(observations: EchoObservations()) }
    }

    override func tearDown() async throws {
        channel?.close()
        for server in servers { await server.shutdown(grace: .seconds(1)) }
        servers = []
    }

    private var target: String { "ipv4:" + servers.map { "127.0.0.1:\($0.port)" }.joined(separator: ",") }
    private var addresses: Set<String> { Set(servers.map { "ipv4:127.0.0.1:\($0.port)" }) }

    private func peers(of channel: Channel, calls: Int) async throws -> [String] {
        var peers: [String] = []
        for i in 0..<calls {
            let response = try await channel.unaryCall("/test.Echo/Unary", request: [UInt8(i)], timeout: .seconds(10))
            XCTAssertEqual(response.message, [UInt8(i)])
            peers.append(response.peer)
        }
        return peers
    }

    func testRoundRobinSendsEachNewCallToTheNextServer() async throws {
        let channel = try Channel(target: target, options: ChannelOptions(loadBalancing: .roundRobin))
        self.channel = channel
        // The first call connects to both; once both are READY (both answered), calls alternate strictly.
        var seen: Set<String> = []
        for _ in 0..<100 where seen.count < 2 { seen.formUnion(try await peers(of: channel, calls: 1)) }
        XCTAssertEqual(seen, addresses)
        let peers = try await peers(of: channel, calls: 10)
        XCTAssertEqual(Set(peers), addresses, "\(peers)")
        for (a, b) in zip(peers, peers.dropFirst()) { XCTAssertNotEqual(a, b, "\(peers)") }
    }

    func testPickFirstKeepsToOneServer() async throws {
        let channel = try Channel(target: target, options: ChannelOptions(loadBalancing: .pickFirst))
        self.channel = channel
        let peers = try await peers(of: channel, calls: 6)
        XCTAssertEqual(Set(peers).count, 1, "\(peers)")
        XCTAssertTrue(addresses.contains(peers[0]), "\(peers)")
    }

    func testAStreamsPeerIsItsServerOnceItAnswered() async throws {
        let channel = try Channel(target: target, options: ChannelOptions(loadBalancing: .roundRobin))
        self.channel = channel
        let stream = try channel.makeBidirectionalStream("/test.Echo/Stream", timeout: .seconds(10))
        try await stream.send([1, 2, 3])
        let echoed = try await stream.receive()
        XCTAssertEqual(echoed, [1, 2, 3])
        XCTAssertTrue(addresses.contains(stream.peer), stream.peer)
        stream.closeSend()
        while try await stream.receive() != nil {}
    }
}
