/* SPDX-License-Identifier: BSD-3-Clause */
#include "link_apply.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "netlink_config.h"

static void describe_routes(struct link_apply *a)
{
	char prefix[INET6_ADDRSTRLEN];
	size_t n = 0;

	a->routes[0] = '\0';
	if (a->full_tunnel)
		n += (size_t)snprintf(a->routes, sizeof(a->routes), "default (full tunnel)");
	for (unsigned int i = 0; i < a->options.route_count && n < sizeof(a->routes); i++)
		n += (size_t)snprintf(a->routes + n, sizeof(a->routes) - n, "%s%s/%u", n ? " " : "",
				      inet_ntop(AF_INET6, &a->options.routes[i].prefix, prefix, sizeof(prefix)),
				      a->options.routes[i].len);
	if (!a->full_tunnel && a->options.route_count && n < sizeof(a->routes))
		snprintf(a->routes + n, sizeof(a->routes) - n, " (split tunnel)");
}

static void apply(struct link_apply *a, const struct link_options_change *c)
{
	char why[256], prefix[INET6_ADDRSTRLEN];

	for (unsigned int i = 0; i < c->remove_count; i++) {
		inet_ntop(AF_INET6, &c->remove[i].prefix, prefix, sizeof(prefix));
		if (netlink_route_delete(a->ifindex, &c->remove[i].prefix, c->remove[i].len, &a->router, why,
					 sizeof(why)) != 0)
			fprintf(stderr, "iphttps-client: route %s/%u: %s\n", prefix, c->remove[i].len, why);
		else
			fprintf(stderr, "iphttps-client: route %s/%u removed\n", prefix, c->remove[i].len);
	}
	for (unsigned int i = 0; i < c->install_count; i++) {
		inet_ntop(AF_INET6, &c->install[i].prefix, prefix, sizeof(prefix));
		if (netlink_route(a->ifindex, &c->install[i].prefix, c->install[i].len, &a->router, why,
				  sizeof(why)) != 0)
			fprintf(stderr, "iphttps-client: route %s/%u: %s\n", prefix, c->install[i].len, why);
	}
	if (c->dns_changed && resolved_dns_apply(&a->dns, &a->options, a->full_tunnel, why, sizeof(why)) == 0)
		fprintf(stderr, "iphttps-client: DNS: %s\n", a->dns.applied[0] ? a->dns.applied : "undone");
	describe_routes(a);
}

void link_apply_init(struct link_apply *a, int ifindex, const char *ifname, bool dns_routing_only)
{
	memset(a, 0, sizeof(*a));
	a->ifindex = ifindex;
	resolved_dns_init(&a->dns, ifindex, ifname, dns_routing_only);
}

void link_apply_advert(void *apply_to, const struct nd_router_advert *ra, double now)
{
	struct link_apply *a = apply_to;
	struct link_options_change c;
	bool full = ra->router_lifetime_s > 0;

	/* Routes are via the router that sent this RA (ra_policy.h: the link believes one). */
	a->router = ra->router;
	link_options_from_ra(&a->options, ra, now, &c);
	for (unsigned int i = 0; i < c.install_count; i++) {
		char prefix[INET6_ADDRSTRLEN];

		if (c.install_new[i]) /* said when new, not at every RA's refresh */
			fprintf(stderr, "iphttps-client: route %s/%u through the tunnel (%u s)\n",
				inet_ntop(AF_INET6, &c.install[i].prefix, prefix, sizeof(prefix)), c.install[i].len,
				c.install[i].lifetime_s);
	}
	/* Full to split tunnel or back (a reload on the server): the DNS default route follows. */
	if (full != a->full_tunnel && (a->options.dns_count || a->options.domain_count))
		c.dns_changed = true;
	a->full_tunnel = full;
	if (a->options.routes_refused)
		fprintf(stderr, "iphttps-client: %llu routes refused: more than %u at once\n", a->options.routes_refused,
			LINK_OPTIONS_MAX_ROUTES);
	a->options.routes_refused = 0;
	apply(a, &c);
}

void link_apply_poll(struct link_apply *a, double now)
{
	struct link_options_change c;

	if (now < a->next_expiry_check)
		return;
	a->next_expiry_check = now + 1;
	memset(&c, 0, sizeof(c));
	link_options_expire(&a->options, now, &c);
	if (c.dns_changed || c.remove_count)
		apply(a, &c);
}

void link_apply_link_down(struct link_apply *a)
{
	struct link_options_change c;

	link_options_link_down(&a->options, &c);
	if (c.dns_changed)
		apply(a, &c);
}
