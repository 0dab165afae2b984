/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The link's Router Advertisement as link_ra_build writes it
 * (dataplane/link/link_ra_options.c), byte by byte against the RFCs'
 * layouts: RDNSS (RFC 8106 5.1), DNSSL (5.2), Route Information (RFC 4191
 * 2.3); the router lifetime of a split tunnel; withdrawals after a reload.
 * The bytes are also read by real consumers: rdisc6 and iphttps-client in
 * tests/netns/test_link_options.sh.
 */
#include <arpa/inet.h>
#include <string.h>

#include "appliance_config.h"
#include "link_ra_options.h"
#include "unit_runner.h"

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static struct config_iphttps base_link(void)
{
	struct config_iphttps link;

	memset(&link, 0, sizeof(link));
	inet_pton(AF_INET6, "2001:db8:c1::", &link.client_prefix.addr);
	link.client_prefix.len = 64;
	link.link_mtu = 1280;
	return link;
}

static void add_route(struct config_iphttps *link, const char *prefix, uint8_t len)
{
	struct config_ipv6_prefix *r = &link->client_routes[link->client_route_count++];

	inet_pton(AF_INET6, prefix, &r->addr);
	r->len = len;
}

/* Without DNS or routes: header, Prefix Information and MTU only, and a default router. */
static void test_the_plain_ra(void)
{
	struct config_iphttps link = base_link();
	uint8_t ra[IPHTTPS_RA_MAX_BYTES];
	size_t len = link_ra_build(&link, NULL, ra);

	CU_ASSERT_EQUAL(len, 16 + 32 + 8);
	CU_ASSERT_EQUAL(len, config_ra_bytes(&link));
	CU_ASSERT_EQUAL(ra[0], 134);
	CU_ASSERT_EQUAL(ra[4], 64);
	CU_ASSERT_EQUAL(ra[5], 0); /* M and O clear: SLAAC, no DHCPv6 */
	CU_ASSERT_EQUAL(ra[6] << 8 | ra[7], 1800);
	CU_ASSERT_EQUAL(ra[16], 3);
	CU_ASSERT_EQUAL(ra[19], 0x40);
	CU_ASSERT_EQUAL(ra[48], 5);
	CU_ASSERT_EQUAL(get32(&ra[52]), 1280);
}

/* RFC 8106 5.1: type 25, length 1 + 2 x servers, reserved, lifetime, the addresses. */
static void test_rdnss(void)
{
	struct config_iphttps link = base_link();
	uint8_t ra[IPHTTPS_RA_MAX_BYTES], want[16];
	const uint8_t *opt = ra + 56;
	size_t len;

	link.dns_server_count = 2;
	inet_pton(AF_INET6, "2001:db8:53::1", &link.dns_servers[0]);
	inet_pton(AF_INET6, "2001:db8:53::2", &link.dns_servers[1]);
	len = link_ra_build(&link, NULL, ra);
	CU_ASSERT_EQUAL(len, 56 + 8 + 32);
	CU_ASSERT_EQUAL(len, config_ra_bytes(&link));
	CU_ASSERT_EQUAL(opt[0], 25);
	CU_ASSERT_EQUAL(opt[1], 5);
	CU_ASSERT_EQUAL(opt[2] | opt[3], 0);
	/* "SHOULD be at least 3 x MaxRtrAdvInterval" (RFC 8106 5.1): our router lifetime, 3 x 600 s. */
	CU_ASSERT_EQUAL(get32(&opt[4]), 1800);
	inet_pton(AF_INET6, "2001:db8:53::2", want);
	CU_ASSERT_TRUE(memcmp(&opt[24], want, 16) == 0);
	CU_ASSERT_EQUAL(ra[6] << 8 | ra[7], 1800); /* DNS alone: still the default router */
}

