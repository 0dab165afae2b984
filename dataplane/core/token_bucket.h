/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_TOKEN_BUCKET_H
#define IPHTTPS_TOKEN_BUCKET_H

/*
 * A token bucket of bytes on the worker's microsecond clock: a rate and a
 * burst, for policing one flow (a session's packets each way). Tokens are
 * kept in millionths of a byte, so a slow rate refilled every microsecond
 * loses nothing to rounding. Owned by one worker, so no atomics.
 */

#include <stdbool.h>
#include <stdint.h>

struct token_bucket {
	uint64_t micro_bytes; /* what may pass now, in millionths of a byte */
	uint64_t stamp_us;    /* the clock at the last refill */
};

enum {
	/* A refill counts at most this long: a bucket unused for longer is full
	 * anyway, and rate x elapsed stays far from wrapping (10 Gbit/s x 10 s). */
	TOKEN_BUCKET_MAX_ELAPSED_US = 10 * 1000 * 1000,
};

/**
 * Take bytes from b at now_us, refilling at rate bytes/s up to burst bytes.
 * @return false (nothing taken) when b holds fewer than bytes.
 */
static inline bool token_bucket_take(struct token_bucket *b, uint64_t now_us, uint64_t rate, uint64_t burst,
				     uint32_t bytes)
{
	uint64_t elapsed = now_us > b->stamp_us ? now_us - b->stamp_us : 0, cap = burst * 1000000;

	if (elapsed > TOKEN_BUCKET_MAX_ELAPSED_US)
		elapsed = TOKEN_BUCKET_MAX_ELAPSED_US;
	b->stamp_us = now_us;
	b->micro_bytes += rate * elapsed; /* bytes/s x us = millionths of a byte */
	if (b->micro_bytes > cap)
		b->micro_bytes = cap;
	if (b->micro_bytes < (uint64_t)bytes * 1000000)
		return false;
	b->micro_bytes -= (uint64_t)bytes * 1000000;
	return true;
}

/** Start b full, whatever its burst will be (the first take caps it): a new flow may burst at once. */
static inline void token_bucket_start(struct token_bucket *b, uint64_t now_us)
{
	b->micro_bytes = UINT64_MAX / 4; /* over any cap, and rate x elapsed added to it cannot wrap */
	b->stamp_us = now_us;
}

#endif
