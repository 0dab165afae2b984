/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_TLS_FAILURE_H
#define IPHTTPS_TLS_FAILURE_H

/*
 * Why a TLS handshake failed, in the operator's words: each reason has its
 * counter (tls_failed_*, tls_counters.h; iphttps_tls_handshake_failures_total
 * {reason} in the metrics) and a sentence for the log line, so that a
 * helpdesk ticket's Windows error (docs/TROUBLESHOOTING.md) leads to a count
 * and a line naming the client. The verify callback notes the certificate a
 * client presented before OpenSSL drops it, for the same line.
 */

#include <stdbool.h>
#include <stddef.h>

#include <openssl/ssl.h>

struct worker;

enum tls_failure {
	TLS_FAILURE_PEER_CLOSED,
	TLS_FAILURE_NOT_TLS,
	TLS_FAILURE_PROTOCOL_VERSION,
	TLS_FAILURE_NO_SHARED_CIPHER,
	TLS_FAILURE_CLIENT_ALERT_UNKNOWN_CA,
	TLS_FAILURE_CLIENT_ALERT_BAD_CERTIFICATE,
	TLS_FAILURE_CLIENT_ALERT_CERTIFICATE_EXPIRED,
	TLS_FAILURE_CLIENT_ALERT_OTHER,
	TLS_FAILURE_CLIENT_CERTIFICATE_MISSING,
	TLS_FAILURE_CLIENT_CERTIFICATE_UNKNOWN_CA,
	TLS_FAILURE_CLIENT_CERTIFICATE_REVOKED,
	TLS_FAILURE_CLIENT_CERTIFICATE_EXPIRED,
	TLS_FAILURE_CLIENT_CERTIFICATE_INVALID,
	TLS_FAILURE_OTHER,
	TLS_FAILURE_COUNT
};

/**
 * Classify the failed handshake of ssl from OpenSSL's error queue (peeked,
 * not cleared), the alert the client sent, and the verify result.
 * peer_closed: the client closed without an alert.
 */
enum tls_failure tls_failure_classify(const SSL *ssl, bool peer_closed);

/** Count it on w (its tls_failed_* counter). */
void tls_failure_count(struct worker *w, enum tls_failure why);

/** What it means, for the log ("the client does not trust the server certificate's CA"). */
const char *tls_failure_text(enum tls_failure why);

/** The reason's short name, as the metric's label and the event's field have it ("client_alert_unknown_ca"). */
const char *tls_failure_name(enum tls_failure why);

/**
 * The subject and issuer of the certificate ssl's client presented, as
 * "subject=...; issuer=..." (one line, at most len bytes), or "" when it
 * presented none or this thread noted none for ssl.
 */
const char *tls_failure_presented_certificate(const SSL *ssl, char *buf, size_t len);

/** The verify callback of a context that asks for client certificates (SSL_CTX_set_verify). */
int tls_failure_verify_callback(int preverify_ok, X509_STORE_CTX *store);

#endif
