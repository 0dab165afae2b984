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
 *   - the server's order of suites; tls.null_encryption puts
 *     TLS_RSA_WITH_NULL_SHA256 / _SHA first, which Windows 8+ DirectAccess
 *     clients offer near the end of their list (their inner traffic is
 *     IPsec), admitted by a security callback while the security level stays
 *     as it was for everything else
 *   - authentication "certificates" ([MS-IPHTTPS] §3.2.1): a client
 *     certificate is required and must chain to tls.client_ca (depth at most
 *     TLS_VERIFY_DEPTH_MAX) with no certificate of the chain revoked by
 *     tls.client_crl; "none": no certificate is requested
 *   - SSL_MODE_RELEASE_BUFFERS (idle sessions hold no record buffers),
 *     SSL_MODE_ASYNC (an offload engine may pause a handshake), no
 *     client-initiated renegotiation, no server-side session cache (its lock
 *     would be shared by every worker); resumption by stateless tickets, with
 *     a session-id context so that verified sessions resume.
 */

#include <stdbool.h>

#include <openssl/ssl.h>

/* The TLS layer's fixed values. */
enum tls_limits {
	TLS_VERIFY_DEPTH_MAX = 4, /* client certificate chains: leaf, intermediates, root */
};
#define TLS_SESSION_ID_CONTEXT "iphttps" /* tickets from another application are not resumed */

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

/**
 * Whether ctx was built for the trust in force now (the authentication mode,
 * the client CA and CRL: its session-id context). A handshake that began on
 * a context since replaced by one of another trust ends on the old rules
 * (a mode change's disconnect walks the workers chunk by chunk, and a
 * handshake finishing behind the walk would be admitted under mode none):
 * the session checks this as its handshake ends.
 */
bool tls_context_trust_is_current(const SSL_CTX *ctx);

/** The context new handshakes use; NULL when no https listener is configured. */
SSL_CTX *tls_context_current(void);

/** Make ctx (owned from now on) the current context. @return the previous one, for the caller to free. */
SSL_CTX *tls_context_swap(SSL_CTX *ctx);

#endif
