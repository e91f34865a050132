import CGRPC

/// The gRPC core's own log lines (a refused TLS handshake, a name that does not match …), which it
/// otherwise writes to stderr in its own format (`E1207 12:03:35.6 10464 ssl_transport_security.cc:1501] …`).
/// A process redirects them once, so a service logs them as its other records and a command-line
/// client keeps its stderr for its own messages.
public enum CoreLog {
    public enum Severity: Sendable {
        case debug, info, error
    }

    public struct Record: Sendable {
        public var severity: Severity
        public var message: String
        /// The core's source file and line (`ssl_transport_security.cc`, 1501).
        public var file: String
        public var line: Int
    }

    public typealias Handler = @Sendable (Record) -> Void

    /// Sends every core log line to `handler` instead of stderr, from whatever thread the core logs on
    /// (keep it quick). Replaces an earlier handler.
    public static func redirect(_ handler: @escaping Handler) {
        lock.withLock { current = handler }
        gpr_set_log_function { arguments in
            guard let arguments else { return }
            let record = Record(
                severity: arguments.pointee.severity == GPR_LOG_SEVERITY_ERROR ? .error
                    : arguments.pointee.severity == GPR_LOG_SEVERITY_INFO ? .info : .debug,
                message: arguments.pointee.message.map { String(cString: $0) } ?? "",
                file: arguments.pointee.file.map { String(cString: $0).split(separator: "/").last.map(String.init) ?? "" } ?? "",
                line: Int(arguments.pointee.line))
            CoreLog.lock.withLock { CoreLog.current }?(record)
        }
    }

    // Invariant: `current` is touched under `lock` only.
    private static let lock = Lock()
    nonisolated(unsafe) private static var current: Handler?
}
