import Foundation
import GRPCKit
import X509

/// Credentials made from the TLS flags' files, with what is worth a warning (an expired certificate).
public struct CheckedCredentials<Credentials: Sendable>: Sendable {
    public var credentials: Credentials
    public var warnings: [String]

    public init(credentials: Credentials, warnings: [String] = []) {
        self.credentials = credentials
        self.warnings = warnings
    }
}

/// The TLS flags' files turned into GRPCKit credentials, checked first so that a mistake is a clear
/// message at start-up rather than a handshake that fails later for every client:
///
/// - each file is readable and PEM (the flag and path named otherwise);
/// - a certificate file holds a CERTIFICATE block first (the leaf), which parses as X.509;
/// - a key file holds one unencrypted private key (PKCS#8, SEC 1 or PKCS#1);
/// - the key is the certificate's: its public key equals the certificate's subject public key;
/// - a CA file holds at least one certificate.
///
/// Key types swift-certificates cannot read (ECDSA, RSA and Ed25519 it can) are passed on unchecked,
/// with a warning; the gRPC core then judges them.
public enum TLSMaterial {
    /// A server's credentials: its certificate chain and key, and with `clientCA` mutual TLS (clients must
    /// present a certificate that CA signed). Flags named in messages: `--tls-cert`, `--tls-key`,
    /// `--tls-client-ca`.
    public static func server(certificatePath: String, keyPath: String, clientCAPath: String?,
                              now: Date = Date()) throws(TLSFileError) -> CheckedCredentials<ServerCredentials> {
        var warnings: [String] = []
        let chain = try certificateChain(PEMFile(flag: "--tls-cert", path: certificatePath), now: now, warnings: &warnings)
        let key = try privateKey(PEMFile(flag: "--tls-key", path: keyPath))
        try check(key: key, matches: chain, warnings: &warnings)
        let ca = try clientCAPath.map { path throws(TLSFileError) in try authorities(PEMFile(flag: "--tls-client-ca", path: path)) }
        return CheckedCredentials(credentials: .tls(certificateChain: chain.file.text, privateKey: key.file.text, clientCA: ca),
                                  warnings: warnings)
    }

    /// A client's credentials: the CA to trust (nil: the system's roots), optionally a client certificate
    /// and its key (both or neither), optionally the name to check instead of the target's host. Flags
    /// named in messages: `--tls-ca`, `--tls-cert`, `--tls-key`.
    public static func client(caPath: String?, certificatePath: String?, keyPath: String?, serverName: String?,
                              now: Date = Date()) throws(TLSFileError) -> CheckedCredentials<ChannelCredentials> {
        var warnings: [String] = []
        let ca = try caPath.map { path throws(TLSFileError) in try authorities(PEMFile(flag: "--tls-ca", path: path)) }
        var certificate: String?
        var key: String?
        switch (certificatePath, keyPath) {
        case let (certificatePath?, keyPath?):
            let chain = try certificateChain(PEMFile(flag: "--tls-cert", path: certificatePath), now: now, warnings: &warnings)
            let privateKey = try privateKey(PEMFile(flag: "--tls-key", path: keyPath))
            try check(key: privateKey, matches: chain, warnings: &warnings)
            certificate = chain.file.text
            key = privateKey.file.text
        case (nil, nil):
            break
        case (_?, nil):
            throw TLSFileError("--tls-cert needs --tls-key (the certificate's private key)")
        case (nil, _?):
            throw TLSFileError("--tls-key needs --tls-cert (the certificate of that key)")
        }
        return CheckedCredentials(credentials: .tls(rootCA: ca, clientCertificateChain: certificate, clientPrivateKey: key,
                                                    serverNameOverride: serverName),
                                  warnings: warnings)
    }

    // MARK: - The checks

    struct Chain {
        var file: PEMFile
        /// nil when its public key algorithm is one swift-certificates does not know.
        var leaf: Certificate?
    }

    struct Key {
        var file: PEMFile
        /// nil when its algorithm is one swift-certificates does not know.
        var key: Certificate.PrivateKey?
    }