/* RFC 8106 5.2: type 31, the names in DNS wire format (no compression), zero-padded to 8 bytes. */
static void test_dnssl(void)
{
	static const uint8_t names[] = "\x04" "corp" "\x07" "example" "\x00"
				       "\x03" "eng" "\x04" "corp" "\x07" "example" "\x00";
	struct config_iphttps link = base_link();
	uint8_t ra[IPHTTPS_RA_MAX_BYTES];
	const uint8_t *opt = ra + 56;
	size_t len, names_len = sizeof(names) - 1; /* 14 + 18 = 32 */

	link.dns_search_count = 2;
	strcpy(link.dns_search[0], "corp.example");
	strcpy(link.dns_search[1], "eng.corp.example");
	len = link_ra_build(&link, NULL, ra);
	CU_ASSERT_EQUAL(names_len, 32);
	CU_ASSERT_EQUAL(len, 56 + 8 + 32);
	CU_ASSERT_EQUAL(len, config_ra_bytes(&link));
	CU_ASSERT_EQUAL(opt[0], 31);
	CU_ASSERT_EQUAL(opt[1], 5);
	CU_ASSERT_EQUAL(get32(&opt[4]), 1800);
	CU_ASSERT_TRUE(memcmp(&opt[8], names, names_len) == 0);
	/* One name of 6 bytes in wire format: padded with two zeros to 16. */
	link.dns_search_count = 1;
	strcpy(link.dns_search[0], "corp");
	memset(ra, 0xee, sizeof(ra));
	len = link_ra_build(&link, NULL, ra);
	CU_ASSERT_EQUAL(len, 56 + 16);
	CU_ASSERT_EQUAL(opt[1], 2);
	CU_ASSERT_TRUE(memcmp(&opt[8], "\x04" "corp" "\x00" "\x00\x00", 8) == 0);
}

/* RFC 4191 2.3: type 24, length 1, 2 or 3 as the prefix needs, preference medium; a split
 * tunnel's router lifetime is 0 (RFC 4861 4.2: "not a default router"). */
static void test_route_information(void)
{
	struct config_iphttps link = base_link();
	uint8_t ra[IPHTTPS_RA_MAX_BYTES], want[16];
	const uint8_t *opt = ra + 56;
	size_t len;

	add_route(&link, "2001:db8:100::", 48);
	add_route(&link, "64:ff9b::", 96);
	add_route(&link, "2001:db8:200::", 64);
	add_route(&link, "::", 0);
	len = link_ra_build(&link, NULL, ra);
	CU_ASSERT_EQUAL(len, 56 + 16 + 24 + 16 + 8);
	CU_ASSERT_EQUAL(len, config_ra_bytes(&link));
	CU_ASSERT_EQUAL(ra[6] << 8 | ra[7], 0);
	CU_ASSERT_EQUAL(opt[0], 24);
	CU_ASSERT_EQUAL(opt[1], 2);
	CU_ASSERT_EQUAL(opt[2], 48);
	CU_ASSERT_EQUAL(opt[3], 0); /* Prf 00: medium */
	CU_ASSERT_EQUAL(get32(&opt[4]), 1800);
	inet_pton(AF_INET6, "2001:db8:100::", want);
	CU_ASSERT_TRUE(memcmp(&opt[8], want, 8) == 0);
	opt += 16;
	CU_ASSERT_EQUAL(opt[1], 3);
	CU_ASSERT_EQUAL(opt[2], 96);
	inet_pton(AF_INET6, "64:ff9b::", want);
	CU_ASSERT_TRUE(memcmp(&opt[8], want, 16) == 0);
	opt += 24;
	CU_ASSERT_EQUAL(opt[1], 2);
	CU_ASSERT_EQUAL(opt[2], 64);
	opt += 16;
	CU_ASSERT_EQUAL(opt[1], 1); /* ::/0: no prefix bytes */
	CU_ASSERT_EQUAL(opt[2], 0);
}

/* What a reload takes away goes out again with lifetime 0 (RFC 8106 5.1: "the RDNSS address
 * MUST no longer be used"; RFC 4191 2.3: a route lifetime of 0 removes the route). */
