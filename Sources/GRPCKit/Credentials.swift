import CGRPC
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// C strings copied for the duration of one credentials call (the core copies what it keeps).
private final class CStrings {
    private var pointers: [UnsafeMutablePointer<CChar>] = []
    deinit { pointers.forEach { free($0) } }
    func copy(_ text: String?) -> UnsafeMutablePointer<CChar>? {
        guard let text else { return nil }
        let pointer = strdup(text)!
        pointers.append(pointer)
        return pointer
    }
}

extension ServerCredentials {
    /// A new `grpc_server_credentials*`; the caller releases it.
    func makeCredentials() -> OpaquePointer? {
        switch self {
        case .insecure:
            return grpc_insecure_server_credentials_create()
        case let .tls(certificateChain, privateKey, clientCA):
            let strings = CStrings()
            var pair = grpc_ssl_pem_key_cert_pair(private_key: strings.copy(privateKey), cert_chain: strings.copy(certificateChain))
            let request = clientCA == nil
                ? GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE
                : GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY
            return withExtendedLifetime(strings) {
                grpc_ssl_server_credentials_create_ex(strings.copy(clientCA), &pair, 1, request, nil)
            }
        }
    }
}

extension ChannelCredentials {
    /// A new `grpc_channel_credentials*`; the caller releases it.
    func makeCredentials() -> OpaquePointer? {
        switch self {
        case .insecure:
            return grpc_insecure_credentials_create()
        case let .tls(rootCA, chain, key, _):
            let strings = CStrings()
            return withExtendedLifetime(strings) {
                if let chain, let key {
                    var pair = grpc_ssl_pem_key_cert_pair(private_key: strings.copy(key), cert_chain: strings.copy(chain))
                    return grpc_ssl_credentials_create(strings.copy(rootCA), &pair, nil, nil)
                }
                return grpc_ssl_credentials_create(strings.copy(rootCA), nil, nil, nil)
            }
        }
    }

    var serverNameOverride: String? {
        if case let .tls(_, _, _, name) = self { return name }
        return nil
    }
}
