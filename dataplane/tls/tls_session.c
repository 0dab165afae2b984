/* SPDX-License-Identifier: BSD-3-Clause */
#include "tls_session.h"

#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509.h>
#include <rte_cycles.h>

#include "log_peer.h"
#include "tcp.h"
#include "tls_context.h"
#include "tls_counters.h"
#include "tls_error.h"
#include "tls_failure.h"
#include "worker.h"

/* Name the peer and OpenSSL's reason, when the level is on; always empty the error queue. */
static void log_failure(struct tls_session *t, const char *what)
{
	struct worker *w = t->transport.w;

	if (rte_log_can_log(RTE_LOGTYPE_IPHTTPS, RTE_LOG_DEBUG) && t->transport.conn) {
		struct in6_addr peer;
		uint16_t port;
		char reason[256];

		tcp_peer_address(t->transport.conn, &peer, &port);
		log_peer(w, DEBUG, &peer, port, "%s: %s", what, tls_error_text(reason, sizeof(reason)));
	}
	ERR_clear_error();
}

/* At debug, every client that got through TLS: version, suite, certificate. */
static void log_handshake_done(struct tls_session *t)
{
	struct in6_addr peer;
	uint16_t port;
	char certificate[512];

	tcp_peer_address(t->transport.conn, &peer, &port);
	tls_failure_presented_certificate(t->ssl, certificate, sizeof(certificate));
	log_peer(t->transport.w, DEBUG, &peer, port, "TLS handshake done: %s %s%s%s", SSL_get_version(t->ssl),
		 SSL_get_cipher_name(t->ssl), certificate[0] ? "; presented " : "", certificate);
}

/*
 * A refused client, as the helpdesk needs it: counted by reason, and one
 * info line (within the worker's budget of lines about peers) with the
 * outer address, the reason, the certificate the client presented and
 * OpenSSL's own words.
 */
/* The last refusal on this thread: read by the session layer right after TLS_SESSION_FAILED. */
static __thread struct {
	const SSL *ssl;
	enum tls_failure why;
	char certificate[sizeof(((struct tls_refusal *)0)->certificate)];
} last_refusal;

bool tls_session_refusal(const struct tls_session *t, struct tls_refusal *r)
{
	if (!t->ssl || last_refusal.ssl != t->ssl)
		return false;
	r->reason = tls_failure_name(last_refusal.why);
	r->text = tls_failure_text(last_refusal.why);
	snprintf(r->certificate, sizeof(r->certificate), "%s", last_refusal.certificate);
	last_refusal.ssl = NULL;
	return true;
}

static void handshake_failed(struct tls_session *t, bool peer_closed)
{
	struct worker *w = t->transport.w;
	enum tls_failure why = tls_failure_classify(t->ssl, peer_closed);
	char *certificate = last_refusal.certificate;

	tls_failure_count(w, why);
	last_refusal.ssl = t->ssl;
	last_refusal.why = why;
	tls_failure_presented_certificate(t->ssl, certificate, sizeof(last_refusal.certificate));
	if (rte_log_can_log(RTE_LOGTYPE_IPHTTPS, RTE_LOG_INFO) && t->transport.conn) {
		struct in6_addr peer;
		uint16_t port;
		char openssl[256];

		tcp_peer_address(t->transport.conn, &peer, &port);
		tls_error_text(openssl, sizeof(openssl));
		log_peer(w, INFO, &peer, port, "TLS handshake refused (%s): %s%s%s%s%s", tls_failure_name(why),
			 tls_failure_text(why), certificate[0] ? "; presented " : "", certificate,
			 openssl[0] ? "; OpenSSL: " : "", openssl);
	}
	ERR_clear_error();
}

int tls_session_open(struct tls_session *t, struct worker *w, struct tcp_conn *c)
{
	BIO *bio;

	t->transport.w = w;
	t->transport.conn = c;
	t->admission = TLS_ADMISSION_NONE;
	t->ssl = SSL_new(tls_context_current());
	bio = t->ssl ? tls_bio_new(&t->transport) : NULL;
	if (!bio) {
		SSL_free(t->ssl);
		t->ssl = NULL;
		ERR_clear_error();
		return -1;
	}
	SSL_set_bio(t->ssl, bio, bio);
	SSL_set_app_data(t->ssl, t); /* for the admission callback (tls_admission.c) */
	SSL_set_accept_state(t->ssl);
	return 0;
}

enum tls_session_status tls_session_handshake(struct tls_session *t)
{
	struct worker *w = t->transport.w;
	uint64_t start = rte_rdtsc();
	int rc = SSL_do_handshake(t->ssl);

