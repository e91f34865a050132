/// Fired inbound (a user event) by `OpenSSLHandler` once its handshake is done, before any data.
public struct TLSHandshakeCompleted: Sendable, Equatable {
    public enum PeerCertificate: Sendable, Equatable {
        /// A server without a client CA (it asks for none).
        case notRequested
        /// Asked for, none presented.
        case absent
        /// Presented and verified against the trusted CAs.
        case verified
        /// Presented and not verified (not reached with OpenSSLContext's settings: the handshake fails).
        case unverified
    }

    public var peerCertificate: PeerCertificate
    /// `TLSv1.3`, `TLSv1.2`.
    public var protocolVersion: String
}

/// A TLS connection that failed: the handshake (with the reason, e.g. a certificate that did not verify),
/// or a later protocol error.
public struct TLSError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable {
        /// A certificate was refused, by this side or by the peer (an alert): trying again will not help.
        case certificate
        /// The peer does not speak TLS.
        case notTLS
        /// The peer sent a plain HTTP request to a TLS server.
        case plainHTTP
        case handshake
        case `protocol`
        /// The connection closed before the handshake ended.
        case closed
        /// The handshake did not end in time.
        case timeout
    }

    public var description: String
    public var kind: Kind

    public init(description: String, kind: Kind) {
        self.description = description
        self.kind = kind
    }
}
