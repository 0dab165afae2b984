/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the link's RAs configure, over time (client/link_options.c): DNS
 * servers, domains and routes live for their lifetime, a lifetime of 0 ends
 * them at once, one an RA leaves out lives on until its lifetime ends, and
 * LinkDown forgets DNS but keeps the routes.
 */
#include <arpa/inet.h>
#include <string.h>

#include "link_options.h"
#include "unit_runner.h"

static struct in6_addr addr(const char *text)
{
	struct in6_addr a;

	inet_pton(AF_INET6, text, &a);
	return a;
}

static struct nd_router_advert advert(uint32_t dns_lifetime, uint32_t route_lifetime)
{
	struct nd_router_advert ra;

	memset(&ra, 0, sizeof(ra));
	ra.router = addr("fe80::1");
	ra.dns_count = 1;
	ra.dns[0].addr = addr("2001:db8:53::1");
	ra.dns[0].lifetime_s = dns_lifetime;
	ra.domain_count = 1;
	strcpy(ra.domains[0].name, "corp.example");
	ra.domains[0].lifetime_s = dns_lifetime;
	ra.route_count = 1;
	ra.routes[0].prefix = addr("2001:db8:100::");
	ra.routes[0].len = 48;
	ra.routes[0].lifetime_s = route_lifetime;
	return ra;
}

static void test_new_options_are_installed(void)
{
	struct link_options lo = { 0 };
	struct link_options_change c;
	struct nd_router_advert ra = advert(1800, 1800);

	link_options_from_ra(&lo, &ra, 100, &c);
	CU_ASSERT_TRUE(c.dns_changed);
	CU_ASSERT_EQUAL(c.install_count, 1);
	CU_ASSERT_EQUAL(c.install[0].lifetime_s, 1800);
	CU_ASSERT_EQUAL(lo.dns_count, 1);
	CU_ASSERT_EQUAL(lo.domain_count, 1);
	CU_ASSERT_EQUAL(lo.route_count, 1);
	CU_ASSERT_TRUE(c.install_new[0]);
	/* The same RA again: the route is refreshed (added again if someone removed it), not new; DNS unchanged. */
	link_options_from_ra(&lo, &ra, 300, &c);
	CU_ASSERT_FALSE(c.dns_changed);
	CU_ASSERT_EQUAL(c.install_count, 1);
	CU_ASSERT_FALSE(c.install_new[0]);
	CU_ASSERT_EQUAL(c.remove_count, 0);
	CU_ASSERT_EQUAL(lo.route_count, 1);
}

/* RFC 8106 5.1: a lifetime of 0 means the server "MUST no longer be used"; RFC 4191 2.3 the same for a route. */
static void test_lifetime_zero_removes_at_once(void)
{
	struct link_options lo = { 0 };
	struct link_options_change c;
	struct nd_router_advert ra = advert(1800, 1800);

	link_options_from_ra(&lo, &ra, 100, &c);
	ra = advert(0, 0);
	link_options_from_ra(&lo, &ra, 101, &c);
	CU_ASSERT_TRUE(c.dns_changed);
	CU_ASSERT_EQUAL(lo.dns_count, 0);
	CU_ASSERT_EQUAL(lo.domain_count, 0);
	CU_ASSERT_EQUAL(c.install_count, 0);
	CU_ASSERT_EQUAL_FATAL(c.remove_count, 1);
	CU_ASSERT_EQUAL(c.remove[0].len, 48);
	CU_ASSERT_EQUAL(lo.route_count, 0);
	/* Withdrawn again (the refresh sends it to a client that has it no more): nothing to do. */
	link_options_from_ra(&lo, &ra, 102, &c);
	CU_ASSERT_FALSE(c.dns_changed);
	CU_ASSERT_EQUAL(c.remove_count, 0);
}

