import Foundation
import NIOOpenSSL

/// The HTTP side's TLS flags (`--http-tls-…`, `--webhook-tls-…`, `--alerts-http-…`): the same checks as
/// the gRPC flags (readable, PEM, a certificate first, one unencrypted key matching it, a CA file holding
/// a certificate), each message naming its flag, then an `OpenSSLContext` for NIOOpenSSL.
extension TLSMaterial {
    /// A flag and the file it names.
    public struct FlagFile: Sendable {
        public var flag: String
        public var path: String

        public init(_ flag: String, _ path: String) {
            self.flag = flag
            self.path = path
        }
    }

    /// A TLS server: its certificate chain and key; with `clientCA`, clients are asked for a certificate
    /// (one presented must be signed by that CA).
    public static func openSSLServer(certificate: FlagFile, key: FlagFile, clientCA: FlagFile?,
                                     now: Date = Date()) throws(TLSFileError) -> CheckedCredentials<OpenSSLContext> {
        var warnings: [String] = []
        let chain = try certificateChain(PEMFile(flag: certificate.flag, path: certificate.path), now: now, warnings: &warnings)
        let privateKey = try privateKey(PEMFile(flag: key.flag, path: key.path), user: "pspctl")
        try check(key: privateKey, matches: chain, warnings: &warnings)
        let ca = try clientCA.map { file throws(TLSFileError) in try authorities(PEMFile(flag: file.flag, path: file.path)) }
        do {
            let context = try OpenSSLContext.server(certificateChainPEM: chain.file.text, privateKeyPEM: privateKey.file.text,
                                                    clientCAPEM: ca)
            return CheckedCredentials(credentials: context, warnings: warnings)
        } catch {
            throw refused(error, certificate: certificate, key: key, ca: clientCA)
        }
    }

    /// A TLS client: the CA to trust (nil: the system's trust store), and optionally a client certificate
    /// and its key (both or neither).
    public static func openSSLClient(ca: FlagFile?, certificate: FlagFile?, key: FlagFile?,
                                     now: Date = Date()) throws(TLSFileError) -> CheckedCredentials<OpenSSLContext> {
        var warnings: [String] = []
        let trusted = try ca.map { file throws(TLSFileError) in try authorities(PEMFile(flag: file.flag, path: file.path)) }
        var chainText: String?
        var keyText: String?
        switch (certificate, key) {
        case let (certificate?, key?):
            let chain = try certificateChain(PEMFile(flag: certificate.flag, path: certificate.path), now: now, warnings: &warnings)
            let privateKey = try privateKey(PEMFile(flag: key.flag, path: key.path), user: "pspctl")
            try check(key: privateKey, matches: chain, warnings: &warnings)
            chainText = chain.file.text
            keyText = privateKey.file.text
        case (nil, nil):
            break
        case let (certificate?, nil):
            throw TLSFileError("\(certificate.flag) needs the key of that certificate too")
        case let (nil, key?):
            throw TLSFileError("\(key.flag) needs the certificate of that key too")
        }
        do {
            let context = try OpenSSLContext.client(trustedCAPEM: trusted, certificateChainPEM: chainText, privateKeyPEM: keyText)
            return CheckedCredentials(credentials: context, warnings: warnings)
        } catch {
            throw refused(error, certificate: certificate, key: key, ca: ca)
        }
    }

    /// What OpenSSL still refused after pspctl's own checks (a key type or curve it does not take …).
    private static func refused(_ error: OpenSSLContext.ConfigurationError, certificate: FlagFile?, key: FlagFile?,
                                ca: FlagFile?) -> TLSFileError {
        func name(_ file: FlagFile?) -> String { file.map { "\($0.flag) \($0.path)" } ?? "TLS" }
        switch error.part {
        case .certificate: return TLSFileError("\(name(certificate)): OpenSSL cannot use the certificate (\(error.reason))")
        case .privateKey: return TLSFileError("\(name(key)): OpenSSL cannot use the private key (\(error.reason))")
        case .keyMismatch:
            return TLSFileError("\(name(key)) does not match the certificate in \(name(certificate)) (\(error.reason))")
        case .trustedCertificates:
            return ca == nil ? TLSFileError("cannot load the system's trusted CA certificates (\(error.reason)); give a CA file")
                : TLSFileError("\(name(ca)): OpenSSL cannot use the CA certificates (\(error.reason))")
        case .library: return TLSFileError("OpenSSL cannot make a TLS context (\(error.reason))")
        }
    }
}
