/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_TLS_ADMISSION_H
#define IPHTTPS_TLS_ADMISSION_H

/*
 * Admission control for full TLS handshakes: each worker admits at most
 * limits.full_handshakes_per_second of them (a token bucket holding a tenth
 * of a second's worth), so that a reconnect storm (every client of a restarted
 * or failed-over appliance at once) cannot take the worker from the
 * sessions already up. A full handshake costs the worker a private-key
 * signature (RSA-2048: about 0.5 ms); a resumption costs a ticket's AES and
 * HMAC, and is never held.
 *
 * The decision sits in OpenSSL's certificate callback, which OpenSSL 3 calls
 * for full handshakes only, after it has opened the client's ticket and
 * before any key exchange or signature: a client cannot claim a resumption
 * it does not have (a bogus ticket makes it a full handshake, held like any
 * other). A handshake over the budget stops there (SSL_ERROR_WANT_X509_LOOKUP;
 * tls_session_handshake says TLS_SESSION_DEFERRED) and waits in the session
 * layer's queue for its source (session_timers.c), which gives it its turn
 * when the budget allows, the turns going round the sources; its handshake
 * deadline still runs, so a wait is bounded (limits.tls_handshake_timeout_ms).
 * Newcomers queue behind those waiting.
 *
 * Counted: tls_full_handshakes_admitted, tls_full_handshakes_deferred (each
 * handshake once, when it first waits), tls_handshakes_resumed.
 */

#include <stdbool.h>
#include <stdint.h>

#include <openssl/ssl.h>

struct worker;
struct tls_session;

/** Make ctx's full handshakes ask the budget (tls_context_create). */
void tls_admission_attach(SSL_CTX *ctx);

/**
 * The certificate callback tls_admission_attach sets, for a test that wraps
 * it in its own. @return 1 (go on) or -1 (wait: SSL_ERROR_WANT_X509_LOOKUP).
 */
int tls_admission_cert_cb(SSL *ssl, void *arg);

/** Whether w's budget has a full handshake to give now (refilled from w's clock). */
bool tls_admission_ready(struct worker *w);

/** The session layer's queues of handshakes waiting on w grew (+1) or shrank (-1). */
void tls_admission_waiting(struct worker *w, int change);

/** How many handshakes wait on w (the sum of tls_admission_waiting's changes). */
uint32_t tls_admission_held(const struct worker *w);

/** It is t's turn: its next handshake step takes the budget (ready) before anyone new. */
void tls_admission_give_turn(struct tls_session *t);

#endif
