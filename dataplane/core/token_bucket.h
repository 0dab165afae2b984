/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_TOKEN_BUCKET_H
#define IPHTTPS_TOKEN_BUCKET_H

/*
 * A token bucket on the worker's microsecond clock: a rate and a burst of
 * units (bytes for a session's policers, link_rate.h; full handshakes for a
 * worker's admission, tls_admission.c). Tokens are kept in millionths of a
 * unit, so a slow rate refilled every microsecond loses nothing to
 * rounding. Owned by one worker, so no atomics.
 */

#include <stdbool.h>
#include <stdint.h>

struct token_bucket {
	uint64_t micro_units; /* what may pass now, in millionths of a unit */
	uint64_t stamp_us;    /* the clock at the last refill */
};

enum {
	/* A refill counts at most this long: a bucket unused for longer is full
	 * anyway, and rate x elapsed stays far from wrapping (100 Gbit/s in
	 * bytes x 10 s is 1.25e17 millionths, a 64-bit word holds 1.8e19). */
	TOKEN_BUCKET_MAX_ELAPSED_US = 10 * 1000 * 1000,
};

/** Refill b at now_us at rate units/s up to burst units. @return whether it holds units now (nothing taken). */
static inline bool token_bucket_holds(struct token_bucket *b, uint64_t now_us, uint64_t rate, uint64_t burst,
				      uint32_t units)
{
	/* A clock earlier than the stamp (a worker's never is; a test's fake
	 * clock set back is) cannot say what passed: count it as a long wait. */
	uint64_t elapsed = now_us >= b->stamp_us ? now_us - b->stamp_us : TOKEN_BUCKET_MAX_ELAPSED_US;
	uint64_t cap = burst * 1000000;

	if (elapsed > TOKEN_BUCKET_MAX_ELAPSED_US)
		elapsed = TOKEN_BUCKET_MAX_ELAPSED_US;
	b->stamp_us = now_us;
	b->micro_units += rate * elapsed; /* units/s x us = millionths of a unit */
	if (b->micro_units > cap)
		b->micro_units = cap;
	return b->micro_units >= (uint64_t)units * 1000000;
}

/** Take units from b at now_us, refilled as token_bucket_holds. @return false (nothing taken) when it holds fewer. */
static inline bool token_bucket_take(struct token_bucket *b, uint64_t now_us, uint64_t rate, uint64_t burst,
				     uint32_t units)
{
	if (!token_bucket_holds(b, now_us, rate, burst, units))
		return false;
	b->micro_units -= (uint64_t)units * 1000000;
	return true;
}

/** Start b full, whatever its burst will be (the first take caps it): a new flow may burst at once. */
static inline void token_bucket_start(struct token_bucket *b, uint64_t now_us)
{
	b->micro_units = UINT64_MAX / 4; /* over any cap, and rate x elapsed added to it cannot wrap */
	b->stamp_us = now_us;
}

#endif
