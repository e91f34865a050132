import COpenSSL

/// A TLS configuration of the system OpenSSL (an `SSL_CTX`): a server's certificate chain, key and optional
/// client CA, or a client's trusted CAs and optional certificate. TLS 1.2 and later only. Immutable once
/// made, so one context serves every connection, on any thread (`OpenSSLHandler` makes each connection's
/// state from it).
///
/// The files' checks with the flags' names (readable, PEM, the key matching its certificate) are
/// TLSCredentials' work; what OpenSSL still refuses here is a `ConfigurationError` naming the part.
public final class OpenSSLContext: @unchecked Sendable {
    // Invariant: `pointer` is configured in the factory methods only, before the context is shared; it is
    // freed in deinit and never leaves this module.
    public enum Role: Sendable {
        case server
        case client
    }

    public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
        public enum Part: Sendable {
            case certificate
            case privateKey
            /// The key is not the certificate's.
            case keyMismatch
            case trustedCertificates
            case library
        }

        public var part: Part
        /// OpenSSL's reason, e.g. `no start line`.
        public var reason: String
        public var description: String { reason }
    }

    public let role: Role
    /// A server that asks clients for a certificate (it has a client CA).
    public let requestsClientCertificate: Bool
    let pointer: OpaquePointer

    private init(role: Role, requestsClientCertificate: Bool) throws(ConfigurationError) {
        ERR_clear_error()
        guard let pointer = SSL_CTX_new(role == .server ? TLS_server_method() : TLS_client_method()) else {
            throw ConfigurationError(part: .library, reason: OpenSSLErrors.drain() ?? "cannot make a TLS context")
        }
        self.pointer = pointer
        self.role = role
        self.requestsClientCertificate = requestsClientCertificate
        guard pspctl_ssl_ctx_set_min_tls12(pointer) == 1 else {
            throw ConfigurationError(part: .library, reason: OpenSSLErrors.drain() ?? "cannot require TLS 1.2")
        }
    }

    deinit { SSL_CTX_free(pointer) }

    /// A server: `certificateChainPEM` (its certificate first, then intermediates), `privateKeyPEM`
    /// (unencrypted), and with `clientCAPEM` a request for a client certificate: one that is presented must
    /// be signed by one of those CAs (the handshake fails otherwise); none at all is allowed, and
    /// `TLSHandshakeCompleted` says so, for the application to decide per request.
    public static func server(certificateChainPEM: String, privateKeyPEM: String,
                              clientCAPEM: String?) throws(ConfigurationError) -> OpenSSLContext {
        let context = try OpenSSLContext(role: .server, requestsClientCertificate: clientCAPEM != nil)
        try context.useCertificateChain(certificateChainPEM)
        try context.usePrivateKey(privateKeyPEM)
        if let clientCAPEM {
            try context.trust(clientCAPEM, advertise: true)
            SSL_CTX_set_verify(context.pointer, SSL_VERIFY_PEER, nil)
        }
        // Sessions resumed with a client certificate need an id context.
        let id = Array("pspctl-http".utf8)
        _ = SSL_CTX_set_session_id_context(context.pointer, id, UInt32(id.count))
        return context
    }

    /// A client: it verifies the server's certificate against `trustedCAPEM` (nil: the system's trust
    /// store) and the name it connects to (see `OpenSSLHandler`); with `certificateChainPEM` and
    /// `privateKeyPEM` it presents a certificate when asked.
    public static func client(trustedCAPEM: String?, certificateChainPEM: String? = nil,
                              privateKeyPEM: String? = nil) throws(ConfigurationError) -> OpenSSLContext {
        let context = try OpenSSLContext(role: .client, requestsClientCertificate: false)
        if let trustedCAPEM {
            try context.trust(trustedCAPEM, advertise: false)
        } else if SSL_CTX_set_default_verify_paths(context.pointer) != 1 {
            throw ConfigurationError(part: .trustedCertificates,
                                     reason: OpenSSLErrors.drain() ?? "cannot load the system's trusted certificates")
        }
        SSL_CTX_set_verify(context.pointer, SSL_VERIFY_PEER, nil)
        if let certificateChainPEM, let privateKeyPEM {
            try context.useCertificateChain(certificateChainPEM)
            try context.usePrivateKey(privateKeyPEM)
        }
        return context
    }

    // MARK: - Loading PEM from memory

    private func useCertificateChain(_ pem: String) throws(ConfigurationError) {
        let certificates = try Self.certificates(pem, part: .certificate)
        defer { certificates.forEach { X509_free($0) } }
        guard SSL_CTX_use_certificate(pointer, certificates[0]) == 1 else {
            throw ConfigurationError(part: .certificate, reason: OpenSSLErrors.drain() ?? "the certificate was refused")
        }
        for intermediate in certificates.dropFirst() where pspctl_ssl_ctx_add1_chain_cert(pointer, intermediate) != 1 {
            throw ConfigurationError(part: .certificate, reason: OpenSSLErrors.drain() ?? "a chain certificate was refused")
        }
    }

    private func usePrivateKey(_ pem: String) throws(ConfigurationError) {
        ERR_clear_error()
        let key = Self.withMemoryBIO(pem) { bio in PEM_read_bio_PrivateKey(bio, nil, { _, _, _, _ in 0 }, nil) }
        guard let key else {
            throw ConfigurationError(part: .privateKey, reason: OpenSSLErrors.drain() ?? "no private key")
        }
        defer { EVP_PKEY_free(key) }
        guard SSL_CTX_use_PrivateKey(pointer, key) == 1 else {
            throw ConfigurationError(part: .privateKey, reason: OpenSSLErrors.drain() ?? "the private key was refused")
        }
        guard SSL_CTX_check_private_key(pointer) == 1 else {
            throw ConfigurationError(part: .keyMismatch, reason: OpenSSLErrors.drain() ?? "the key does not match the certificate")
        }
    }

    /// Adds every certificate of `pem` to the trusted store (and, for a server, to the CA names it sends
    /// with its certificate request).
    private func trust(_ pem: String, advertise: Bool) throws(ConfigurationError) {
        let certificates = try Self.certificates(pem, part: .trustedCertificates)
        defer { certificates.forEach { X509_free($0) } }
        let store = SSL_CTX_get_cert_store(pointer)
        for certificate in certificates {
            guard X509_STORE_add_cert(store, certificate) == 1 else {
                throw ConfigurationError(part: .trustedCertificates, reason: OpenSSLErrors.drain() ?? "a CA certificate was refused")
            }
            if advertise { _ = SSL_CTX_add_client_CA(pointer, certificate) }
        }
    }

    /// Every CERTIFICATE block of `pem` (at least one), each owned by the caller.
    private static func certificates(_ pem: String, part: ConfigurationError.Part) throws(ConfigurationError) -> [OpaquePointer] {
        ERR_clear_error()
        let certificates = withMemoryBIO(pem) { bio in
            var all: [OpaquePointer] = []
            while let certificate = PEM_read_bio_X509(bio, nil, { _, _, _, _ in 0 }, nil) { all.append(certificate) }
            return all
        }
        // Reading stops with "no start line" at the end of the text: not an error once something was read.
        let reason = OpenSSLErrors.drain()
        guard !certificates.isEmpty else { throw ConfigurationError(part: part, reason: reason ?? "no certificate") }
        return certificates
    }

    private static func withMemoryBIO<T>(_ text: String, _ body: (OpaquePointer) -> T) -> T {
        var bytes = Array(text.utf8)
        if bytes.isEmpty { bytes = [0x0A] }
        return bytes.withUnsafeBytes { raw in
            let bio = BIO_new_mem_buf(raw.baseAddress, Int32(raw.count))!
            defer { BIO_free(bio) }
            return body(bio)
        }
    }
}

/// OpenSSL's thread-local error queue, read and emptied.
enum OpenSSLErrors {
    /// The reasons queued (oldest first, joined by `; `), nil when none; the queue is left empty.
    static func drain() -> String? {
        let reasons = reasons(drainCodes())
        return reasons.isEmpty ? nil : reasons.joined(separator: "; ")
    }
}
