import Dispatch
import GRPCKit

/// Runs one unary call to `target` from synchronous command code, waiting for its end (the call's own
/// deadline bounds the wait). The channel is closed afterwards.
enum RemoteCall {
    static func unary(target: String, method: String, request: [UInt8], timeout: Duration) -> Result<[UInt8], RPCError> {
        let box = ResultBox()
        let done = DispatchSemaphore(value: 0)
        Task {
            do throws(RPCError) {
                let channel = try makeChannel(target)
                defer { channel.close() }
                box.result = .success(try await channel.unary(method, request: request, timeout: timeout))
            } catch {
                box.result = .failure(error)
            }
            done.signal()
        }
        done.wait()
        return box.result
    }

    /// Written by the task before it signals, read after the wait.
    private final class ResultBox: @unchecked Sendable {
        var result: Result<[UInt8], RPCError> = .failure(RPCError(.unknown))
    }
}
