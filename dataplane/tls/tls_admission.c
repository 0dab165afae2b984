/* SPDX-License-Identifier: BSD-3-Clause */
#include "tls_admission.h"

#include "tls_counters.h"
#include "tls_session.h"
#include "worker.h"

enum {
	/* The bucket holds this fraction of a second's budget: a burst after a
	 * quiet spell is admitted at once, a storm at the configured rate. */
	BUCKET_DIVISOR = 10,
	MILLI = 1000, /* tokens are counted in thousandths, refilled each millisecond */
};

/* Per worker, by id: touched by that worker only. */
static struct {
	uint64_t milli_tokens; /* thousandths of a full handshake */
	uint64_t refilled_ms;  /* the worker clock at the last refill */
	uint32_t waiting;      /* handshakes in the session layer's FIFO */
} buckets[CONFIG_MAX_WORKERS];

static uint32_t rate_of(const struct worker *w)
{
	return w->config->limits.full_handshakes_per_second;
}

static void refill(struct worker *w)
{
	uint64_t per_second = rate_of(w), cap = (per_second / BUCKET_DIVISOR + 1) * MILLI;
	uint64_t elapsed = w->now_ms - buckets[w->id].refilled_ms;

	/* rate x elapsed ms = thousandths of handshakes; capped before it can wrap. */
	if (elapsed > 1000)
		elapsed = 1000;
	buckets[w->id].milli_tokens += per_second * elapsed;
	if (buckets[w->id].milli_tokens > cap)
		buckets[w->id].milli_tokens = cap;
	buckets[w->id].refilled_ms = w->now_ms;
}

bool tls_admission_ready(struct worker *w)
{
	if (rate_of(w) == 0)
		return true;
	refill(w);
	return buckets[w->id].milli_tokens >= MILLI;
}

void tls_admission_waiting(struct worker *w, int change)
{
	buckets[w->id].waiting = (uint32_t)((int64_t)buckets[w->id].waiting + change);
}

void tls_admission_give_turn(struct tls_session *t)
{
	t->admission = TLS_ADMISSION_TURN;
}

/* OpenSSL 3 calls it on full handshakes only (statem_srvr.c, tls_post_process_client_hello). */
int tls_admission_cert_cb(SSL *ssl, void *arg)
{
	struct tls_session *t = SSL_get_app_data(ssl);
	struct worker *w = t->transport.w;

	(void)arg;
	if (t->admission == TLS_ADMISSION_ADMITTED)
		return 1; /* a second ClientHello (after a HelloRetryRequest) */
	if (rate_of(w) != 0) {
		/* First come, first served: a newcomer waits while others do. */
		bool turn = t->admission == TLS_ADMISSION_TURN || buckets[w->id].waiting == 0;

		if (!turn || !tls_admission_ready(w)) {
			if (t->admission == TLS_ADMISSION_NONE)
				counter(w, tls_full_handshakes_deferred)++;
			t->admission = TLS_ADMISSION_WAITING;
			return -1;
		}
		buckets[w->id].milli_tokens -= MILLI;
	}
	t->admission = TLS_ADMISSION_ADMITTED;
	counter(w, tls_full_handshakes_admitted)++;
	return 1;
}

void tls_admission_attach(SSL_CTX *ctx)
{
	SSL_CTX_set_cert_cb(ctx, tls_admission_cert_cb, NULL);
}
