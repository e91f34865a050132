import COpenSSL
import NIOCore
#if canImport(Glibc)
import Glibc
#endif

/// One TLS connection over a pair of memory BIOs (an `SSL` and its BIOs): bytes from the network go in
/// with `receive`, bytes for the network come out with `takeOutput`; `handshake`, `read` and `write`
/// never touch a socket. Used on one event loop only (OpenSSL's error queue is per thread).
final class OpenSSLConnection {
    // Invariant: `ssl` owns both BIOs (SSL_set_bio) and is freed in deinit; none of the pointers leaves
    // this module.
    private let ssl: OpaquePointer
    /// Network → OpenSSL.
    private let input: OpaquePointer
    /// OpenSSL → network.
    private let output: OpaquePointer
    let context: OpenSSLContext

    enum Step {
        case done
        case needMoreInput
        case failed(TLSError)
    }

    enum ReadResult {
        case bytes
        case needMoreInput
        /// The peer sent close_notify.
        case closed
        case failed(TLSError)
    }

    /// `serverName` (a client's): the name the server's certificate must carry, and the SNI sent (not
    /// for an IP address, which is checked against the certificate's IP addresses instead).
    init?(context: OpenSSLContext, serverName: String?) {
        guard let ssl = SSL_new(context.pointer) else { return nil }
        guard let input = BIO_new(BIO_s_mem()) else {
            SSL_free(ssl)
            return nil
        }
        guard let output = BIO_new(BIO_s_mem()) else {
            BIO_free(input)
            SSL_free(ssl)
            return nil
        }
        pspctl_bio_set_retry_when_empty(input)
        pspctl_bio_set_retry_when_empty(output)
        SSL_set_bio(ssl, input, output)
        self.ssl = ssl
        self.input = input
        self.output = output
        self.context = context
        switch context.role {
        case .server:
            SSL_set_accept_state(ssl)
        case .client:
            SSL_set_connect_state(ssl)
            if let serverName, !serverName.isEmpty {
                if Self.isIPAddress(serverName) {
                    _ = X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), serverName)
                } else {
                    _ = pspctl_ssl_set_sni(ssl, serverName)
                    SSL_set_hostflags(ssl, UInt32(X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS))
                    _ = SSL_set1_host(ssl, serverName)
                }
            }
        }
    }

    deinit { SSL_free(ssl) }

    /// Hands bytes read from the network to OpenSSL.
    func receive(_ buffer: ByteBuffer) {
        buffer.withUnsafeReadableBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let chunk = min(bytes.count - offset, Int(Int32.max))
                let written = BIO_write(input, bytes.baseAddress! + offset, Int32(chunk))
                guard written > 0 else { return }
                offset += Int(written)
            }
        }
    }

    func handshake() -> Step {
        ERR_clear_error()
        let result = SSL_do_handshake(ssl)
        if result == 1 { return .done }
        switch SSL_get_error(ssl, result) {
        case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE: return .needMoreInput
        default: return .failed(failure(duringHandshake: true))
        }
    }

    /// Decrypts what it can into `buffer` (at most 16 KiB at a time).
    func read(into buffer: inout ByteBuffer) -> ReadResult {
        ERR_clear_error()
        var code: Int32 = 0
        let count = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: 16 << 10) { space in
            let n = SSL_read(ssl, space.baseAddress, Int32(min(space.count, 16 << 10)))
            if n <= 0 { code = SSL_get_error(ssl, n) }
            return max(0, Int(n))
        }
        if count > 0 { return .bytes }
        switch code {
        case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE: return .needMoreInput
        case SSL_ERROR_ZERO_RETURN: return .closed
        default: return .failed(failure(duringHandshake: false))
        }
    }

    /// Encrypts all of `buffer` (the output BIO grows as needed).
    func write(_ buffer: ByteBuffer) -> TLSError? {
        var failed: TLSError?
        buffer.withUnsafeReadableBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                ERR_clear_error()
                let chunk = min(bytes.count - offset, 1 << 20)
                let n = SSL_write(ssl, bytes.baseAddress! + offset, Int32(chunk))
                guard n > 0 else {
                    failed = failure(duringHandshake: false)
                    return
                }
                offset += Int(n)
            }
        }
        return failed
    }

    /// Queues close_notify.
    func shutdown() {
        ERR_clear_error()
        _ = SSL_shutdown(ssl)
        ERR_clear_error()
    }

    /// What OpenSSL has written for the network since the last call, nil when nothing.
    func takeOutput(allocator: ByteBufferAllocator) -> ByteBuffer? {
        let pending = BIO_ctrl_pending(output)
        guard pending > 0 else { return nil }
        var buffer = allocator.buffer(capacity: Int(pending))
        while BIO_ctrl_pending(output) > 0 {
            let wanted = min(Int(BIO_ctrl_pending(output)), 1 << 20)
            let read = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: wanted) { space in
                max(0, Int(BIO_read(output, space.baseAddress, Int32(wanted))))
            }
            if read == 0 { break }
        }
        return buffer
    }

    /// What the handshake established about the peer's certificate.
    var peerCertificate: TLSHandshakeCompleted.PeerCertificate {
        guard context.role == .client || context.requestsClientCertificate else { return .notRequested }
        guard SSL_get0_peer_certificate(ssl) != nil else { return .absent }
        return SSL_get_verify_result(ssl) == Int(X509_V_OK) ? .verified : .unverified
    }

    /// `TLSv1.3`, `TLSv1.2`.
    var protocolVersion: String { String(cString: SSL_get_version(ssl)) }

    /// The error of a failed call, in a few words: a certificate that did not verify says why.
    private func failure(duringHandshake: Bool) -> TLSError {
        let queued = OpenSSLErrors.drainCodes()
        let reasons = OpenSSLErrors.reasons(queued)
        let verification = SSL_get_verify_result(ssl)
        if verification != Int(X509_V_OK), reasons.contains("certificate verify failed") {
            let why = String(cString: X509_verify_cert_error_string(verification))
            let whose = context.role == .client ? "the server's certificate" : "the client's certificate"
            return TLSError(description: "\(whose) could not be verified: \(why)", kind: .certificate)
        }
        if queued.contains(where: { pspctl_err_is_http_request($0) != 0 }) {
            return TLSError(description: "the peer spoke plain HTTP to a TLS port", kind: .plainHTTP)
        }
        let text = reasons.isEmpty ? "the TLS connection failed" : reasons.joined(separator: "; ")
        if reasons.contains(where: { $0.contains("wrong version number") || $0.contains("packet length too long") }) {
            return TLSError(description: "the peer does not speak TLS (\(text))", kind: .notTLS)
        }
        let certificateAlert = reasons.contains { $0.contains("unknown ca") || $0.contains("bad certificate")
            || $0.contains("certificate required") || $0.contains("certificate unknown") || $0.contains("certificate expired") }
        return TLSError(description: duringHandshake ? "TLS handshake failed: \(text)" : text,
                        kind: certificateAlert ? .certificate : duringHandshake ? .handshake : .protocol)
    }

    static func isIPAddress(_ host: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
    }
}

extension OpenSSLErrors {
    /// The codes queued, oldest first; the queue is left empty.
    static func drainCodes() -> [UInt] {
        var codes: [UInt] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { return codes }
            codes.append(code)
        }
    }

    static func reasons(_ codes: [UInt]) -> [String] {
        var reasons: [String] = []
        for code in codes {
            let reason = ERR_reason_error_string(code).map { String(cString: $0) } ?? "OpenSSL error \(code)"
            if !reasons.contains(reason) { reasons.append(reason) }
        }
        return reasons
    }
}
