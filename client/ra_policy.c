/* SPDX-License-Identifier: BSD-3-Clause */
#include "ra_policy.h"

#include <string.h>

void ra_policy_link_up(struct ra_policy *p)
{
	p->has_router = false;
}

bool ra_policy_accept(struct ra_policy *p, const struct nd_router_advert *ra)
{
	if (!p->has_router) {
		p->has_router = true;
		p->router = ra->router;
		return true;
	}
	if (memcmp(&p->router, &ra->router, sizeof(p->router)) == 0)
		return true;
	p->ignored++;
	return false;
}

uint32_t ra_valid_lifetime(uint32_t remaining_s, uint32_t received_s)
{
	/* "If the received Valid Lifetime is greater than 2 hours or greater
	 * than RemainingLifetime, set the valid lifetime of the address to the
	 * advertised Valid Lifetime." (Infinity is greater than both.) */
	if (received_s > RA_TWO_HOURS_S || (remaining_s != RA_LIFETIME_INFINITE && received_s > remaining_s))
		return received_s;
	/* "If RemainingLifetime is less than or equal to 2 hours, ignore the
	 * Prefix Information option with regards to the valid lifetime." */
	if (remaining_s <= RA_TWO_HOURS_S)
		return remaining_s;
	/* "Otherwise, reset the valid lifetime of the address to 2 hours." */
	return RA_TWO_HOURS_S;
}
