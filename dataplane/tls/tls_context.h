/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_TLS_CONTEXT_H
#define IPHTTPS_TLS_CONTEXT_H

/*
 * The appliance's TLS policy, built once from the config into one OpenSSL
 * SSL_CTX that every worker shares read-only (SSL_new per connection is
 * thread-safe on a context nobody modifies):
 *
 *   - versions tls.min_version..max_version; tls.ciphers (<= 1.2) and
 *     tls.ciphersuites (1.3)
 *   - tls.null_encryption admits TLS_RSA_WITH_NULL_SHA256 / _SHA, which
 *     Windows 8+ DirectAccess clients offer and prefer (their inner traffic is
 *     IPsec); it lowers the security level to 0, which OpenSSL requires for
 *     suites without encryption
 *   - authentication "certificates" ([MS-IPHTTPS] §3.2.1): a client
 *     certificate is required and must chain to tls.client_ca and not be
 *     revoked by tls.client_crl; "none": no certificate is requested
 *   - SSL_MODE_RELEASE_BUFFERS (idle sessions hold no record buffers),
 *     SSL_MODE_ASYNC (an offload engine may pause a handshake), no
 *     client-initiated renegotiation, no server-side session cache (its lock
 *     would be shared by every worker); resumption by stateless tickets.
 */

#include <openssl/ssl.h>

struct iphttps_config;

/**
 * Build the context. @return it, or NULL with a message naming the config
 * key and OpenSSL's reason in err.
 */
SSL_CTX *tls_context_create(const struct iphttps_config *config, char *err, size_t err_len);

/** Free a context: this drops the owner's reference; sessions still on it keep it until they end. */
void tls_context_free(SSL_CTX *ctx);

/*
 * The context in force, owned here. New handshakes take it (SSL_new holds a
 * reference of its own, so a session keeps its context for its whole life);
 * a reload or an authentication-mode change swaps in a new one while the
 * sessions on the old one finish. The caller of tls_context_swap frees the
 * previous context (tls_context_free) once every worker has passed a
 * quiescent state, as no worker may then be between reading the pointer and
 * SSL_new.
 */

/** The context new handshakes use; NULL when no https listener is configured. */
SSL_CTX *tls_context_current(void);

/** Make ctx (owned from now on) the current context. @return the previous one, for the caller to free. */
SSL_CTX *tls_context_swap(SSL_CTX *ctx);

#endif
