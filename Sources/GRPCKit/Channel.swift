import CGRPC

/// A unary call's response with the metadata the server sent.
public struct UnaryResponse: Sendable {
    public var message: [UInt8]
    public var initialMetadata: Metadata
    public var trailingMetadata: Metadata
    /// The address that answered, as the core names it (`ipv4:127.0.0.1:50052`, `ipv6:[::1]:50052`).
    public var peer: String
}

/// A client connection to one target ("HOST:PORT", or any gRPC target such as "dns:///name:port").
/// Connects lazily; thread-safe; calls made on it are cancelled when it is closed or dropped.
public final class Channel: Sendable {
    private let core: ChannelCore

    public init(target: String, options: ChannelOptions = ChannelOptions()) throws(RPCError) {
        core = try ChannelCore(target: target, options: options)
    }

    deinit { core.close() }

    /// Cancels the calls still running and frees the connection.
    public func close() { core.close() }

    /// Calls a unary method: the response message, or the call's non-OK status as an error.
    /// Cancelling the calling task cancels the call.
    public func unary(_ method: String, request: [UInt8], metadata: Metadata = Metadata(),
                      timeout: Duration? = nil) async throws(RPCError) -> [UInt8] {
        try await unaryCall(method, request: request, metadata: metadata, timeout: timeout).message
    }

    /// `unary`, with the metadata of the response.
    public func unaryCall(_ method: String, request: [UInt8], metadata: Metadata = Metadata(),
                          timeout: Duration? = nil) async throws(RPCError) -> UnaryResponse {
        let call = try core.makeCall(method, timeout: timeout)
        let batch = Batch()
        batch.addSendInitialMetadata(metadata)
        batch.addSendMessage(request)
        batch.addSendCloseFromClient()
        batch.addReceiveInitialMetadata()
        batch.addReceiveMessage()
        batch.addReceiveStatusOnClient()
        let result: Result<UnaryResponse, RPCError> = await withTaskCancellationHandler {
            await withUnsafeContinuation { continuation in
                let started = call.start(batch) { batch, success in
                    continuation.resume(returning: Self.unaryResult(batch, success, peer: call.peer))
                }
                if !started { continuation.resume(returning: .failure(ChannelCore.closedError)) }
            }
        } onCancel: {
            call.cancel()
        }
        return try result.get()
    }

    private static func unaryResult(_ batch: Batch, _ success: Bool, peer: String) -> Result<UnaryResponse, RPCError> {
        guard success else { return .failure(RPCError(.unknown, "the call failed in the gRPC core")) }
        let status = batch.clientStatus
        if let error = status.error { return .failure(error) }
        guard let message = batch.receivedMessage else {
            return .failure(RPCError(.internalError, "the server sent no response message"))
        }
        return .success(UnaryResponse(message: message, initialMetadata: batch.initialMetadata,
                                      trailingMetadata: status.trailingMetadata, peer: peer))
    }

    /// Opens a bidirectional stream. The request metadata goes out at once; nothing waits for the
    /// server's headers.
    public func makeBidirectionalStream(_ method: String, metadata: Metadata = Metadata(),
                                        timeout: Duration? = nil) throws(RPCError) -> ClientStream {
        let call = try core.makeCall(method, timeout: timeout)
        return ClientStream(call: call, metadata: metadata, options: core.options)
    }
}

/// Owns the `grpc_channel` and its completion queue. Invariant: `channel` is touched under `lock`
/// only, and not after `closed`.
final class ChannelCore: @unchecked Sendable {
    static let closedError = RPCError(.unavailable, "the channel is closed")

    let options: ChannelOptions
    private let queue: CompletionQueue
    private let channel: OpaquePointer
    private let lock = Lock()
    private var closed = false
    private var calls: [ObjectIdentifier: WeakCall] = [:]
    private var pruneAt = 64

    private struct WeakCall { weak var call: CallHandle? }

    init(target: String, options: ChannelOptions) throws(RPCError) {
        self.options = options
        let arguments = ChannelArguments()
        if let bytes = options.maxReceiveMessageBytes { arguments.set("grpc.max_receive_message_length", bytes) }
        if let bytes = options.maxSendMessageBytes { arguments.set("grpc.max_send_message_length", bytes) }
        if let name = options.credentials.serverNameOverride { arguments.set("grpc.ssl_target_name_override", name) }
        arguments.setKeepalive(options.keepalive)
        if options.loadBalancing != .pickFirst { arguments.set("grpc.service_config", options.loadBalancing.serviceConfigJSON) }
        guard let credentials = options.credentials.makeCredentials() else {
            throw RPCError(.invalidArgument, "the channel credentials are not usable")
        }
        defer { grpc_channel_credentials_release(credentials) }
        queue = CompletionQueue()
        channel = arguments.withUnsafeArgs { grpc_channel_create(target, credentials, $0) }
    }

    func makeCall(_ method: String, timeout: Duration?) throws(RPCError) -> CallHandle {
        lock.lock()
        defer { lock.unlock() }
        guard !closed else { throw Self.closedError }
        guard let raw = cgrpc_channel_create_call(channel, queue.raw, method, deadline(after: timeout)) else {
            throw RPCError(.internalError, "cannot create a call to \(method)")
        }
        let call = CallHandle(raw, queue: queue)
        calls[ObjectIdentifier(call)] = WeakCall(call: call)
        if calls.count >= pruneAt {
            calls = calls.filter { $0.value.call != nil }
            pruneAt = max(64, calls.count * 2)
        }
        return call
    }

    func close() {
        let live: [CallHandle] = lock.withLock {
            guard !closed else { return [] }
            closed = true
            defer { grpc_channel_destroy(channel) }
            return calls.values.compactMap(\.call)
        }
        live.forEach { $0.cancel() }
        queue.shutdown()
    }
}
