import CGRPC

/// One batch of operations on a call and the storage its out-parameters live in until it completes.
/// Build it with the `add…` methods, start it with `CallHandle.start`, read the results in `onComplete`
/// (on the queue thread). Everything it allocated is released in `deinit`.
final class Batch: CompletionTag {
    private(set) var ops: [grpc_op] = []
    var onComplete: ((Batch, Bool) -> Void)?

    private var sendBuffer: UnsafeMutablePointer<grpc_byte_buffer>?
    private var sendMetadata: [OutgoingMetadata] = []
    private var statusDetails: UnsafeMutablePointer<grpc_slice>?
    private var receivedBuffer: UnsafeMutablePointer<UnsafeMutablePointer<grpc_byte_buffer>?>?
    private var receivedInitialMetadata: UnsafeMutablePointer<grpc_metadata_array>?
    private var receivedTrailingMetadata: UnsafeMutablePointer<grpc_metadata_array>?
    private var receivedStatus: UnsafeMutablePointer<grpc_status_code>?
    private var receivedDetails: UnsafeMutablePointer<grpc_slice>?
    private var cancelledFlag: UnsafeMutablePointer<Int32>?

    override func complete(success: Bool) {
        let body = onComplete
        onComplete = nil
        body?(self, success)
    }

    deinit {
        if let sendBuffer { grpc_byte_buffer_destroy(sendBuffer) }
        if let statusDetails { cgrpc_slice_release(statusDetails); statusDetails.deallocate() }
        if let receivedBuffer {
            if let buffer = receivedBuffer.pointee { grpc_byte_buffer_destroy(buffer) }
            receivedBuffer.deallocate()
        }
        for array in [receivedInitialMetadata, receivedTrailingMetadata] {
            if let array { grpc_metadata_array_destroy(array); array.deallocate() }
        }
        receivedStatus?.deallocate()
        if let receivedDetails { cgrpc_slice_release(receivedDetails); receivedDetails.deallocate() }
        cancelledFlag?.deallocate()
    }

    private func add(_ type: grpc_op_type, _ fill: (inout grpc_op) -> Void = { _ in }) {
        var op = grpc_op()
        op.op = type
        fill(&op)
        ops.append(op)
    }

    // MARK: sending

    func addSendInitialMetadata(_ metadata: Metadata) {
        let outgoing = OutgoingMetadata(metadata)
        sendMetadata.append(outgoing)
        add(GRPC_OP_SEND_INITIAL_METADATA) {
            $0.data.send_initial_metadata.count = outgoing.count
            $0.data.send_initial_metadata.metadata = outgoing.items
        }
    }

    /// `moreFollows`: another message is queued right behind this one, so the transport may hold
    /// this one back to write both together (GRPC_WRITE_BUFFER_HINT).
    func addSendMessage(_ message: [UInt8], moreFollows: Bool = false) {
        let buffer = message.withUnsafeBytes { cgrpc_byte_buffer_create($0.baseAddress, $0.count) }
        sendBuffer = buffer
        add(GRPC_OP_SEND_MESSAGE) {
            $0.data.send_message.send_message = buffer
            if moreFollows { $0.flags = UInt32(GRPC_WRITE_BUFFER_HINT) }
        }
    }

    func addSendCloseFromClient() { add(GRPC_OP_SEND_CLOSE_FROM_CLIENT) }

    func addSendStatus(_ code: StatusCode, _ message: String, trailingMetadata: Metadata) {
        let outgoing = OutgoingMetadata(trailingMetadata)
        sendMetadata.append(outgoing)
        let details = UnsafeMutablePointer<grpc_slice>.allocate(capacity: 1)
        var text = message
        text.withUTF8 { cgrpc_slice_init_copy(details, $0.baseAddress, $0.count) }
        statusDetails = details
        add(GRPC_OP_SEND_STATUS_FROM_SERVER) {
            $0.data.send_status_from_server.trailing_metadata_count = outgoing.count
            $0.data.send_status_from_server.trailing_metadata = outgoing.items
            $0.data.send_status_from_server.status = grpc_status_code(rawValue: code.rawValue)
            $0.data.send_status_from_server.status_details = details
        }
    }

    // MARK: receiving

    func addReceiveInitialMetadata() {
        let array = newMetadataArray()
        receivedInitialMetadata = array
        add(GRPC_OP_RECV_INITIAL_METADATA) { $0.data.recv_initial_metadata.recv_initial_metadata = array }
    }

