/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_RATE_BUDGET_H
#define IPHTTPS_RATE_BUDGET_H

/*
 * A budget of events per second of the worker's clock (challenge ACKs,
 * log lines about peers): the count starts again each second. Owned by one
 * worker, so no atomics.
 */

#include <stdbool.h>
#include <stdint.h>

struct rate_budget {
	uint64_t second; /* the second `used` counts in */
	uint32_t used;
};

/** Whether b has per_second events used already this second (nothing is taken). */
static inline bool rate_budget_spent(const struct rate_budget *b, uint64_t now_ms, uint32_t per_second)
{
	return b->second == now_ms / 1000 && b->used >= per_second;
}

/** Take one event from b at now_ms. @return false when per_second are already used this second. */
static inline bool rate_budget_take(struct rate_budget *b, uint64_t now_ms, uint32_t per_second)
{
	uint64_t second = now_ms / 1000;

	if (second != b->second) {
		b->second = second;
		b->used = 0;
	}
	if (b->used >= per_second)
		return false;
	b->used++;
	return true;
}

#endif
