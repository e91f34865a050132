// The system OpenSSL (Debian libssl-dev, the library the gRPC core already loads), for NIOOpenSSL only.
// OpenSSL's function-like macros are not imported by Swift; these inline functions stand for the few
// NIOOpenSSL uses.
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

static inline int pspctl_ssl_ctx_set_min_tls12(SSL_CTX *ctx) {
    return (int)SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
}

static inline int pspctl_ssl_ctx_add1_chain_cert(SSL_CTX *ctx, X509 *certificate) {
    return (int)SSL_CTX_add1_chain_cert(ctx, certificate);
}

static inline int pspctl_ssl_set_sni(SSL *ssl, const char *name) {
    return (int)SSL_set_tlsext_host_name(ssl, name);
}

/// A memory BIO that, when empty, asks for more (retry) instead of reporting the end of the stream.
static inline void pspctl_bio_set_retry_when_empty(BIO *bio) {
    (void)BIO_set_mem_eof_return(bio, -1);
}

static inline int pspctl_err_is_http_request(unsigned long error) {
    return ERR_GET_LIB(error) == ERR_LIB_SSL
        && (ERR_GET_REASON(error) == SSL_R_HTTP_REQUEST || ERR_GET_REASON(error) == SSL_R_HTTPS_PROXY_REQUEST);
}