    func addReceiveMessage() {
        let slot = UnsafeMutablePointer<UnsafeMutablePointer<grpc_byte_buffer>?>.allocate(capacity: 1)
        slot.initialize(to: nil)
        receivedBuffer = slot
        add(GRPC_OP_RECV_MESSAGE) { $0.data.recv_message.recv_message = slot }
    }

    func addReceiveStatusOnClient() {
        let array = newMetadataArray()
        receivedTrailingMetadata = array
        let status = UnsafeMutablePointer<grpc_status_code>.allocate(capacity: 1)
        status.initialize(to: GRPC_STATUS_UNKNOWN)
        receivedStatus = status
        let details = UnsafeMutablePointer<grpc_slice>.allocate(capacity: 1)
        details.initialize(to: grpc_empty_slice())
        receivedDetails = details
        add(GRPC_OP_RECV_STATUS_ON_CLIENT) {
            $0.data.recv_status_on_client.trailing_metadata = array
            $0.data.recv_status_on_client.status = status
            $0.data.recv_status_on_client.status_details = details
        }
    }

    func addReceiveCloseOnServer() {
        let flag = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
        flag.initialize(to: 0)
        cancelledFlag = flag
        add(GRPC_OP_RECV_CLOSE_ON_SERVER) { $0.data.recv_close_on_server.cancelled = flag }
    }

    private func newMetadataArray() -> UnsafeMutablePointer<grpc_metadata_array> {
        let array = UnsafeMutablePointer<grpc_metadata_array>.allocate(capacity: 1)
        array.initialize(to: grpc_metadata_array())
        grpc_metadata_array_init(array)
        return array
    }

    // MARK: results (valid in onComplete)

    /// The received message; nil at the end of the stream (or if the batch had no receive).
    var receivedMessage: [UInt8]? {
        guard let buffer = receivedBuffer?.pointee else { return nil }
        let length = cgrpc_byte_buffer_length(buffer)
        return [UInt8](unsafeUninitializedCapacity: length) { storage, count in
            count = length == 0 ? 0 : cgrpc_byte_buffer_copy(buffer, storage.baseAddress, length)
        }
    }

    var initialMetadata: Metadata { receivedInitialMetadata.map { Metadata(UnsafePointer($0)) } ?? Metadata() }

    var clientStatus: RPCStatus {
        let code = receivedStatus.map { StatusCode(wire: $0.pointee.rawValue) } ?? .unknown
        let message = receivedDetails.map { String(decoding: sliceBytes($0), as: UTF8.self) } ?? ""
        let trailing = receivedTrailingMetadata.map { Metadata(UnsafePointer($0)) } ?? Metadata()
        return RPCStatus(code: code, message: message, trailingMetadata: trailing)
    }

    var serverSawCancellation: Bool { (cancelledFlag?.pointee ?? 0) != 0 }
}

/// Owns one `grpc_call` (unreferenced in `deinit`) and the queue its batches complete on. Batches
/// retain the handle, so the call outlives every operation on it. The call pointer itself is
/// immutable; the core allows batches to start from any thread.
final class CallHandle: @unchecked Sendable {
    private let call: OpaquePointer
    let queue: CompletionQueue

    init(_ call: OpaquePointer, queue: CompletionQueue) {
        self.call = call
        self.queue = queue
    }

    deinit { grpc_call_unref(call) }

    /// Starts the batch; `onComplete` runs on the queue thread with the batch and its success.
    /// False if it could not start (the queue is closed, or the core refused it).
    @discardableResult
    func start(_ batch: Batch, onComplete: @escaping (Batch, Bool) -> Void) -> Bool {
        batch.onComplete = { batch, success in
            withExtendedLifetime(self) { onComplete(batch, success) }
        }
        let started = queue.startBatch(batch.ops, on: call, tag: batch)
        if !started { batch.onComplete = nil }
        return started
    }

    func cancel() { _ = grpc_call_cancel(call, nil) }

    /// Ends the call at once with `code` and `message` as its status (the server side sends them
    /// to the client).
    func cancel(_ code: StatusCode, _ message: String) {
        _ = grpc_call_cancel_with_status(call, grpc_status_code(rawValue: code.rawValue), message, nil)
    }

    var peer: String {
        guard let text = grpc_call_get_peer(call) else { return "" }
        defer { gpr_free(text) }
        return String(cString: text)
    }
}
