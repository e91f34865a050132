import Foundation
import GRPCKit
import TLSCredentials

/// A service pspctl talks to: its address and the credentials of the connection (plaintext, TLS or mutual
/// TLS, from `RemoteTLSOptions`). Every remote code path opens its channel with `openChannel`, so what
/// applies to connections (TLS today) applies to all of them.
struct RemoteTarget: Sendable {
    let address: String
    let credentials: ChannelCredentials

    init(address: String, credentials: ChannelCredentials) {
        self.address = address
        self.credentials = credentials
    }

    /// The targets of `addresses`, the TLS files read and checked once: a problem is printed as
    /// `pspctl <command>: <message>` (exit 2), warnings as `pspctl <command>: warning: <message>`.
    static func make(_ addresses: [String], tls: RemoteTLSOptions, command: String) throws -> [RemoteTarget] {
        let checked: CheckedCredentials<ChannelCredentials>
        do {
            checked = try tls.credentials()
        } catch {
            throw fail(command, error.message, status: 2)
        }
        for warning in checked.warnings { printError("pspctl \(command): warning: \(warning)\n") }
        return addresses.map { RemoteTarget(address: $0, credentials: checked.credentials) }
    }

    /// `make` for one address.
    static func make(_ address: String, tls: RemoteTLSOptions, command: String) throws -> RemoteTarget {
        try make([address], tls: tls, command: command)[0]
    }

    /// True when the connection uses TLS.
    var usesTLS: Bool {
        if case .tls = credentials { return true }
        return false
    }

    /// A channel to the service with `tuning`'s limits and this target's credentials.
    func openChannel(_ tuning: ChannelOptions = ChannelOptions()) throws(RPCError) -> Channel {
        var options = tuning
        options.credentials = credentials
        return try Channel(target: address, options: options)
    }

    /// Why a call could not reach the service (`subject`: `the converter at HOST:PORT`): a refused TLS
    /// handshake is said to be one, with the gRPC core's reason in a few words; a plaintext connection a
    /// TLS service closed gets a hint; anything else is the core's message.
    func unreachable(_ error: RPCError, _ subject: String) -> String {
        if let refused = refusedHandshake(error, subject) { return refused }
        return "cannot reach \(subject): \(error.message.isEmpty ? "\(error.code)" : error.message)"
            + (usesTLS ? "" : HandshakeDiagnosis.plaintextHint(error.message))
    }

    /// `the TLS handshake with SUBJECT failed: WHY` when `error` is a refused handshake, else nil.
    func refusedHandshake(_ error: RPCError, _ subject: String) -> String? {
        HandshakeDiagnosis.reason(error.message, credentials: credentials).map { "the TLS handshake with \(subject) failed: \($0)" }
    }
}
