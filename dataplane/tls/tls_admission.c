/* SPDX-License-Identifier: BSD-3-Clause */
#include "tls_admission.h"

#include "tls_counters.h"
#include "tls_session.h"
#include "token_bucket.h"
#include "worker.h"

/* The bucket holds a tenth of a second's budget (and one at least): a burst
 * after a quiet spell is admitted at once, a storm at the configured rate. */
enum { BURST_DIVISOR = 10 };

/* Per worker, by id: touched by that worker only. The bucket starts empty
 * at clock 0, which the first refill (10 s counted at most) fills. */
static struct {
	struct token_bucket bucket; /* of full handshakes */
	uint32_t waiting;           /* handshakes in the session layer's FIFO */
} admission[CONFIG_MAX_WORKERS];

static uint32_t rate_of(const struct worker *w)
{
	return w->config->limits.full_handshakes_per_second;
}

/* Refill w's bucket; take one handshake from it when take is set. @return whether one was there. */
static bool budget(struct worker *w, bool take)
{
	uint64_t rate = rate_of(w), burst = rate / BURST_DIVISOR + 1;
	struct token_bucket *b = &admission[w->id].bucket;

	return take ? token_bucket_take(b, w->now_us, rate, burst, 1) : token_bucket_holds(b, w->now_us, rate, burst, 1);
}

bool tls_admission_ready(struct worker *w)
{
	return rate_of(w) == 0 || budget(w, false);
}

void tls_admission_waiting(struct worker *w, int change)
{
	admission[w->id].waiting = (uint32_t)((int64_t)admission[w->id].waiting + change);
}

uint32_t tls_admission_held(const struct worker *w)
{
	return admission[w->id].waiting;
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
		bool turn = t->admission == TLS_ADMISSION_TURN || admission[w->id].waiting == 0;

		if (!turn || !budget(w, true)) {
			if (t->admission == TLS_ADMISSION_NONE)
				counter(w, tls_full_handshakes_deferred)++;
			t->admission = TLS_ADMISSION_WAITING;
			return -1;
		}
	}
	t->admission = TLS_ADMISSION_ADMITTED;
	counter(w, tls_full_handshakes_admitted)++;
	return 1;
}

void tls_admission_attach(SSL_CTX *ctx)
{
	SSL_CTX_set_cert_cb(ctx, tls_admission_cert_cb, NULL);
}