static void test_withdrawals(void)
{
	struct config_iphttps before = base_link(), link = base_link();
	uint8_t ra[IPHTTPS_RA_MAX_BYTES], want[16];
	const uint8_t *opt = ra + 56;
	size_t len;

	before.dns_server_count = 2;
	inet_pton(AF_INET6, "2001:db8:53::1", &before.dns_servers[0]);
	inet_pton(AF_INET6, "2001:db8:53::2", &before.dns_servers[1]);
	before.dns_search_count = 1;
	strcpy(before.dns_search[0], "old.example");
	add_route(&before, "2001:db8:100::", 48);
	add_route(&before, "2001:db8:200::", 48);
	link.dns_server_count = 1;
	link.dns_servers[0] = before.dns_servers[1];
	add_route(&link, "2001:db8:200::", 48);
	CU_ASSERT_TRUE(link_ra_options_differ(&link, &before));
	CU_ASSERT_FALSE(link_ra_options_differ(&link, &link));
	len = link_ra_build(&link, &before, ra);
	/* now: RDNSS(1), route(1); then withdrawn: RDNSS(::1), DNSSL(old.example), route(100::/48) */
	CU_ASSERT_EQUAL(len, 56 + 24 + 16 + 24 + 8 + 16 + 16);
	CU_ASSERT_EQUAL(config_ra_bytes(&link), 56 + 24 + 16);
	CU_ASSERT_EQUAL(get32(&opt[4]), 1800);
	opt += 24 + 16;
	CU_ASSERT_EQUAL(opt[0], 25);
	CU_ASSERT_EQUAL(get32(&opt[4]), 0);
	inet_pton(AF_INET6, "2001:db8:53::1", want);
	CU_ASSERT_TRUE(memcmp(&opt[8], want, 16) == 0);
	opt += 24;
	CU_ASSERT_EQUAL(opt[0], 31);
	CU_ASSERT_EQUAL(get32(&opt[4]), 0);
	CU_ASSERT_TRUE(memcmp(&opt[8], "\x03" "old" "\x07" "example", 12) == 0);
	opt += 24;
	CU_ASSERT_EQUAL(opt[0], 24);
	CU_ASSERT_EQUAL(get32(&opt[4]), 0);
	inet_pton(AF_INET6, "2001:db8:100::", want);
	CU_ASSERT_TRUE(memcmp(&opt[8], want, 8) == 0);
}

/* The largest RA a config may give stays within the IPv6 minimum MTU, and withdrawals that
 * would pass it are left out (they expire with their lifetime). */
static void test_the_largest_ra_fits_1280(void)
{
	struct config_iphttps before = base_link(), link = base_link();
	uint8_t ra[IPHTTPS_RA_MAX_BYTES];
	char name[64];

	for (unsigned int i = 0; i < IPHTTPS_MAX_CLIENT_ROUTES; i++) {
		snprintf(name, sizeof(name), "2001:db8:%x::", 0x100 + i);
		add_route(&link, name, 96);
		snprintf(name, sizeof(name), "2001:db8:%x::", 0x200 + i);
		add_route(&before, name, 96);
	}
	link.dns_server_count = before.dns_server_count = IPHTTPS_MAX_DNS_SERVERS;
	for (unsigned int i = 0; i < IPHTTPS_MAX_DNS_SERVERS; i++) {
		snprintf(name, sizeof(name), "2001:db8:53::%x", i + 1);
		inet_pton(AF_INET6, name, &link.dns_servers[i]);
		snprintf(name, sizeof(name), "2001:db8:54::%x", i + 1);
		inet_pton(AF_INET6, name, &before.dns_servers[i]);
	}
	CU_ASSERT(config_ra_bytes(&link) <= IPHTTPS_RA_MAX_BYTES);
	CU_ASSERT(link_ra_build(&link, &before, ra) <= IPHTTPS_RA_MAX_BYTES);
	CU_ASSERT(link_ra_build(&link, &before, ra) > config_ra_bytes(&link));
}

int main(void)
{
	static const struct unit_test tests[] = {
		{ "without DNS or routes: prefix, MTU and a default router", test_the_plain_ra },
		{ "RDNSS byte by byte (RFC 8106 5.1)", test_rdnss },
		{ "DNSSL in DNS wire format, zero-padded (RFC 8106 5.2)", test_dnssl },
		{ "Route Information (RFC 4191 2.3); a split tunnel is no default router", test_route_information },
		{ "a reload's removals go out with lifetime 0", test_withdrawals },
		{ "the largest RA fits the IPv6 minimum MTU, withdrawals and all", test_the_largest_ra_fits_1280 },
	};

	return unit_run("link_ra_options", tests, sizeof(tests) / sizeof(tests[0]));
}
