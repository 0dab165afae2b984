/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_LINK_RATE_H
#define IPHTTPS_LINK_RATE_H

/*
 * The rate limit of one session each way (limits.session_up_kbit_per_second,
 * session_down_kbit_per_second; 0: none): a token bucket per direction in the
 * session, policing whole packets, as a provider's policer does; TCP inside
 * the tunnel slows to it. The burst is a tenth of a second at the rate, and at
 * least two packets of the link MTU, so a slow limit still passes a full
 * packet. Up: every packet from the client, before anything else reads it
 * (link.c). Down: what is forwarded to it (link_forward.c); the router's own
 * answers (RAs, NAs, echo replies) answer what was policed up.
 */

#include <stdbool.h>
#include <stdint.h>

#include "token_bucket.h"
#include "worker.h"

/** Whether a packet of bytes may pass b at kbit/s now (taken when it may). */
static inline bool link_rate_allows(const struct worker *w, struct token_bucket *b, uint32_t kbit, uint32_t bytes)
{
	uint64_t rate = (uint64_t)kbit * 1000 / 8, burst = rate / 10, least;

	if (kbit == 0)
		return true; /* the default: nothing but this test on the packet's path */
	least = 2 * (uint64_t)w->config->iphttps.link_mtu;
	return token_bucket_take(b, w->now_us, rate, burst > least ? burst : least, bytes);
}

#endif
