/// The pairing rules every set of TLS flags shares (`--tls-…`, `--http-tls-…`, `--webhook-tls-…`,
/// `--alerts-http-…`): a certificate needs its key and a key its certificate; a client CA needs both.
/// The message of the first rule broken (a usage error), nil when none is.
public enum TLSFlagPairing {
    /// `certificateFlag`, `keyFlag`, `clientCAFlag`: the flags' names; `clientCAReason`: why a client CA
    /// needs the server's certificate (nil when the set has no client CA flag).
    public static func problem(certificate: String?, key: String?, clientCA: String? = nil,
                               certificateFlag: String, keyFlag: String, clientCAFlag: String? = nil,
                               clientCAReason: String = "client certificates are checked over TLS") -> String? {
        switch (certificate, key) {
        case (_?, nil): return "\(certificateFlag) needs \(keyFlag) (the certificate's private key)"
        case (nil, _?): return "\(keyFlag) needs \(certificateFlag) (the certificate of that key)"
        default: break
        }
        if let clientCAFlag, clientCA != nil, certificate == nil {
            return "\(clientCAFlag) needs \(certificateFlag) and \(keyFlag) (\(clientCAReason))"
        }
        return nil
    }
}