    static func certificateChain(_ file: PEMFile, now: Date, warnings: inout [String]) throws(TLSFileError) -> Chain {
        guard let first = file.blocks.first else {
            throw TLSFileError("\(file.name): not a PEM file (no -----BEGIN CERTIFICATE----- block)")
        }
        guard first.label == "CERTIFICATE" else {
            if file.blocks.contains(where: { $0.label == "CERTIFICATE" }) {
                throw TLSFileError("\(file.name): the certificate must come first (the file holds \(file.contentsDescription))")
            }
            throw TLSFileError("\(file.name): holds no certificate (it holds \(file.contentsDescription)); give the PEM certificate, -----BEGIN CERTIFICATE-----")
        }
        let leaf: Certificate
        do {
            leaf = try Certificate(derEncoded: first.der)
        } catch let error as CertificateError where error.code == .unsupportedPublicKeyAlgorithm {
            warnings.append("\(file.name): cannot check that the key matches this certificate (its key algorithm is not one pspctl reads); the TLS library will")
            return Chain(file: file, leaf: nil)
        } catch {
            throw TLSFileError("\(file.name): the certificate is not valid X.509 (\(describe(error)))")
        }
        if leaf.notValidAfter < now {
            warnings.append("\(file.name): the certificate expired on \(timestamp(leaf.notValidAfter)); peers will refuse it")
        } else if leaf.notValidBefore > now {
            warnings.append("\(file.name): the certificate is not valid before \(timestamp(leaf.notValidBefore)); peers will refuse it until then")
        }
        return Chain(file: file, leaf: leaf)
    }

    static let keyLabels: Set = ["PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY"]

    /// `user`: who needs the key unencrypted, as the message says (gRPC, or pspctl's HTTP TLS).
    static func privateKey(_ file: PEMFile, user: String = "gRPC") throws(TLSFileError) -> Key {
        if file.blocks.contains(where: { $0.label == "ENCRYPTED PRIVATE KEY" || $0.isEncrypted }) {
            throw TLSFileError("\(file.name): the private key is encrypted; \(user) needs it unencrypted (`openssl pkey -in KEY -out KEY.plain`, then keep that file private)")
        }
        let keys = file.blocks.filter { keyLabels.contains($0.label) }
        guard let block = keys.first else {
            if file.blocks.isEmpty { throw TLSFileError("\(file.name): not a PEM file (no -----BEGIN PRIVATE KEY----- block)") }
            throw TLSFileError("\(file.name): holds no private key (it holds \(file.contentsDescription)); give the PEM private key, -----BEGIN PRIVATE KEY-----")
        }
        guard keys.count == 1 else { throw TLSFileError("\(file.name): holds \(keys.count) private keys; give one") }
        do {
            return Key(file: file, key: try Certificate.PrivateKey(pemDocument: .init(type: block.label, derBytes: block.der)))
        } catch let error as CertificateError where error.code == .unsupportedPrivateKey {
            return Key(file: file, key: nil)
        } catch {
            throw TLSFileError("\(file.name): the private key cannot be read (\(describe(error)))")
        }
    }

    static func check(key: Key, matches chain: Chain, warnings: inout [String]) throws(TLSFileError) {
        guard let leaf = chain.leaf else { return }
        guard let privateKey = key.key else {
            warnings.append("\(key.file.name): cannot check that this key matches \(chain.file.name) (its algorithm is not one pspctl reads); the TLS library will")
            return
        }
        guard privateKey.publicKey == leaf.publicKey else {
            throw TLSFileError("\(key.file.name) does not match the certificate in \(chain.file.name) (the certificate's public key is not this key's)")
        }
    }

    static func authorities(_ file: PEMFile) throws(TLSFileError) -> String {
        guard file.blocks.contains(where: { $0.label == "CERTIFICATE" || $0.label == "TRUSTED CERTIFICATE" }) else {
            if file.blocks.isEmpty { throw TLSFileError("\(file.name): not a PEM file (no -----BEGIN CERTIFICATE----- block)") }
            throw TLSFileError("\(file.name): holds no CA certificate (it holds \(file.contentsDescription))")
        }
        return file.text
    }

    private static func describe(_ error: Error) -> String {
        if let error = error as? CertificateError { return error.code.description }
        return "\(error)"
    }

    private static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
