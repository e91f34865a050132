import GRPCKit
import PspctlProtocol

/// Loads a rule set on every backend behind one channel, and says which backends those are.
///
/// The channel uses the gRPC core's `round_robin` policy over whatever its target resolves to
/// (`dns:///name:port` through the core's DNS resolver, `ipv4:a:p,b:p`, a plain `host:port`): each new
/// call goes to the next READY backend in turn, and a call's peer names the backend that served it.
/// So LoadRuleSet is called until a full turn of the rotation, twice over, brings no backend not seen
/// before; every backend seen has then loaded the set (a second load of a set is free: it is cached by
/// its content address). Nothing here resolves names or picks backends itself.
///
/// Rounds after the first are concurrent (as many calls as backends seen, plus one): consecutive picks
/// of the core's picker still rotate, and the backends compile the set at the same time.
public enum RuleSetPlacement {
    /// One LoadRuleSet call's outcome: the response or the error, the trailing metadata (a failed load
    /// carries the warnings of the files loaded before the failure there), and the backend that answered.
    public struct Attempt: Sendable {
        public var result: Result<PspctlV1.LoadRuleSetResponse, RPCError>
        public var trailers: Metadata
        public var peer: String
    }

    /// The first call's outcome, and every backend (its peer name) that loaded the set, in the order seen.
    public struct Placement: Sendable {
        public var first: Attempt
        public var backends: [String]
    }

    /// Calls beyond which the search stops (it would take more than 64 backends behind one target).
    static let maxCalls = 256

    public static func place(_ request: PspctlV1.LoadRuleSetRequest, on channel: Channel,
                             timeout: Duration = .seconds(120)) async -> Placement {
        let bytes = request.encoded()
        let first = await load(bytes, on: channel, timeout: timeout)
        guard case .success(let loaded) = first.result else { return Placement(first: first, backends: []) }
        var seen = [first.peer]
        var callsWithoutNew = 0
        var calls = 1
        while callsWithoutNew < 2 * seen.count && calls < maxCalls {
            let round = seen.count + 1
            calls += round
            let attempts = await withTaskGroup(of: Attempt.self) { group in
                for _ in 0..<round { group.addTask { await load(bytes, on: channel, timeout: timeout) } }
                return await group.reduce(into: [Attempt]()) { $0.append($1) }
            }
            var found = false
            for attempt in attempts {
                // Another answer than the first backend's (a backend restarted with other code): not used.
                guard case .success(let response) = attempt.result, response.id == loaded.id else { continue }
                if !seen.contains(attempt.peer) {
                    seen.append(attempt.peer)
                    found = true
                }
            }
            // A failed call (a backend going away, a connection refused) ends the search with what is known.
            if attempts.contains(where: { (try? $0.result.get()) == nil }) { break }
            callsWithoutNew = found ? 0 : callsWithoutNew + round
        }
        return Placement(first: first, backends: seen)
    }

    /// One LoadRuleSet, with the trailing metadata of a failed call and the peer that answered.
    static func load(_ request: [UInt8], on channel: Channel, timeout: Duration) async -> Attempt {
        let stream: ClientStream
        do {
            stream = try channel.makeBidirectionalStream(MethodPath.loadRuleSet, timeout: timeout)
        } catch {
            return Attempt(result: .failure(error), trailers: Metadata(), peer: "")
        }
        try? await stream.send(request)
        stream.closeSend()
        let message = try? await stream.receive()
        let status = await stream.status()
        let peer = stream.peer
        if let error = status.error { return Attempt(result: .failure(error), trailers: status.trailingMetadata, peer: peer) }
        guard let message, let response = try? PspctlV1.LoadRuleSetResponse(decoding: message) else {
            return Attempt(result: .failure(RPCError(.internalError, "the evaluator's LoadRuleSet answer cannot be decoded")),
                           trailers: status.trailingMetadata, peer: peer)
        }
        return Attempt(result: .success(response), trailers: status.trailingMetadata, peer: peer)
    }

    /// A peer as people write addresses: `127.0.0.1:50052`, `[::1]:50052` (the core's `ipv4:` / `ipv6:`
    /// scheme dropped).
    public static func address(ofPeer peer: String) -> String {
        for scheme in ["ipv4:", "ipv6:"] where peer.hasPrefix(scheme) { return String(peer.dropFirst(scheme.count)) }
        return peer
    }
}
