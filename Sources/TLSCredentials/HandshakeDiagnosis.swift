import Foundation
import GRPCKit

/// What a failed call's status says about the TLS handshake, in a few words.
///
/// The gRPC core (1.51, OpenSSL 3) reports a refused handshake as UNAVAILABLE with a long message, for
/// example `failed to connect to all addresses; last error: UNKNOWN: ipv4:127.0.0.1:50051: Ssl handshake
/// failed: SSL_ERROR_SSL: error:0A000086:SSL routines::certificate verify failed`; the OpenSSL reason at
/// its end is what a user needs, said in terms of pspctl's flags. A service that refuses the client's
/// certificate (none, or one its CA did not sign) does so, in TLS 1.3, after the client has finished its
/// side of the handshake: the client only sees `Socket closed` on the new connection, so that is read as
/// a refusal of the client certificate (or of its absence).
public enum HandshakeDiagnosis {
    /// The reason when `message` is a failed TLS handshake made with `credentials`, else nil (always nil
    /// for plaintext credentials: they never handshake; see `plaintextHint`).
    public static func reason(_ message: String, credentials: ChannelCredentials) -> String? {
        guard case let .tls(rootCA, clientCertificate, _, _) = credentials else { return nil }
        let lower = message.lowercased()
        if lower.contains("certificate verify failed") {
            let detail = opensslReason(message).map { " (\($0))" } ?? ""
            return rootCA == nil
                ? "the service's certificate could not be verified: not signed by a CA this system trusts (give --tls-ca), or expired\(detail)"
                : "the service's certificate could not be verified: not signed by a CA in --tls-ca, or expired\(detail)"
        }
        for (needle, explanation) in explanations where lower.contains(needle) {
            return explanation(message)
        }
        // "failed to connect to all addresses" (pick_first), "connections to all backends failing" (round_robin).
        if lower.contains("failed to connect") || lower.contains("all backends failing"),
           lower.contains("socket closed") || lower.contains("connection reset") {
            return clientCertificate == nil
                ? "the service closed the connection after the handshake: it requires a client certificate (mutual TLS); give --tls-cert and --tls-key"
                : "the service closed the connection after the handshake: it does not accept the client certificate (--tls-cert); is it signed by the service's --tls-client-ca?"
        }
        if let range = lower.range(of: "handshake failed") ?? lower.range(of: "handshake read failed")
            ?? lower.range(of: "ssl_error") {
            return "\(opensslReason(message) ?? String(message[range.lowerBound...]))"
        }
        return nil
    }

    /// A hint for a plaintext connection that the service closed at once: it may want TLS.
    public static func plaintextHint(_ message: String) -> String {
        let lower = message.lowercased()
        guard lower.contains("socket closed") || lower.contains("connection reset") || lower.contains("end of tcp stream")
            || lower.contains("connection closed") else { return "" }
        return " (if the service serves TLS, connect with --tls-ca)"
    }

    private static let explanations: [(String, @Sendable (String) -> String)] = [
        ("certificate required", { _ in
            "the service requires a client certificate (mutual TLS); give --tls-cert and --tls-key" }),
        ("peer name", { message in
            let name = between(message, "Peer name ", " is not in peer certificate") ?? "the name checked"
            return "the service's certificate is not for \(name) (check --tls-server-name, or the address's host)" }),
        ("unknown ca", { _ in
            "the service does not accept the client certificate (--tls-cert): it does not trust the CA that signed it" }),
        ("bad certificate", { _ in "the service does not accept the client certificate (--tls-cert)" }),
        ("certificate unknown", { _ in "the service does not accept the client certificate (--tls-cert)" }),
        ("certificate expired", { _ in "the service does not accept the client certificate (--tls-cert): it has expired" }),
        ("wrong version number", { _ in "the service does not speak TLS (is it started with --tls-cert and --tls-key?)" }),
        ("packet length too long", { _ in "the service does not speak TLS (is it started with --tls-cert and --tls-key?)" }),
        ("record layer failure", { _ in "the service does not speak TLS (is it started with --tls-cert and --tls-key?)" }),
    ]

    /// `certificate verify failed` from `…: error:0A000086:SSL routines::certificate verify failed`.
    public static func opensslReason(_ message: String) -> String? {
        guard let range = message.range(of: "error:", options: .backwards) else { return nil }
        let tail = message[range.upperBound...]
        let reason = tail.split(separator: ":", omittingEmptySubsequences: false).last.map(String.init) ?? ""
        let trimmed = reason.trimmingCharacters(in: .whitespaces.union(.punctuationCharacters))
        return trimmed.isEmpty ? nil : trimmed
    }

    private static func between(_ text: String, _ start: String, _ end: String) -> String? {
        guard let a = text.range(of: start), let b = text.range(of: end, range: a.upperBound..<text.endIndex) else { return nil }
        return String(text[a.upperBound..<b.lowerBound])
    }
}
