/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_TLS_SESSION_H
#define IPHTTPS_TLS_SESSION_H

/*
 * Driving one OpenSSL SSL over one connection of the appliance's TCP: the
 * server handshake (with SSL_MODE_ASYNC pauses), reading and writing
 * records, close_notify. What the bytes mean is the layer above's business;
 * this file knows TLS and TCP only.
 *
 * Failures the peer causes are counted (tls_* counters) and logged rate
 * limited with the peer's address (log_peer.h). An SSL is never freed under
 * a paused asynchronous job: the owner first runs the job to its end
 * (tls_session_finish_job).
 */

#include <stdbool.h>
#include <stdint.h>

#include <openssl/ssl.h>

#include "tls_bio.h"

struct worker;
struct tcp_conn;

/* Where a handshake stands with the worker's budget of full handshakes (tls_admission.h). */
enum tls_admission_state {
	TLS_ADMISSION_NONE,     /* not asked yet (or a resumption, which never asks) */
	TLS_ADMISSION_WAITING,  /* over the budget: in the session layer's FIFO */
	TLS_ADMISSION_TURN,     /* first in the FIFO, the budget ready: its next step is admitted */
	TLS_ADMISSION_ADMITTED, /* a full handshake within the budget */
};

struct tls_session {
	SSL *ssl;                       /* NULL when not open */
	struct tls_transport transport; /* what its BIO reads and writes */
	uint8_t admission;              /* enum tls_admission_state */
};

enum tls_session_status {
	TLS_SESSION_DONE,    /* the handshake is complete */
	TLS_SESSION_WAIT,    /* waiting for the peer (more input, or send space) */
	TLS_SESSION_PAUSED,  /* an asynchronous job paused: call again from the worker's poll */
	TLS_SESSION_DEFERRED, /* a full handshake over the worker's budget: call again at its turn (tls_admission.h) */
	TLS_SESSION_FAILED,  /* the handshake failed (an alert is queued when there is one) */
};

enum tls_session_read_result {
	TLS_SESSION_READ_EOF = -1,   /* close_notify, or the peer's FIN: the stream ended */
	TLS_SESSION_READ_ERROR = -2, /* a bad record (counted and logged) */
};

/**
 * Open a server-side SSL on connection c with the current context
 * (tls_context.h). @return 0, or -1 when memory runs out (nothing to free).
 */
int tls_session_open(struct tls_session *t, struct worker *w, struct tcp_conn *c);

/** Take the handshake one step further. */
enum tls_session_status tls_session_handshake(struct tls_session *t);

/**
 * Read decrypted bytes. @return bytes (> 0), 0 when nothing waits now,
 * TLS_SESSION_READ_EOF or TLS_SESSION_READ_ERROR.
 */
int tls_session_read(struct tls_session *t, uint8_t *buf, uint32_t len);

/** Write len bytes as records into the connection's send queue. @return whether all were taken. */
bool tls_session_write(struct tls_session *t, const void *buf, uint32_t len);

/** Queue close_notify, if the handshake finished (a failed one has its alert queued already). */
void tls_session_close_notify(struct tls_session *t);

/** The connection went: the BIO reads end of stream from now on. */
void tls_session_detach_transport(struct tls_session *t);

/**
 * Run a paused job on once its connection is gone (the handshake cannot
 * succeed any more). @return true when the job has ended and the SSL may be freed.
 */
bool tls_session_finish_job(struct tls_session *t);

/* Why the last handshake of this thread that failed did (tls_failure.h), for the session layer's event. */
struct tls_refusal {
	const char *reason;  /* tls_failure_name: "client_certificate_revoked" */
	const char *text;    /* tls_failure_text */
	char certificate[320]; /* "subject=...; issuer=..." the client presented, or "" */
};

/** What t's failed handshake (TLS_SESSION_FAILED just now) was. @return false when it is not known. */
bool tls_session_refusal(const struct tls_session *t, struct tls_refusal *r);

/* What the operator sees of a session's TLS (`iphttpsctl clients`). */
struct tls_session_description {
	char version[16];  /* "TLSv1.3"; empty before the handshake ends */
	char suite[64];    /* "TLS_AES_128_GCM_SHA256", "NULL-SHA256" */
	char peer_subject[256]; /* the client certificate's subject (RFC 2253), empty without one */
};

/** A certificate name as RFC 2253 text into out (size bytes, terminated; empty when it does not print). */
void tls_x509_name_text(const X509_NAME *name, char *out, size_t size);

/** Describe t (on its worker's lcore: the SSL is the worker's). */
void tls_session_describe(const struct tls_session *t, struct tls_session_description *d);

/** Free the SSL (no job paused in it). */
void tls_session_free(struct tls_session *t);

#endif
