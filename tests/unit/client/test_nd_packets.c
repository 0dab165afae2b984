/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ND packets of the client's SLAAC (client/nd_packets.c): the RS and the
 * DAD NS byte by byte (addresses, hop limit 255, a checksum that verifies),
 * an RA as the appliance sends it parsed into prefix, lifetimes, MTU and
 * router, and every RA or NA RFC 4861 says to ignore, ignored.
 */
#include <arpa/inet.h>
#include <string.h>

#include "nd_packets.h"
#include "ra_policy.h"
#include "unit_runner.h"

#include <CUnit/Basic.h>

/* The checksum recomputed independently: the one's complement sum over the
 * pseudo-header and the message, which a right checksum makes 0xffff. */
static uint16_t sum_packet(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;
	size_t icmp_len = len - 40;

	for (size_t i = 8; i < 40; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	sum += (uint32_t)icmp_len + 58;
	for (size_t i = 40; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (icmp_len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

static void fix_checksum(uint8_t *p, size_t len)
{
	uint16_t c;

	p[42] = p[43] = 0;
	c = (uint16_t)~sum_packet(p, len);
	p[42] = (uint8_t)(c >> 8);
	p[43] = (uint8_t)c;
}

static struct in6_addr addr(const char *text)
{
	struct in6_addr a;

	inet_pton(AF_INET6, text, &a);
	return a;
}

static void test_router_solicitation(void)
{
	uint8_t p[ND_PACKET_MAX_BYTES];
	struct in6_addr ll = addr("fe80::1234:5678:9abc:def0"), all_routers = addr("ff02::2");
	size_t n = nd_build_router_solicitation(p, &ll);

	CU_ASSERT_EQUAL_FATAL(n, 48);
	CU_ASSERT_EQUAL(p[0], 0x60);
	CU_ASSERT_EQUAL(p[5], 8);  /* payload length */
	CU_ASSERT_EQUAL(p[6], 58); /* ICMPv6 */
	CU_ASSERT_EQUAL(p[7], 255);
	CU_ASSERT(memcmp(p + 8, &ll, 16) == 0);
	CU_ASSERT(memcmp(p + 24, &all_routers, 16) == 0);
	CU_ASSERT_EQUAL(p[40], 133);
	CU_ASSERT_EQUAL(sum_packet(p, n), 0xffff);
}

static void test_dad_solicitation(void)
{
	uint8_t p[ND_PACKET_MAX_BYTES];
	struct in6_addr target = addr("2001:db8:c1::aa:bbcc:ddee"), group = addr("ff02::1:ffcc:ddee");
	static const struct in6_addr unspecified;
	size_t n = nd_build_dad_solicitation(p, &target);

	CU_ASSERT_EQUAL_FATAL(n, 64);
	CU_ASSERT(memcmp(p + 8, &unspecified, 16) == 0); /* RFC 4862 5.4.2: from :: */
	CU_ASSERT(memcmp(p + 24, &group, 16) == 0);      /* to the solicited-node group */
	CU_ASSERT_EQUAL(p[40], 135);
	CU_ASSERT(memcmp(p + 48, &target, 16) == 0);
	CU_ASSERT_EQUAL(p[7], 255);
	CU_ASSERT_EQUAL(sum_packet(p, n), 0xffff);
}

/* An RA as link_nd.c sends it: router lifetime 1800, a /64 with A set, the MTU. */
static size_t appliance_ra(uint8_t *p)
{
	struct in6_addr src = addr("fe80::1"), dst = addr("ff02::1"), prefix = addr("2001:db8:c1::");
	uint8_t *icmp = p + 40, *pi = icmp + 16, *mtu = pi + 32;
	size_t len = 40 + 16 + 32 + 8;

	memset(p, 0, len);
	p[0] = 0x60;
	p[5] = (uint8_t)(len - 40);
	p[6] = 58;
	p[7] = 255;
	memcpy(p + 8, &src, 16);
	memcpy(p + 24, &dst, 16);
	icmp[0] = 134;
	icmp[6] = 1800 >> 8;
	icmp[7] = 1800 & 0xff;
	pi[0] = 3, pi[1] = 4, pi[2] = 64, pi[3] = 0x40;
	pi[4] = 0, pi[5] = 0x27, pi[6] = 0x8d, pi[7] = 0;  /* valid 2,592,000 s */
	pi[8] = 0, pi[9] = 0x09, pi[10] = 0x3a, pi[11] = 0x80; /* preferred 604,800 s */
	memcpy(pi + 16, &prefix, 16);
	mtu[0] = 5, mtu[1] = 1;
	mtu[6] = 1280 >> 8, mtu[7] = 1280 & 0xff;
	fix_checksum(p, len);
	return len;
}

static void test_router_advert_parsed(void)
{
	uint8_t p[256];
	size_t n = appliance_ra(p);
	struct nd_router_advert ra;
	struct in6_addr router = addr("fe80::1"), prefix = addr("2001:db8:c1::");

	CU_ASSERT_FATAL(nd_parse_router_advert(p, n, &ra));
	CU_ASSERT(memcmp(&ra.router, &router, 16) == 0);
	CU_ASSERT_EQUAL(ra.router_lifetime_s, 1800);
	CU_ASSERT(ra.has_prefix);
	CU_ASSERT(memcmp(&ra.prefix, &prefix, 16) == 0);
	CU_ASSERT_EQUAL(ra.valid_s, 2592000);
	CU_ASSERT_EQUAL(ra.preferred_s, 604800);
	CU_ASSERT_EQUAL(ra.mtu, 1280);
}

static void test_what_rfc_4861_ignores(void)
{
	uint8_t p[256];
	size_t n;
	struct nd_router_advert ra;

	n = appliance_ra(p), p[7] = 254, fix_checksum(p, n); /* forwarded: not from the link */
	CU_ASSERT(!nd_parse_router_advert(p, n, &ra));
	n = appliance_ra(p), p[60] ^= 1;                    /* a bit flipped: the checksum fails */
	CU_ASSERT(!nd_parse_router_advert(p, n, &ra));
	n = appliance_ra(p), p[8] = 0x20, p[9] = 0x01, fix_checksum(p, n); /* from a global address */
	CU_ASSERT(!nd_parse_router_advert(p, n, &ra));
	n = appliance_ra(p), p[40 + 16 + 1] = 0, fix_checksum(p, n); /* a zero-length option */
	CU_ASSERT(!nd_parse_router_advert(p, n, &ra));
	n = appliance_ra(p), p[40 + 16 + 1] = 9, fix_checksum(p, n); /* an option past the end */
	CU_ASSERT(!nd_parse_router_advert(p, n, &ra));
	n = appliance_ra(p), p[40 + 16 + 3] = 0x80, fix_checksum(p, n); /* on-link only, not autonomous */
	CU_ASSERT(nd_parse_router_advert(p, n, &ra) && !ra.has_prefix);
	n = appliance_ra(p), p[40 + 16 + 2] = 48, fix_checksum(p, n); /* not a /64 */
	CU_ASSERT(nd_parse_router_advert(p, n, &ra) && !ra.has_prefix);
	n = appliance_ra(p), p[40 + 16 + 11] = 0xff, p[40 + 16 + 9] = 0xff, fix_checksum(p, n); /* preferred > valid */
	CU_ASSERT(nd_parse_router_advert(p, n, &ra) && !ra.has_prefix);
	n = appliance_ra(p), p[40 + 16 + 16] = 0xfe, p[40 + 16 + 17] = 0x80, fix_checksum(p, n); /* fe80::/64 */
	CU_ASSERT(nd_parse_router_advert(p, n, &ra) && !ra.has_prefix);
	CU_ASSERT(!nd_parse_router_advert(p, 39, &ra)); /* truncated */
}

static void test_neighbor_advert_for_a_target(void)
{
	uint8_t p[40 + 24];
	struct in6_addr src = addr("2001:db8:c1::5"), dst = addr("ff02::1"), other = addr("2001:db8:c1::6");

	memset(p, 0, sizeof(p));
	p[0] = 0x60, p[5] = 24, p[6] = 58, p[7] = 255;
	memcpy(p + 8, &src, 16);
	memcpy(p + 24, &dst, 16);
	p[40] = 136;
	p[44] = 0x20; /* Override */
	memcpy(p + 48, &src, 16);
	fix_checksum(p, sizeof(p));
	CU_ASSERT(nd_is_advert_for(p, sizeof(p), &src));
	CU_ASSERT(!nd_is_advert_for(p, sizeof(p), &other));
	p[7] = 64, fix_checksum(p, sizeof(p));
	CU_ASSERT(!nd_is_advert_for(p, sizeof(p), &src));
}

/* The appliance's RA from another source, with another valid lifetime: what another "router" sends. */
/* The appliance's RA with options appended as raw bytes (each a multiple of 8). */
static size_t ra_with_options(uint8_t *p, const uint8_t *options, size_t options_len)
{
	size_t len = appliance_ra(p);

	memcpy(p + len, options, options_len);
	len += options_len;
	p[4] = (uint8_t)((len - 40) >> 8);
	p[5] = (uint8_t)(len - 40);
	fix_checksum(p, len);
	return len;
}

/* RFC 8106 5.1 and 5.2, RFC 4191 2.3, laid out by hand from the RFCs' figures. */
static void test_dns_and_route_options_parsed(void)
{
	static const uint8_t options[] = {
		/* RDNSS: type 25, length 5 (two servers), reserved, lifetime 1800 */
		25, 5, 0, 0, 0, 0, 0x07, 0x08,
		0x20, 0x01, 0x0d, 0xb8, 0, 0x53, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
		0x20, 0x01, 0x0d, 0xb8, 0, 0x53, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2,
		/* DNSSL: type 31, length 4, lifetime 600, "corp.example" and "lab", zero padding */
		31, 4, 0, 0, 0, 0, 0x02, 0x58,
		4, 'c', 'o', 'r', 'p', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0,
		3, 'l', 'a', 'b', 0, 0, 0, 0, 0, 0,
		/* Route Information: type 24, length 2, /48, Prf 01 (high), lifetime 1800, 2001:db8:100:: */
		24, 2, 48, 0x08, 0, 0, 0x07, 0x08, 0x20, 0x01, 0x0d, 0xb8, 0x01, 0x00, 0xff, 0xff,
		/* length 3, /96, Prf 11 (low), lifetime 0: 64:ff9b::/96 withdrawn */
		24, 3, 96, 0x18, 0, 0, 0, 0, 0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		/* length 1, ::/0, lifetime infinite */
		24, 1, 0, 0, 0xff, 0xff, 0xff, 0xff,
	};
	uint8_t p[512];
	struct nd_router_advert ra;
	struct in6_addr want = addr("2001:db8:53::2");

	CU_ASSERT_TRUE_FATAL(nd_parse_router_advert(p, ra_with_options(p, options, sizeof(options)), &ra));
	CU_ASSERT_TRUE(ra.has_prefix);
	CU_ASSERT_EQUAL(ra.mtu, 1280);
	CU_ASSERT_EQUAL_FATAL(ra.dns_count, 2);
	CU_ASSERT_EQUAL(ra.dns[1].lifetime_s, 1800);
	CU_ASSERT(memcmp(&ra.dns[1].addr, &want, 16) == 0);
	CU_ASSERT_EQUAL_FATAL(ra.domain_count, 2);
	CU_ASSERT_STRING_EQUAL(ra.domains[0].name, "corp.example");
	CU_ASSERT_STRING_EQUAL(ra.domains[1].name, "lab");
	CU_ASSERT_EQUAL(ra.domains[1].lifetime_s, 600);
	CU_ASSERT_EQUAL_FATAL(ra.route_count, 3);
	want = addr("2001:db8:100::"); /* the bits past /48 sent (ffff) are made zero */
	CU_ASSERT(memcmp(&ra.routes[0].prefix, &want, 16) == 0);
	CU_ASSERT_EQUAL(ra.routes[0].len, 48);
	CU_ASSERT_EQUAL(ra.routes[0].preference, 1);
	CU_ASSERT_EQUAL(ra.routes[1].len, 96);
	CU_ASSERT_EQUAL(ra.routes[1].preference, -1);
	CU_ASSERT_EQUAL(ra.routes[1].lifetime_s, 0);
	want = addr("64:ff9b::");
	CU_ASSERT(memcmp(&ra.routes[1].prefix, &want, 16) == 0);
	CU_ASSERT_EQUAL(ra.routes[2].len, 0);
	CU_ASSERT_EQUAL(ra.routes[2].lifetime_s, 0xffffffffu);
}

/* A malformed option of these is ignored on its own; the RA and its other options stand. */
static void test_malformed_dns_and_route_options_ignored(void)
{
	static const uint8_t options[] = {
		/* RDNSS of length 2 (even: RFC 8106 5.1 "(1 + 2n)"; 5.3.1: ignored) */
		25, 2, 0, 0, 0, 0, 0x07, 0x08, 0, 0, 0, 0, 0, 0, 0, 0,
		/* DNSSL with a compression pointer (5.2: MUST NOT be compressed) */
		31, 2, 0, 0, 0, 0, 0x07, 0x08, 4, 'c', 'o', 'r', 'p', 0xc0, 0x0c, 0,
		/* DNSSL whose padding is not zeros */
		31, 2, 0, 0, 0, 0, 0x07, 0x08, 3, 'l', 'a', 'b', 0, 0, 7, 0,
		/* DNSSL with a label that runs past the option */
		31, 2, 0, 0, 0, 0, 0x07, 0x08, 9, 'c', 'o', 'r', 'p', 'x', 'y', 'z',
		/* Route Information with the reserved preference 10 (RFC 4191 2.3: MUST be ignored) */
		24, 2, 48, 0x10, 0, 0, 0x07, 0x08, 0x20, 0x01, 0x0d, 0xb8, 0x01, 0x00, 0, 0,
		/* a /96 in length 2 (too short for its prefix) */
		24, 2, 96, 0, 0, 0, 0x07, 0x08, 0x20, 0x01, 0x0d, 0xb8, 0x01, 0x00, 0, 0,
		/* and one good RDNSS after them */
		25, 3, 0, 0, 0, 0, 0x07, 0x08,
		0x20, 0x01, 0x0d, 0xb8, 0, 0x53, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
	};
	uint8_t p[512];
	struct nd_router_advert ra;

	CU_ASSERT_TRUE_FATAL(nd_parse_router_advert(p, ra_with_options(p, options, sizeof(options)), &ra));
	CU_ASSERT_TRUE(ra.has_prefix);
	CU_ASSERT_EQUAL(ra.dns_count, 1);
	CU_ASSERT_EQUAL(ra.domain_count, 0);
	CU_ASSERT_EQUAL(ra.route_count, 0);
}

static size_t ra_from(uint8_t *p, const char *src, uint32_t valid_s)
{
	struct in6_addr a = addr(src);
	size_t len = appliance_ra(p);
	uint8_t *pi = p + 40 + 16;

	memcpy(p + 8, &a, 16);
	pi[4] = (uint8_t)(valid_s >> 24), pi[5] = (uint8_t)(valid_s >> 16);
	pi[6] = (uint8_t)(valid_s >> 8), pi[7] = (uint8_t)valid_s;
	pi[8] = pi[9] = pi[10] = pi[11] = 0; /* preferred 0: within any valid lifetime */
	fix_checksum(p, len);
	return len;
}

static void test_neighbor_solicitation_for_the_router(void)
{
	uint8_t p[ND_PACKET_MAX_BYTES];
	struct in6_addr ll = addr("fe80::1234:5678:9abc:def0"), router = addr("fe80::1");
	size_t n = nd_build_neighbor_solicitation(p, &ll, &router);

	CU_ASSERT_EQUAL_FATAL(n, 64);
	CU_ASSERT_EQUAL(p[7], 255);
	CU_ASSERT(memcmp(p + 8, &ll, 16) == 0);
	CU_ASSERT(memcmp(p + 24, &router, 16) == 0); /* 7.2.2: unicast to the target itself */
	CU_ASSERT_EQUAL(p[40], 135);
	CU_ASSERT(memcmp(p + 48, &router, 16) == 0);
	CU_ASSERT_EQUAL(sum_packet(p, n), 0xffff);
}

/* The first RA after LinkUp names the router; one from another source is ignored and counted. */
static void test_only_the_router_that_answered(void)
{
	uint8_t p[256];
	struct nd_router_advert ra;
	struct ra_policy policy = {0};

	ra_policy_link_up(&policy);
	CU_ASSERT_TRUE_FATAL(nd_parse_router_advert(p, ra_from(p, "fe80::1", 2592000), &ra));
	CU_ASSERT_TRUE(ra_policy_accept(&policy, &ra));
	CU_ASSERT_TRUE_FATAL(nd_parse_router_advert(p, ra_from(p, "fe80::bad:c0de", 1), &ra));
	CU_ASSERT_FALSE(ra_policy_accept(&policy, &ra));
	CU_ASSERT_EQUAL(policy.ignored, 1);
	CU_ASSERT_TRUE_FATAL(nd_parse_router_advert(p, ra_from(p, "fe80::1", 2592000), &ra));
	CU_ASSERT_TRUE(ra_policy_accept(&policy, &ra));
	/* A new link: the router is named again by its first RA. */
	ra_policy_link_up(&policy);
	CU_ASSERT_TRUE_FATAL(nd_parse_router_advert(p, ra_from(p, "fe80::2", 2592000), &ra));
	CU_ASSERT_TRUE(ra_policy_accept(&policy, &ra));
	CU_ASSERT_EQUAL(policy.ignored, 1);
}

/* RFC 4862 5.5.3(e), each branch, with the valid lifetime out of an RA's bytes. */
static void test_the_two_hour_rule(void)
{
	uint8_t p[256];
	struct nd_router_advert ra;
	const uint32_t inf = RA_LIFETIME_INFINITE, two_h = RA_TWO_HOURS_S;

	CU_ASSERT_TRUE_FATAL(nd_parse_router_advert(p, ra_from(p, "fe80::1", 1), &ra));
	CU_ASSERT_EQUAL(ra.valid_s, 1);
	/* "valid lifetime 1 s" from an RA: a week left keeps two hours, not one second. */
	CU_ASSERT_EQUAL(ra_valid_lifetime(604800, ra.valid_s), two_h);
	CU_ASSERT_EQUAL(ra_valid_lifetime(inf, ra.valid_s), two_h);
	/* Less than two hours left: the option is ignored for the valid lifetime. */
	CU_ASSERT_EQUAL(ra_valid_lifetime(3600, ra.valid_s), 3600);
	CU_ASSERT_EQUAL(ra_valid_lifetime(two_h, 0), two_h);
	/* Greater than two hours, or than what remains: taken as it is. */
	CU_ASSERT_EQUAL(ra_valid_lifetime(604800, two_h + 1), two_h + 1);
	CU_ASSERT_EQUAL(ra_valid_lifetime(60, 120), 120);
	CU_ASSERT_EQUAL(ra_valid_lifetime(60, inf), inf);
	CU_ASSERT_TRUE_FATAL(nd_parse_router_advert(p, ra_from(p, "fe80::1", 2592000), &ra));
	CU_ASSERT_EQUAL(ra_valid_lifetime(3600, ra.valid_s), 2592000);
}

int main(void)
{
	static const struct unit_test tests[] = {
		{ "a unicast NS for the router (RFC 4861 7.2.2, liveness)", test_neighbor_solicitation_for_the_router },
		{ "RAs only from the router that answered at LinkUp; others ignored and counted",
		  test_only_the_router_that_answered },
		{ "RFC 4862 5.5.3(e): an RA shortens a valid lifetime to two hours at most", test_the_two_hour_rule },
		{ "the Router Solicitation, byte by byte", test_router_solicitation },
		{ "the DAD Neighbor Solicitation: from ::, to the solicited-node group", test_dad_solicitation },
		{ "an RA as the appliance sends it: prefix, lifetimes, MTU, router", test_router_advert_parsed },
		{ "every RA RFC 4861 and 4862 say to ignore, ignored", test_what_rfc_4861_ignores },
		{ "RDNSS, DNSSL and Route Information from the RFCs' layouts", test_dns_and_route_options_parsed },
		{ "a malformed RDNSS, DNSSL or Route Information is ignored alone", test_malformed_dns_and_route_options_ignored },
		{ "an NA for the target, and only from the link", test_neighbor_advert_for_a_target },
	};

	return unit_run("nd_packets", tests, sizeof(tests) / sizeof(tests[0]));
}