/* RFC 8106 5.3.1, RFC 4191 3.1: an entry the RA leaves out lives until its lifetime ends. */
static void test_left_out_lives_until_its_lifetime(void)
{
	struct link_options lo = { 0 };
	struct link_options_change c;
	struct nd_router_advert ra = advert(600, 900), plain;

	link_options_from_ra(&lo, &ra, 100, &c);
	memset(&plain, 0, sizeof(plain));
	link_options_from_ra(&lo, &plain, 200, &c);
	CU_ASSERT_FALSE(c.dns_changed);
	CU_ASSERT_EQUAL(lo.dns_count, 1);
	memset(&c, 0, sizeof(c));
	link_options_expire(&lo, 699, &c);
	CU_ASSERT_FALSE(c.dns_changed);
	link_options_expire(&lo, 700, &c);
	CU_ASSERT_TRUE(c.dns_changed);
	CU_ASSERT_EQUAL(lo.dns_count, 0);
	CU_ASSERT_EQUAL(lo.route_count, 1);
	memset(&c, 0, sizeof(c));
	link_options_expire(&lo, 1000, &c);
	CU_ASSERT_EQUAL(c.remove_count, 1);
	CU_ASSERT_EQUAL(lo.route_count, 0);
	/* Infinite lifetimes never expire. */
	ra = advert(0xffffffffu, 0xffffffffu);
	link_options_from_ra(&lo, &ra, 1000, &c);
	memset(&c, 0, sizeof(c));
	link_options_expire(&lo, 1e12, &c);
	CU_ASSERT_FALSE(c.dns_changed);
	CU_ASSERT_EQUAL(c.remove_count, 0);
}

static void test_link_down_forgets_dns_keeps_routes(void)
{
	struct link_options lo = { 0 };
	struct link_options_change c;
	struct nd_router_advert ra = advert(1800, 1800);

	link_options_from_ra(&lo, &ra, 100, &c);
	link_options_link_down(&lo, &c);
	CU_ASSERT_TRUE(c.dns_changed);
	CU_ASSERT_EQUAL(lo.dns_count, 0);
	CU_ASSERT_EQUAL(lo.domain_count, 0);
	CU_ASSERT_EQUAL(c.remove_count, 0);
	CU_ASSERT_EQUAL(lo.route_count, 1);
	link_options_link_down(&lo, &c);
	CU_ASSERT_FALSE(c.dns_changed); /* nothing left to undo */
}

/* A server that sends ever new routes: at most LINK_OPTIONS_MAX_ROUTES are held, the rest refused and counted. */
static void test_routes_are_bounded(void)
{
	struct link_options lo = { 0 };
	struct link_options_change c;
	struct nd_router_advert ra;

	for (unsigned int round = 0; round < 4; round++) {
		memset(&ra, 0, sizeof(ra));
		ra.route_count = ND_RA_MAX_ROUTES;
		for (unsigned int i = 0; i < ND_RA_MAX_ROUTES; i++) {
			ra.routes[i].prefix.s6_addr[0] = 0x20;
			ra.routes[i].prefix.s6_addr[1] = (uint8_t)round;
			ra.routes[i].prefix.s6_addr[2] = (uint8_t)i;
			ra.routes[i].len = 24;
			ra.routes[i].lifetime_s = 1800;
		}
		link_options_from_ra(&lo, &ra, 100 + round, &c);
	}
	CU_ASSERT_EQUAL(lo.route_count, LINK_OPTIONS_MAX_ROUTES);
	CU_ASSERT_EQUAL(lo.routes_refused, 4 * ND_RA_MAX_ROUTES - LINK_OPTIONS_MAX_ROUTES);
}

int main(void)
{
	static const struct unit_test tests[] = {
		{ "new servers, domains and routes are installed; an RA again refreshes", test_new_options_are_installed },
		{ "lifetime 0 removes at once (RFC 8106 5.1, RFC 4191 2.3)", test_lifetime_zero_removes_at_once },
		{ "one an RA leaves out lives until its lifetime ends", test_left_out_lives_until_its_lifetime },
		{ "LinkDown forgets the DNS settings and keeps the routes", test_link_down_forgets_dns_keeps_routes },
		{ "routes held are bounded, the rest refused and counted", test_routes_are_bounded },
	};

	return unit_run("link_options", tests, sizeof(tests) / sizeof(tests[0]));
}
