/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_LINK_APPLY_H
#define IPHTTPS_LINK_APPLY_H

/*
 * The host's side of the link's options (client/link_options.h decides):
 * each route of a split tunnel installed through netlink via the router
 * on the TUN device (netlink_route) and removed when withdrawn or when its
 * lifetime ends; the DNS servers and domains given to systemd-resolved
 * (client/resolved_dns.h), the link a default DNS route only in a full
 * tunnel; undone at LinkDown. What is in force is kept as text for
 * `iphttps-client status`.
 */

#include <stdbool.h>

#include "link_options.h"
#include "resolved_dns.h"

struct link_apply {
	int ifindex;
	struct in6_addr router;
	bool full_tunnel;          /* the last RA's router lifetime was not 0 */
	struct link_options options;
	struct resolved_dns dns;
	char routes[512];          /* for status: "default (full tunnel)" or the prefixes */
	double next_expiry_check;
};

void link_apply_init(struct link_apply *a, int ifindex, const char *ifname, bool dns_routing_only);

/** A believed RA (slaac's on_advert). */
void link_apply_advert(void *apply, const struct nd_router_advert *ra, double now);

/** Once a second or so: what expired is taken away. */
void link_apply_poll(struct link_apply *a, double now);

/** LinkDown: the DNS settings undone (the routes stay: link_options.h). */
void link_apply_link_down(struct link_apply *a);

#endif
