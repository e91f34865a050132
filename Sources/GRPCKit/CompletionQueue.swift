import CGRPC
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The gRPC core stays initialised while any queue (and so any server, channel or call) exists.
enum GRPCLibrary {
    static func retain() { grpc_init() }
    static func release() { grpc_shutdown() }
}

/// What the core hands back when an operation completes. A tag is a heap object retained for the
/// core while the operation is pending; it owns every out-parameter of that operation, so they
/// stay at fixed addresses until the completion arrives.
class CompletionTag {
    /// Runs on the queue's thread.
    func complete(success: Bool) {}
}

/// One `grpc_completion_queue` and the thread that polls it.
///
/// Invariant (why `@unchecked Sendable` is sound): the queue pointer is used by the polling thread
/// (`grpc_completion_queue_next`), by operation starts under the read side of `gate`, and by
/// `shutdown` under its write side, so no operation can start after the queue was shut down. The
/// polling thread holds a reference until the queue reports GRPC_QUEUE_SHUTDOWN; the queue is
/// destroyed in `deinit`, after that and after every call and server bound to it is gone.
final class CompletionQueue: @unchecked Sendable {
    let raw: OpaquePointer
    private let gate = ReadWriteLock()
    private var isShutDown = false
    /// Set when the polling thread saw GRPC_QUEUE_SHUTDOWN.
    let drained = Flag()

    init() {
        GRPCLibrary.retain()
        raw = grpc_completion_queue_create_for_next(nil)
        startPollingThread()
    }

    deinit {
        grpc_completion_queue_destroy(raw)
        GRPCLibrary.release()
    }

    /// Hands `tag` to the core for an operation `body` starts (with the tag's address as its C tag).
    /// `body` returns whether the core accepted the operation; if not, or if the queue is already
    /// shut down, the tag is released again and this returns false.
    func withTag(_ tag: CompletionTag, _ body: (UnsafeMutableRawPointer) -> Bool) -> Bool {
        gate.withReadLock {
            guard !isShutDown else { return false }
            let pointer = Unmanaged.passRetained(tag).toOpaque()
            if body(pointer) { return true }
            Unmanaged<CompletionTag>.fromOpaque(pointer).release()
            return false
        }
    }

    /// Starts a batch of operations on `call`; false if the core refused it or the queue is closed.
    func startBatch(_ ops: [grpc_op], on call: OpaquePointer, tag: CompletionTag) -> Bool {
        withTag(tag) { pointer in
            ops.withUnsafeBufferPointer { buffer in
                grpc_call_start_batch(call, buffer.baseAddress, buffer.count, pointer, nil) == GRPC_CALL_OK
            }
        }
    }

    /// No operation starts after this; pending ones still complete, then the thread ends.
    func shutdown() {
        gate.withWriteLock {
            guard !isShutDown else { return }
            isShutDown = true
            grpc_completion_queue_shutdown(raw)
        }
    }

    private func startPollingThread() {
        let context = Unmanaged.passRetained(self).toOpaque()
        var thread = pthread_t()
        let created = pthread_create(&thread, nil, { context in
            let queue = Unmanaged<CompletionQueue>.fromOpaque(context!).takeRetainedValue()
            queue.poll()
            return nil
        }, context)
        precondition(created == 0, "cannot start the gRPC completion-queue thread")
        pthread_detach(thread)
    }

    private func poll() {
        while true {
            let event = grpc_completion_queue_next(raw, gpr_inf_future(GPR_CLOCK_REALTIME), nil)
            switch event.type {
            case GRPC_OP_COMPLETE:
                let tag = Unmanaged<CompletionTag>.fromOpaque(event.tag).takeRetainedValue()
                tag.complete(success: event.success != 0)
            case GRPC_QUEUE_SHUTDOWN:
                drained.set()
                return
            default:
                continue
            }
        }
    }
}