	counter(w, tls_handshake_cycles) += rte_rdtsc() - start;
	if (rc == 1) {
		counter(w, tls_handshakes)++;
		if (SSL_session_reused(t->ssl))
			counter(w, tls_handshakes_resumed)++;
		if (rte_log_can_log(RTE_LOGTYPE_IPHTTPS, RTE_LOG_DEBUG) && t->transport.conn)
			log_handshake_done(t);
		/* Asynchronous engines pay off for the private-key operation; records
		 * are cheap, so the bulk path skips the job switch of SSL_MODE_ASYNC. */
		SSL_clear_mode(t->ssl, SSL_MODE_ASYNC);
		return TLS_SESSION_DONE;
	}
	switch (SSL_get_error(t->ssl, rc)) {
	case SSL_ERROR_WANT_READ:
		if (tcp_peer_closed(t->transport.conn) && tcp_readable_bytes(t->transport.conn) == 0) {
			handshake_failed(t, true);
			return TLS_SESSION_FAILED;
		}
		return TLS_SESSION_WAIT;
	case SSL_ERROR_WANT_WRITE:
		tcp_want_writable(t->transport.conn);
		return TLS_SESSION_WAIT;
	case SSL_ERROR_WANT_ASYNC:
		/* An engine paused the job (a key operation in flight): the worker
		 * serves others meanwhile and resumes this one from its poll. */
		counter(w, tls_async_paused)++;
		return TLS_SESSION_PAUSED;
	case SSL_ERROR_WANT_X509_LOOKUP:
		/* The certificate callback held a full handshake over the budget. */
		return TLS_SESSION_DEFERRED;
	default:
		handshake_failed(t, false);
		return TLS_SESSION_FAILED;
	}
}

int tls_session_read(struct tls_session *t, uint8_t *buf, uint32_t len)
{
	size_t got;
	int rc = SSL_read_ex(t->ssl, buf, len, &got);

	if (rc == 1)
		return (int)got;
	switch (SSL_get_error(t->ssl, rc)) {
	case SSL_ERROR_WANT_READ:
		if (tcp_peer_closed(t->transport.conn) && tcp_readable_bytes(t->transport.conn) == 0)
			return TLS_SESSION_READ_EOF;
		return 0;
	case SSL_ERROR_WANT_WRITE:
		tcp_want_writable(t->transport.conn);
		return 0;
	case SSL_ERROR_ZERO_RETURN: /* close_notify, or EOF (SSL_OP_IGNORE_UNEXPECTED_EOF) */
		return TLS_SESSION_READ_EOF;
	default:
		counter(t->transport.w, tls_errors)++;
		log_failure(t, "TLS error");
		return TLS_SESSION_READ_ERROR;
	}
}

bool tls_session_write(struct tls_session *t, const void *buf, uint32_t len)
{
	size_t written;

	if (SSL_write_ex(t->ssl, buf, len, &written) == 1)
		return true;
	ERR_clear_error();
	return false;
}

void tls_session_close_notify(struct tls_session *t)
{
	/* close_notify, which we do not wait for; not before the handshake is done. */
	if (t->ssl && SSL_is_init_finished(t->ssl))
		SSL_shutdown(t->ssl);
	ERR_clear_error();
}

void tls_session_detach_transport(struct tls_session *t)
{
	t->transport.conn = NULL;
}

bool tls_session_finish_job(struct tls_session *t)
{
	int rc = SSL_do_handshake(t->ssl);

	if (rc <= 0 && SSL_get_error(t->ssl, rc) == SSL_ERROR_WANT_ASYNC)
		return false;
	ERR_clear_error();
	return true;
}

void tls_session_free(struct tls_session *t)
{
	SSL_free(t->ssl);
	t->ssl = NULL;
}

void tls_x509_name_text(const X509_NAME *name, char *out, size_t size)
{
	BIO *bio = BIO_new(BIO_s_mem());

	out[0] = '\0';
	if (bio && X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253) >= 0) {
		int n = BIO_read(bio, out, (int)size - 1);

		out[n > 0 ? n : 0] = '\0';
	}
	BIO_free(bio);
	ERR_clear_error();
}

void tls_session_describe(const struct tls_session *t, struct tls_session_description *d)
{
	X509 *peer;

	memset(d, 0, sizeof(*d));
	if (!t->ssl || !SSL_is_init_finished(t->ssl))
		return;
	snprintf(d->version, sizeof(d->version), "%s", SSL_get_version(t->ssl));
	snprintf(d->suite, sizeof(d->suite), "%s", SSL_CIPHER_get_name(SSL_get_current_cipher(t->ssl)));
	peer = SSL_get0_peer_certificate(t->ssl);
	if (peer)
		tls_x509_name_text(X509_get_subject_name(peer), d->peer_subject, sizeof(d->peer_subject));
	ERR_clear_error();
}
