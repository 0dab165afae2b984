/* SPDX-License-Identifier: BSD-3-Clause */
#include "link_options.h"

#include <string.h>
#include <strings.h>

enum { LIFETIME_INFINITE = 0xffffffffu };

static double until(uint32_t lifetime_s, double now)
{
	return lifetime_s == LIFETIME_INFINITE ? 0 : now + lifetime_s;
}

static bool expired(double until_s, double now)
{
	return until_s != 0 && now >= until_s;
}

/* Entry i of an array of *count entries of size bytes taken out, the rest moved up. */
static void remove_at(void *array, size_t size, unsigned int *count, unsigned int i)
{
	char *a = array;

	memmove(a + i * size, a + (i + 1) * size, (*count - i - 1) * size);
	(*count)--;
}

static void update_dns(struct link_options *lo, const struct nd_ra_dns *d, double now, struct link_options_change *c)
{
	unsigned int i;

	for (i = 0; i < lo->dns_count && memcmp(&lo->dns[i].addr, &d->addr, 16) != 0; i++)
		;
	if (d->lifetime_s == 0) {
		if (i < lo->dns_count) {
			remove_at(lo->dns, sizeof(lo->dns[0]), &lo->dns_count, i);
			c->dns_changed = true;
		}
		return;
	}
	if (i == lo->dns_count) {
		if (lo->dns_count == LINK_OPTIONS_MAX_DNS)
			return; /* RFC 8106 5.3.1: a full list keeps what it has */
		lo->dns[lo->dns_count++].addr = d->addr;
		c->dns_changed = true;
	}
	lo->dns[i].until = until(d->lifetime_s, now);
}

static void update_domain(struct link_options *lo, const struct nd_ra_domain *d, double now,
			  struct link_options_change *c)
{
	unsigned int i;

	for (i = 0; i < lo->domain_count && strcasecmp(lo->domains[i].name, d->name) != 0; i++)
		;
	if (d->lifetime_s == 0) {
		if (i < lo->domain_count) {
			remove_at(lo->domains, sizeof(lo->domains[0]), &lo->domain_count, i);
			c->dns_changed = true;
		}
		return;
	}
	if (i == lo->domain_count) {
		if (lo->domain_count == LINK_OPTIONS_MAX_DOMAINS)
			return;
		memcpy(lo->domains[lo->domain_count++].name, d->name, sizeof(d->name));
		c->dns_changed = true;
	}
	lo->domains[i].until = until(d->lifetime_s, now);
}

static void remove_route_at(struct link_options *lo, unsigned int i, struct link_options_change *c)
{
	struct nd_ra_route *r = &c->remove[c->remove_count++];

	memset(r, 0, sizeof(*r));
	r->prefix = lo->routes[i].prefix;
	r->len = lo->routes[i].len;
	remove_at(lo->routes, sizeof(lo->routes[0]), &lo->route_count, i);
}

static void update_route(struct link_options *lo, const struct nd_ra_route *r, double now,
			 struct link_options_change *c)
{
	unsigned int i;
	bool new_route;

	for (i = 0; i < lo->route_count; i++)
		if (lo->routes[i].len == r->len && memcmp(&lo->routes[i].prefix, &r->prefix, 16) == 0)
			break;
	if (r->lifetime_s == 0) {
		if (i < lo->route_count)
			remove_route_at(lo, i, c);
		return;
	}
	new_route = i == lo->route_count;
	if (new_route) {
		if (lo->route_count == LINK_OPTIONS_MAX_ROUTES) {
			lo->routes_refused++;
			return;
		}
		lo->routes[lo->route_count].prefix = r->prefix;
		lo->routes[lo->route_count++].len = r->len;
	}
	lo->routes[i].until = until(r->lifetime_s, now);
	c->install_new[c->install_count] = new_route;
	c->install[c->install_count++] = *r;
}

void link_options_from_ra(struct link_options *lo, const struct nd_router_advert *ra, double now,
			  struct link_options_change *c)
{
	memset(c, 0, sizeof(*c));
	link_options_expire(lo, now, c);
	for (unsigned int i = 0; i < ra->dns_count; i++)
		update_dns(lo, &ra->dns[i], now, c);
	for (unsigned int i = 0; i < ra->domain_count; i++)
		update_domain(lo, &ra->domains[i], now, c);
	for (unsigned int i = 0; i < ra->route_count; i++)
		update_route(lo, &ra->routes[i], now, c);
}

void link_options_expire(struct link_options *lo, double now, struct link_options_change *c)
{
	for (unsigned int i = 0; i < lo->dns_count;)
		if (expired(lo->dns[i].until, now)) {
			remove_at(lo->dns, sizeof(lo->dns[0]), &lo->dns_count, i);
			c->dns_changed = true;
		} else {
			i++;
		}
	for (unsigned int i = 0; i < lo->domain_count;)
		if (expired(lo->domains[i].until, now)) {
			remove_at(lo->domains, sizeof(lo->domains[0]), &lo->domain_count, i);
			c->dns_changed = true;
		} else {
			i++;
		}
	for (unsigned int i = 0; i < lo->route_count;)
		if (expired(lo->routes[i].until, now) && c->remove_count < LINK_OPTIONS_MAX_ROUTES)
			remove_route_at(lo, i, c);
		else
			i++;
}

void link_options_link_down(struct link_options *lo, struct link_options_change *c)
{
	memset(c, 0, sizeof(*c));
	c->dns_changed = lo->dns_count > 0 || lo->domain_count > 0;
	lo->dns_count = lo->domain_count = 0;
}
