/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_TLS_COUNTERS_H
#define IPHTTPS_TLS_COUNTERS_H

/*
 * The TLS layer's counters: handshakes, their failures by reason, asynchronous
 * jobs, record errors.
 * Each X(name, help) is one per-worker counter: counter(w, name)++ counts it,
 * the control plane exports it under its name with its help. A layer declares
 * the counters it counts; its slots follow those of the layer below, so that
 * a file can count only what its own layer and the ones below declare
 * (dataplane/core/counters.h; dataplane/worker_counters.h collects them all).
 */

#include "tcp_counters.h"

/* Failed handshakes, one counter per reason (tls/tls_failure.h): the metric
 * iphttps_tls_handshake_failures_total{reason} has one series per counter,
 * and `show` sums them. */
#define TLS_FAILURE_COUNTERS(X)                                                               \
	X(tls_failed_peer_closed, "TLS handshakes the client abandoned: closed without an alert") \
	X(tls_failed_not_tls, "connections to a TLS listener that did not speak TLS (plain HTTP or other bytes)") \
	X(tls_failed_protocol_version, "TLS handshakes with no version in common (tls.min_version, max_version)") \
	X(tls_failed_no_shared_cipher, "TLS handshakes with no suite, group or signature algorithm in common") \
	X(tls_failed_client_alert_unknown_ca, "the client does not trust the server certificate's CA (its alert unknown_ca)") \
	X(tls_failed_client_alert_bad_certificate, "the client refused the server certificate (alerts bad_certificate, certificate_unknown, revoked)") \
	X(tls_failed_client_alert_certificate_expired, "the client says the server certificate has expired") \
	X(tls_failed_client_alert_other, "the client ended the handshake with another alert") \
	X(tls_failed_client_certificate_missing, "certificates mode: the client presented no certificate") \
	X(tls_failed_client_certificate_unknown_ca, "the client certificate is not from tls.client_ca") \
	X(tls_failed_client_certificate_revoked, "the client certificate (or its issuer) is in tls.client_crl") \
	X(tls_failed_client_certificate_expired, "the client certificate has expired or is not yet valid") \
	X(tls_failed_client_certificate_invalid, "the client certificate failed verification otherwise (CRL, purpose, signature)") \
	X(tls_failed_other, "TLS handshakes that failed otherwise (the log names OpenSSL's error)")


#define TLS_COUNTERS(X) \
	X(tls_handshake_cycles, "TSC cycles spent inside SSL_do_handshake (crypto and TLS state machine)") \
	X(tls_handshakes, "TLS handshakes completed") \
	X(tls_handshakes_resumed, "of them, resumed from a session ticket (no private-key operation)") \
	X(tls_full_handshakes_admitted, "full TLS handshakes admitted within the worker's limits.full_handshakes_per_second") \
	X(tls_full_handshakes_deferred, "full TLS handshakes that waited for the budget (each once): a storm, held back") \
	TLS_FAILURE_COUNTERS(X) \
	X(tls_async_paused, "TLS operations paused by an asynchronous job (SSL_ERROR_WANT_ASYNC)") \
	X(tls_errors, "TLS errors on established sessions (bad record, MAC)")

enum tls_counter {
	TLS_COUNTER_BEFORE = TCP_COUNTER_END - 1,
	TLS_COUNTERS(COUNTER_ENUM)
	TLS_COUNTER_END
};

#endif
