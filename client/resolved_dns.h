/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_RESOLVED_DNS_H
#define IPHTTPS_RESOLVED_DNS_H

/*
 * The tunnel's DNS servers and domains given to the system's resolver, per
 * link: systemd-resolved over D-Bus (org.freedesktop.resolve1.Manager's
 * SetLinkDNS, SetLinkDomains, SetLinkDefaultRoute; RevertLink to undo),
 * with sd-bus from libsystemd, already the appliance's dependency.
 *
 *   Split DNS, the Linux counterpart of DirectAccess's Name Resolution
 *   Policy Table: the domains are the link's routing domains, so names under
 *   them go to the tunnel's servers. In a split tunnel (the RA's router
 *   lifetime 0) the link is not a default route for DNS either: no other
 *   name goes there. routing_only (--dns-routing-only) gives them as
 *   "~corp.example": routed, not appended to single-label names.
 *
 *   Without resolved (no bus, or no resolve1 on it): resolvconf(8), when
 *   installed (`resolvconf -a TUN.iphttps`, `-d` to undo), which has no
 *   split DNS; else a message, once, that names the servers not applied.
 */

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

#include "link_options.h"

enum resolved_dns_via { RESOLVED_DNS_NONE, RESOLVED_DNS_RESOLVED, RESOLVED_DNS_RESOLVCONF };

struct resolved_dns {
	int ifindex;
	char ifname[32];
	bool routing_only;
	enum resolved_dns_via via; /* what took the last set */
	bool told_none;            /* the message without either said */
	char applied[512];         /* the last set, for `status`: "2001:db8::53 corp.example (resolved)" */
};

/** For the TUN device ifindex/ifname. */
void resolved_dns_init(struct resolved_dns *r, int ifindex, const char *ifname, bool routing_only);

/**
 * Give lo's servers and domains to the resolver (none: undo what was
 * given). default_route: the link is the default route for every name (a
 * full tunnel). @return 0, or -1 with why (also logged).
 */
int resolved_dns_apply(struct resolved_dns *r, const struct link_options *lo, bool default_route, char *why,
		       size_t why_len);

#endif
