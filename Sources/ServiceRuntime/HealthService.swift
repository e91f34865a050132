import GRPCKit
import PspctlProtocol

/// `grpc.health.v1.Health` on a GRPCKit server, answering from a `HealthStatusBoard`.
///
/// - `Check`: the service's status; NOT_FOUND for a name the board does not know; INVALID_ARGUMENT for
///   bytes that are not a `HealthCheckRequest`.
/// - `Watch` (server streaming; served as a stream whose one request is read first): the current
///   status, then every change, until the client goes away or the board closes.
public enum HealthService {
    public static func register(on server: Server, board: HealthStatusBoard) {
        server.register(unary: MethodPath.healthCheck) { bytes, _ throws(RPCError) in
            let request = try decode(bytes)
            guard let status = board.status(of: request.service) else {
                throw RPCError(.notFound, "unknown service \(request.service)")
            }
            return GRPCHealthV1.HealthCheckResponse(status: status).encoded()
        }
        server.register(bidirectionalStream: MethodPath.healthWatch) { stream, _ throws(RPCError) in
            guard let bytes = try await stream.receive() else {
                throw RPCError(.invalidArgument, "Watch needs one HealthCheckRequest")
            }
            let request = try decode(bytes)
            for await status in board.watch(request.service) {
                try await stream.send(GRPCHealthV1.HealthCheckResponse(status: status).encoded())
            }
        }
    }

    private static func decode(_ bytes: [UInt8]) throws(RPCError) -> GRPCHealthV1.HealthCheckRequest {
        do { return try GRPCHealthV1.HealthCheckRequest(decoding: bytes) }
        catch { throw RPCError(.invalidArgument, "the request is not a grpc.health.v1.HealthCheckRequest: \(error)") }
    }
}
