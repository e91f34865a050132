import GRPCKit
import Logging
import TLSCredentials

/// The gRPC core's log lines as the service's own key=value records (`source=grpc-core`), instead of
/// the core's format on stderr. A refused TLS handshake is a client's problem, not the service's: it is a
/// warning, `msg="TLS handshake with a client failed" reason="peer did not return a certificate"`, as are
/// the TLS layer's other complaints about clients.
enum CoreLogForwarding {
    static func start(_ logger: Logger) {
        CoreLog.redirect { record in
            var metadata: Logger.Metadata = ["source": "grpc-core", "at": "\(record.file):\(record.line)"]
            let message = record.message.hasSuffix(".") ? String(record.message.dropLast()) : record.message
            if message.contains("Handshake failed") {
                metadata["reason"] = "\(HandshakeDiagnosis.opensslReason(message) ?? message)"
                logger.warning("TLS handshake with a client failed", metadata: metadata)
                return
            }
            // The TLS layer's other complaints are about what a client sent (a server name the
            // certificate does not hold …).
            if record.file.hasPrefix("ssl_") || record.file.hasPrefix("security_handshaker") {
                logger.warning("\(message)", metadata: metadata)
                return
            }
            switch record.severity {
            case .error: logger.error("\(message)", metadata: metadata)
            case .info: logger.info("\(message)", metadata: metadata)
            case .debug: logger.debug("\(message)", metadata: metadata)
            }
        }
    }
}
