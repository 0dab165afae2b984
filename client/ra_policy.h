/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_RA_POLICY_H
#define IPHTTPS_RA_POLICY_H

/*
 * Which Router Advertisements the client believes, and what a believed one
 * may change. Pure, so each rule is tested from real packet bytes
 * (tests/unit/client/test_nd_packets.c); client/slaac.c applies the answers.
 *
 *   The router: the first RA after LinkUp (the answer to the client's RS)
 *   names it, by its link-local source; RAs from any other source on the
 *   link are ignored and counted. The link is a tunnel to one server, so
 *   another "router" is another client (the appliance's RA guard drops
 *   those, but a server that is not ours may forward them: RFC 6105's
 *   threat, answered at the host).
 *
 *   RFC 4862 5.5.3(e), the two-hour rule: an RA for the prefix of an
 *   address may lengthen its valid lifetime at will, but shorten it only to
 *   two hours, and not at all when less than two hours remain. One forged
 *   or mistaken RA cannot take the address away at once.
 */

#include <stdbool.h>
#include <stdint.h>

#include "nd_packets.h"

enum { RA_TWO_HOURS_S = 2 * 60 * 60, RA_LIFETIME_INFINITE = 0xffffffffu };

struct ra_policy {
	bool has_router;
	struct in6_addr router;   /* the router this link believes */
	unsigned long long ignored; /* RAs from other sources */
};

/** LinkUp: the next RA names the router. */
void ra_policy_link_up(struct ra_policy *p);

/** Whether ra comes from the link's router (the first one after LinkUp does, and names it); if not, counted. */
bool ra_policy_accept(struct ra_policy *p, const struct nd_router_advert *ra);

/**
 * RFC 4862 5.5.3(e): the valid lifetime an address keeps when an RA for its
 * prefix says received_s and remaining_s are left (either may be
 * RA_LIFETIME_INFINITE).
 */
uint32_t ra_valid_lifetime(uint32_t remaining_s, uint32_t received_s);

#endif
