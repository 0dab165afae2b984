/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_LINK_OPTIONS_H
#define IPHTTPS_LINK_OPTIONS_H

/*
 * What the link's RAs configure besides the address: DNS servers and search
 * domains (RFC 8106 RDNSS, DNSSL) and the routes of a split tunnel (RFC 4191
 * Route Information). Pure: RAs and the clock in, what to change out
 * (tests/unit/client/test_link_options.c); iphttps_client.c applies it with
 * netlink (routes) and systemd-resolved (DNS, client/resolved_dns.h).
 *
 *   Each entry lives for the lifetime its last RA gave (0xffffffff:
 *   forever); a lifetime of 0 removes it at once (RFC 8106 5.1: "MUST no
 *   longer be used"; RFC 4191 2.3); one an RA leaves out lives on until its
 *   lifetime ends (RFC 8106 5.3.1, RFC 4191 3.1).
 *   LinkDown forgets the DNS servers and domains (no name is sent to a
 *   server the tunnel does not reach, and the next LinkUp's RA gives them
 *   again) but keeps the routes, as the address and the default route are
 *   kept: a prompt reconnect keeps the intranet's TCP connections, and the
 *   intranet's traffic never leaks to the local network meanwhile.
 */

#include <stdbool.h>
#include <stdint.h>

#include "nd_packets.h"

enum {
	LINK_OPTIONS_MAX_DNS = ND_RA_MAX_DNS,
	LINK_OPTIONS_MAX_DOMAINS = ND_RA_MAX_DOMAINS,
	LINK_OPTIONS_MAX_ROUTES = 32, /* two RAs' worth: a reload's new routes beside the old ones still alive */
};

struct link_options_dns {
	struct in6_addr addr;
	double until; /* 0: forever */
};

struct link_options_domain {
	char name[ND_DNS_NAME_MAX_BYTES];
	double until;
};

struct link_options_route {
	struct in6_addr prefix;
	uint8_t len;
	double until;
};

struct link_options {
	unsigned int dns_count, domain_count, route_count;
	struct link_options_dns dns[LINK_OPTIONS_MAX_DNS];
	struct link_options_domain domains[LINK_OPTIONS_MAX_DOMAINS];
	struct link_options_route routes[LINK_OPTIONS_MAX_ROUTES];
	unsigned long long routes_refused; /* past LINK_OPTIONS_MAX_ROUTES */
};

/* What one RA or one tick changes: apply each. */
struct link_options_change {
	bool dns_changed; /* the servers or domains: give the whole set again */
	unsigned int install_count, remove_count;
	struct nd_ra_route install[ND_RA_MAX_ROUTES]; /* new or refreshed (added again if someone removed it) */
	bool install_new[ND_RA_MAX_ROUTES];           /* install[i] is new, not a refresh */
	struct nd_ra_route remove[LINK_OPTIONS_MAX_ROUTES];
};

/** The link's options from a believed RA at now (seconds, monotonic). */
void link_options_from_ra(struct link_options *lo, const struct nd_router_advert *ra, double now,
			  struct link_options_change *c);

/** Entries whose lifetime ended by now: removed. */
void link_options_expire(struct link_options *lo, double now, struct link_options_change *c);

/** LinkDown: the DNS servers and domains forgotten (c->dns_changed when there were any); the routes kept. */
void link_options_link_down(struct link_options *lo, struct link_options_change *c);

#endif
