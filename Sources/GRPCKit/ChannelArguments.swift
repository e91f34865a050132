import CGRPC
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `grpc_channel_args` built from options; the C strings live as long as this value is in scope.
final class ChannelArguments {
    private var strings: [UnsafeMutablePointer<CChar>] = []
    private var args: [grpc_arg] = []

    deinit { strings.forEach { free($0) } }

    private func copy(_ text: String) -> UnsafeMutablePointer<CChar> {
        let pointer = strdup(text)!
        strings.append(pointer)
        return pointer
    }

    /// A key set twice keeps its last value (the core would read the first).
    private func removeExisting(_ key: String) {
        args.removeAll { String(cString: $0.key) == key }
    }

    func set(_ key: String, _ value: Int) {
        removeExisting(key)
        var arg = grpc_arg()
        arg.type = GRPC_ARG_INTEGER
        arg.key = copy(key)
        arg.value.integer = Int32(clamping: value)
        args.append(arg)
    }

    func set(_ key: String, _ value: String) {
        removeExisting(key)
        var arg = grpc_arg()
        arg.type = GRPC_ARG_STRING
        arg.key = copy(key)
        arg.value.string = copy(value)
        args.append(arg)
    }

    func setKeepalive(_ keepalive: Keepalive?) {
        guard let keepalive else { return }
        set("grpc.keepalive_time_ms", milliseconds(keepalive.interval))
        set("grpc.keepalive_timeout_ms", milliseconds(keepalive.timeout))
        set("grpc.keepalive_permit_without_calls", keepalive.permitWithoutCalls ? 1 : 0)
        set("grpc.http2.max_pings_without_data", 0)
    }

    /// The server's policy for its clients' pings (see `PingPolicy`).
    func setPingPolicy(_ policy: PingPolicy?) {
        guard let policy else { return }
        set("grpc.http2.min_ping_interval_without_data_ms", milliseconds(policy.minInterval))
        set("grpc.http2.max_ping_strikes", policy.maxStrikes)
        set("grpc.keepalive_permit_without_calls", policy.permitWithoutCalls ? 1 : 0)
    }

    func withUnsafeArgs<T>(_ body: (UnsafePointer<grpc_channel_args>) -> T) -> T {
        args.withUnsafeMutableBufferPointer { buffer in
            var channelArgs = grpc_channel_args(num_args: buffer.count, args: buffer.baseAddress)
            return withUnsafePointer(to: &channelArgs) { body($0) }
        }
    }
}

func milliseconds(_ duration: Duration) -> Int {
    let (seconds, attoseconds) = duration.components
    return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
}

/// An absolute deadline for the core, `timeout` from now (or none).
func deadline(after timeout: Duration?) -> gpr_timespec {
    guard let timeout else { return gpr_inf_future(GPR_CLOCK_REALTIME) }
    return gpr_time_add(gpr_now(GPR_CLOCK_REALTIME), gpr_time_from_millis(Int64(milliseconds(timeout)), GPR_TIMESPAN))
}
