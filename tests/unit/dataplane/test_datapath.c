/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Datapath unit tests: exact frames in, exact frames (or the exact drop
 * counter) out, through the real ethdev TX path (tests/unit/harness.h).
 * Addresses are config/lab.yaml's. Run from the repository root.
 */
#include <CUnit/Basic.h>
#include <arpa/inet.h>

#include "harness.h"
#include "nd.h"
#include "worker_counters.h"

#define EXT CONFIG_PORT_EXTERNAL
#define INT CONFIG_PORT_INTERNAL

static uint8_t out[2048];

/* ---- frame builders (independent of the code under test) ---- */

static void ip6_addr(const char *text, uint8_t *a)
{
	CU_ASSERT_FATAL(inet_pton(AF_INET6, text, a) == 1);
}

/* IPv6 header + ICMPv6 body at f; fills the checksum. Returns bytes written. */
static size_t put_ipv6_icmp6(uint8_t *f, const char *src, const char *dst, uint8_t hop_limit, const uint8_t *icmp,
			     size_t icmp_len)
{
	uint16_t sum;

	memset(f, 0, 40);
	f[0] = 0x60;
	f[4] = (uint8_t)(icmp_len >> 8);
	f[5] = (uint8_t)icmp_len;
	f[6] = 58;
	f[7] = hop_limit;
	ip6_addr(src, f + 8);
	ip6_addr(dst, f + 24);
	memcpy(f + 40, icmp, icmp_len);
	f[42] = f[43] = 0;
	sum = (uint16_t)~reference_checksum(f + 40, icmp_len, reference_pseudo_sum(f));
	f[42] = (uint8_t)(sum >> 8);
	f[43] = (uint8_t)sum;
	return 40 + icmp_len;
}

static size_t ns_body(uint8_t *b, const char *target, const struct rte_ether_addr *slla)
{
	memset(b, 0, 24);
	b[0] = ND_NEIGHBOR_SOLICIT_TYPE;
	ip6_addr(target, b + 8);
	if (!slla)
		return 24;
	b[24] = ND_OPTION_SOURCE_LLA;
	b[25] = 1;
	memcpy(b + 26, slla->addr_bytes, 6);
	return 32;
}

static size_t arp_frame(uint8_t *f, uint16_t op, const char *sender, const char *target)
{
	static const struct rte_ether_addr broadcast = { .addr_bytes = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };
	size_t n = put_eth(f, &broadcast, &harness_peer_mac, 0x0806);
	uint8_t *a = f + n;

	a[0] = 0, a[1] = 1, a[2] = 0x08, a[3] = 0, a[4] = 6, a[5] = 4, a[6] = 0, a[7] = (uint8_t)op;
	memcpy(a + 8, harness_peer_mac.addr_bytes, 6);
	inet_pton(AF_INET, sender, a + 14);
	memset(a + 18, 0, 6);
	inet_pton(AF_INET, target, a + 24);
	return n + 28;
}

static size_t icmp_echo_frame(uint8_t *f, const char *src, const char *dst, int good_checksum)
{
	size_t n = put_eth(f, &ifaces[EXT].mac, &harness_peer_mac, 0x0800);
	uint8_t *ip = f + n, *icmp = ip + 20;
	uint16_t sum;

	put_ipv4(ip, src, dst, 1, 16);
	memset(icmp, 0, 16);
	icmp[0] = 8;
	icmp[4] = 0x12, icmp[5] = 0x34, icmp[7] = 1;
	memcpy(icmp + 8, "pingdata", 8);
	sum = (uint16_t)~reference_checksum(icmp, 16, 0);
	if (!good_checksum)
		sum ^= 0xff;
	icmp[2] = (uint8_t)(sum >> 8), icmp[3] = (uint8_t)sum;
	return n + 36;
}

/* ---- ARP ---- */

static void test_arp_request_answered(void)
{
	uint8_t f[64], tip[4];
	size_t n = arp_frame(f, 1, "192.0.2.2", "192.0.2.1");
	int len;

	harness_reset();
	harness_inject(EXT, f, n);
	len = harness_take(EXT, out, sizeof(out));
	CU_ASSERT_EQUAL_FATAL(len, 42);
	CU_ASSERT(memcmp(out, harness_peer_mac.addr_bytes, 6) == 0);       /* back to the asker */
	CU_ASSERT(memcmp(out + 6, ifaces[EXT].mac.addr_bytes, 6) == 0);
	CU_ASSERT_EQUAL(out[21], 2);                                         /* reply */
	CU_ASSERT(memcmp(out + 22, ifaces[EXT].mac.addr_bytes, 6) == 0);    /* sender: us */
	inet_pton(AF_INET, "192.0.2.1", tip);
	CU_ASSERT(memcmp(out + 28, tip, 4) == 0);
	CU_ASSERT(memcmp(out + 32, harness_peer_mac.addr_bytes, 6) == 0);   /* target: the asker */
	CU_ASSERT_EQUAL(counter(harness.w, arp_requests_answered), 1);
	/* 192.0.2.2 is the external gateway: the request taught us its MAC. */
	{
		struct rte_ether_addr mac;
		CU_ASSERT_TRUE(nexthop_mac(0, &mac));
		CU_ASSERT(rte_is_same_ether_addr(&mac, &harness_peer_mac));
	}
}

static void test_arp_for_another_address_dropped(void)
{
	uint8_t f[64];
	size_t n = arp_frame(f, 1, "192.0.2.7", "192.0.2.99");

	harness_reset();
	harness_inject(EXT, f, n);
	CU_ASSERT_EQUAL(harness_pending(EXT), 0);
	CU_ASSERT_EQUAL(counter(harness.w, drop_arp_not_for_us), 1);
}

static void test_arp_on_port_without_ipv4_dropped(void)
{
	uint8_t f[64];
	size_t n = arp_frame(f, 1, "192.0.2.2", "192.0.2.1");

	harness_reset();
	harness_inject(INT, f, n);
	CU_ASSERT_EQUAL(harness_pending(INT), 0);
	CU_ASSERT_EQUAL(counter(harness.w, drop_arp_not_for_us), 1);
}

/* ---- Ethernet ---- */

static void test_runt_frame_dropped(void)
{
	uint8_t f[10] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };

	harness_reset();
	harness_inject(EXT, f, sizeof(f));
	CU_ASSERT_EQUAL(counter(harness.w, drop_eth_runt), 1);
	CU_ASSERT_EQUAL(harness_pending(EXT), 0);
}

static void test_other_host_frame_dropped(void)
{
	uint8_t f[128];
	size_t n = icmp_echo_frame(f, "192.0.2.2", "192.0.2.1", 1);

	f[5] ^= 0x40; /* another unicast MAC */
	harness_reset();
	harness_inject(EXT, f, n);
	CU_ASSERT_EQUAL(counter(harness.w, drop_eth_other_host), 1);
}

/* ---- IPv4 / ICMP ---- */

static void test_icmp_echo_answered(void)
{
	uint8_t f[128];
	size_t n = icmp_echo_frame(f, "192.0.2.2", "192.0.2.1", 1);
	int len;

	harness_reset();
	harness_inject(EXT, f, n);
	len = harness_take(EXT, out, sizeof(out));
	CU_ASSERT_EQUAL_FATAL(len, (int)n);
	CU_ASSERT(memcmp(out, harness_peer_mac.addr_bytes, 6) == 0);
	CU_ASSERT(memcmp(out + 14 + 12, f + 14 + 16, 4) == 0);             /* src = old dst */
	CU_ASSERT(memcmp(out + 14 + 16, f + 14 + 12, 4) == 0);             /* dst = old src */
	CU_ASSERT_EQUAL(reference_checksum(out + 14, 20, 0), 0xffff);       /* IPv4 header checksum */
	CU_ASSERT_EQUAL(out[34], 0);                                         /* echo reply */
	CU_ASSERT_EQUAL(reference_checksum(out + 34, 16, 0), 0xffff);
	CU_ASSERT(memcmp(out + 38, f + 38, 12) == 0);                       /* id, seq, data kept */
}

static void test_ethernet_padding_ignored(void)
{
	uint8_t f[128] = { 0 };
	size_t n = icmp_echo_frame(f, "192.0.2.2", "192.0.2.1", 1);
	int len;

	harness_reset();
	harness_inject(EXT, f, n + 10); /* 10 bytes of trailing padding */
	len = harness_take(EXT, out, sizeof(out));
	CU_ASSERT_EQUAL(len, (int)n);
	CU_ASSERT_EQUAL(reference_checksum(out + 34, 16, 0), 0xffff);
}

static void test_icmp_bad_checksum_dropped(void)
{
	uint8_t f[128];
	size_t n = icmp_echo_frame(f, "192.0.2.2", "192.0.2.1", 0);

	harness_reset();
	harness_inject(EXT, f, n);
	CU_ASSERT_EQUAL(harness_pending(EXT), 0);
	CU_ASSERT_EQUAL(counter(harness.w, drop_icmp_bad_checksum), 1);
}

static void test_ipv4_broadcast_source_dropped(void)
{
	uint8_t f[128];
	size_t n = icmp_echo_frame(f, "192.0.2.255", "192.0.2.1", 1);

	harness_reset();
	harness_inject(EXT, f, n);
	CU_ASSERT_EQUAL(counter(harness.w, drop_ipv4_bad_source), 1);
}

static void test_ipv4_remote_x255_source_answered(void)
{
	/* .255 in another network is an ordinary host address. */
	uint8_t f[128];
	size_t n = icmp_echo_frame(f, "198.51.100.255", "192.0.2.1", 1);

	harness_reset();
	harness_inject(EXT, f, n);
	CU_ASSERT_EQUAL(counter(harness.w, icmp_echo_answered), 1);
}

static void test_ipv4_to_other_address_dropped(void)
{
	uint8_t f[128];
	size_t n = icmp_echo_frame(f, "192.0.2.2", "192.0.2.50", 1);

	harness_reset();
	harness_inject(EXT, f, n);
	CU_ASSERT_EQUAL(counter(harness.w, drop_ipv4_not_for_us), 1);
}

/*
 * A service address (ports.external.service_addresses: an anycast address
 * BGP routes to several appliances) is served: an echo to it, either
 * family, is answered from it. It is never claimed on the segment: an ARP
 * request or an NS for it goes unanswered, as routers reach it by route.
 */
static void test_service_addresses_served_not_claimed(void)
{
	struct iface saved = ifaces[EXT];
	uint8_t f[256], body[32], echo6[24] = { 128, 0, 0, 0, 0xab, 0xcd, 0, 7 };
	size_t n;
	int len;

	inet_pton(AF_INET, "198.51.100.10", &ifaces[EXT].service_ipv4[0]);
	inet_pton(AF_INET6, "2001:db8:5e::10", ifaces[EXT].service_ipv6[0]);
	ifaces[EXT].service_ipv4_count = ifaces[EXT].service_ipv6_count = 1;
	harness_reset();
	n = icmp_echo_frame(f, "192.0.2.2", "198.51.100.10", 1);
	harness_inject(EXT, f, n);
	len = harness_take(EXT, out, sizeof(out));
	CU_ASSERT_EQUAL_FATAL(len, (int)n);
	CU_ASSERT(memcmp(out + 14 + 12, f + 14 + 16, 4) == 0); /* from the service address */
	CU_ASSERT_EQUAL(out[34], 0);
	n = put_eth(f, &ifaces[EXT].mac, &harness_peer_mac, 0x86dd);
	n += put_ipv6_icmp6(f + n, "2001:db8:e::2", "2001:db8:5e::10", 64, echo6, sizeof(echo6));
	harness_inject(EXT, f, n);
	len = harness_take(EXT, out, sizeof(out));
	CU_ASSERT_EQUAL_FATAL(len, (int)n);
	CU_ASSERT_EQUAL(out[54], 129);
	CU_ASSERT(memcmp(out + 22, f + 38, 16) == 0);
	/* Not claimed on the segment. */
	n = arp_frame(f, 1, "192.0.2.2", "198.51.100.10");
	harness_inject(EXT, f, n);
	CU_ASSERT_EQUAL(harness_pending(EXT), 0);
	CU_ASSERT_EQUAL(counter(harness.w, drop_arp_not_for_us), 1);
	n = put_eth(f, &ifaces[EXT].mac, &harness_peer_mac, 0x86dd);
	n += put_ipv6_icmp6(f + n, "2001:db8:e::2", "2001:db8:e::1", 255, body,
			    ns_body(body, "2001:db8:5e::10", &harness_peer_mac));
	harness_inject(EXT, f, n);
	CU_ASSERT_EQUAL(harness_pending(EXT), 0);
	CU_ASSERT_EQUAL(counter(harness.w, drop_nd_target_not_ours), 1);
	ifaces[EXT] = saved;
}

/* ---- IPv6: ND and ICMPv6 ---- */

static void test_ns_answered_with_na(void)
{
	uint8_t f[256], body[32], dst_group[16];
	size_t n = put_eth(f, &(struct rte_ether_addr){ { 0x33, 0x33, 0xff, 0, 0, 1 } }, &harness_peer_mac, 0x86dd);
	int len;

	ipv6_addr_solicited_node(ifaces[EXT].ipv6[1], dst_group);
	{
		char group_text[INET6_ADDRSTRLEN];
		inet_ntop(AF_INET6, dst_group, group_text, sizeof(group_text));
		n += put_ipv6_icmp6(f + n, "2001:db8:e::2", group_text, 255, body,
				    ns_body(body, "2001:db8:e::1", &harness_peer_mac));
	}
	harness_reset();
	harness_inject(EXT, f, n);
	len = harness_take(EXT, out, sizeof(out));
	CU_ASSERT_EQUAL_FATAL(len, 14 + 40 + 32);
	CU_ASSERT(memcmp(out, harness_peer_mac.addr_bytes, 6) == 0);       /* to the SLLA */
	CU_ASSERT_EQUAL(out[14 + 7], 255);                                   /* hop limit */
	CU_ASSERT(memcmp(out + 14 + 8, ifaces[EXT].ipv6[1], 16) == 0);      /* from the target */
	CU_ASSERT(memcmp(out + 14 + 24, f + 14 + 8, 16) == 0);              /* to the solicitor */
	CU_ASSERT_EQUAL(out[54], ND_NEIGHBOR_ADVERT_TYPE);
	CU_ASSERT_EQUAL(out[58], ND_NA_FLAG_SOLICITED | ND_NA_FLAG_OVERRIDE); /* external: no Router flag */
	CU_ASSERT(memcmp(out + 62, ifaces[EXT].ipv6[1], 16) == 0);
	CU_ASSERT_EQUAL(out[78], ND_OPTION_TARGET_LLA);
	CU_ASSERT_EQUAL(out[79], 1);
	CU_ASSERT(memcmp(out + 80, ifaces[EXT].mac.addr_bytes, 6) == 0);
	CU_ASSERT_EQUAL(reference_checksum(out + 54, 32, reference_pseudo_sum(out + 14)), 0xffff);
	CU_ASSERT_EQUAL(counter(harness.w, nd_solicitations_answered), 1);
}

static void test_ns_on_internal_port_sets_router_flag(void)
{
	uint8_t f[256], body[32];
	size_t n = put_eth(f, &ifaces[INT].mac, &harness_peer_mac, 0x86dd);
	int len;

	n += put_ipv6_icmp6(f + n, "fd00:c0::2", "fd00:c0::1", 255, body,
			    ns_body(body, "fd00:c0::1", &harness_peer_mac));
	harness_reset();
	harness_inject(INT, f, n);
	len = harness_take(INT, out, sizeof(out));
	CU_ASSERT_EQUAL_FATAL(len, 14 + 40 + 32);
	CU_ASSERT_EQUAL(out[58], ND_NA_FLAG_ROUTER | ND_NA_FLAG_SOLICITED | ND_NA_FLAG_OVERRIDE);
}

static void test_dad_ns_answered_to_all_nodes(void)
{
	static const uint8_t all_nodes_mac[6] = { 0x33, 0x33, 0, 0, 0, 1 };
	uint8_t f[256], body[32], group[16];
	char group_text[INET6_ADDRSTRLEN];
	size_t n;
	int len;

	ipv6_addr_solicited_node(ifaces[EXT].ipv6[1], group);
	inet_ntop(AF_INET6, group, group_text, sizeof(group_text));
	n = put_eth(f, &(struct rte_ether_addr){ { 0x33, 0x33, 0xff, 0, 0, 1 } }, &harness_peer_mac, 0x86dd);
	n += put_ipv6_icmp6(f + n, "::", group_text, 255, body, ns_body(body, "2001:db8:e::1", NULL));
	harness_reset();
	harness_inject(EXT, f, n);
	len = harness_take(EXT, out, sizeof(out));
	CU_ASSERT_EQUAL_FATAL(len, 14 + 40 + 32);
	CU_ASSERT(memcmp(out, all_nodes_mac, 6) == 0);
	CU_ASSERT_EQUAL(out[14 + 24], 0xff);
	CU_ASSERT_EQUAL(out[14 + 39], 0x01);                                 /* ff02::1 */
	CU_ASSERT_EQUAL(out[58], ND_NA_FLAG_OVERRIDE);                       /* not solicited */
	CU_ASSERT_EQUAL(reference_checksum(out + 54, 32, reference_pseudo_sum(out + 14)), 0xffff);
}

static void test_ns_for_other_target_dropped(void)
{
	uint8_t f[256], body[32];
	size_t n = put_eth(f, &ifaces[EXT].mac, &harness_peer_mac, 0x86dd);

	n += put_ipv6_icmp6(f + n, "2001:db8:e::2", "2001:db8:e::1", 255, body,
			    ns_body(body, "2001:db8:e::77", &harness_peer_mac));
	harness_reset();
	harness_inject(EXT, f, n);
	CU_ASSERT_EQUAL(harness_pending(EXT), 0);
	CU_ASSERT_EQUAL(counter(harness.w, drop_nd_target_not_ours), 1);
}

static void test_ns_with_zero_length_option_dropped(void)
{
	uint8_t f[256], body[32];
	size_t n = put_eth(f, &ifaces[EXT].mac, &harness_peer_mac, 0x86dd);
	size_t body_len = ns_body(body, "2001:db8:e::1", &harness_peer_mac);

	body[25] = 0;
	n += put_ipv6_icmp6(f + n, "2001:db8:e::2", "2001:db8:e::1", 255, body, body_len);
	harness_reset();
	harness_inject(EXT, f, n);
	CU_ASSERT_EQUAL(counter(harness.w, drop_nd_bad_option), 1);
}

static void test_na_from_gateway_learned(void)
{
	static const struct rte_ether_addr corp_mac = { .addr_bytes = { 0x02, 0xc0, 0, 0, 0, 0x22 } };
	uint8_t f[256], body[32];
	size_t n = put_eth(f, &ifaces[INT].mac, &corp_mac, 0x86dd);
	struct nexthop_view v;
	unsigned int index;

	memset(body, 0, sizeof(body));
	body[0] = ND_NEIGHBOR_ADVERT_TYPE;
	body[4] = ND_NA_FLAG_SOLICITED;
	ip6_addr("fd00:c0::2", body + 8);
	body[24] = ND_OPTION_TARGET_LLA;
	body[25] = 1;
	memcpy(body + 26, corp_mac.addr_bytes, 6);
	n += put_ipv6_icmp6(f + n, "fd00:c0::2", "fd00:c0::1", 255, body, 32);
	harness_reset();
	harness_inject(INT, f, n);
	for (index = 0; index < nexthop_count(); index++) {
		nexthop_get(index, &v);
		if (v.role == INT)
			break;
	}
	CU_ASSERT_FATAL(index < nexthop_count());
	CU_ASSERT_TRUE(v.resolved);
	CU_ASSERT(rte_is_same_ether_addr(&v.mac, &corp_mac));
	CU_ASSERT_EQUAL(counter(harness.w, nexthop_learned), 1);
}

static void test_icmp6_echo_answered(void)
{
	uint8_t f[256], body[24] = { 128, 0, 0, 0, 0xab, 0xcd, 0, 7, 'e', 'c', 'h', 'o' };
	size_t n = put_eth(f, &ifaces[EXT].mac, &harness_peer_mac, 0x86dd);
	int len;

	n += put_ipv6_icmp6(f + n, "2001:db8:e::2", "2001:db8:e::1", 64, body, sizeof(body));
	harness_reset();
	harness_inject(EXT, f, n);
	len = harness_take(EXT, out, sizeof(out));
	CU_ASSERT_EQUAL_FATAL(len, (int)n);
	CU_ASSERT_EQUAL(out[54], 129);
	CU_ASSERT(memcmp(out + 22, f + 38, 16) == 0); /* src = old dst */
	CU_ASSERT(memcmp(out + 38, f + 22, 16) == 0); /* dst = old src */
	CU_ASSERT(memcmp(out + 58, f + 58, 20) == 0); /* id, seq, data */
	CU_ASSERT_EQUAL(reference_checksum(out + 54, sizeof(body), reference_pseudo_sum(out + 14)), 0xffff);
}

static void test_icmp6_echo_to_all_nodes_not_answered(void)
{
	uint8_t f[256], body[16] = { 128, 0, 0, 0, 0, 1, 0, 1 };
	size_t n = put_eth(f, &(struct rte_ether_addr){ { 0x33, 0x33, 0, 0, 0, 1 } }, &harness_peer_mac, 0x86dd);

	n += put_ipv6_icmp6(f + n, "2001:db8:e::2", "ff02::1", 64, body, sizeof(body));
	harness_reset();
	harness_inject(EXT, f, n);
	CU_ASSERT_EQUAL(harness_pending(EXT), 0);
	CU_ASSERT_EQUAL(counter(harness.w, drop_icmp6_echo_to_multicast), 1);
}

static void test_ipv6_from_our_own_address_dropped(void)
{
	uint8_t f[256], body[16] = { 128, 0, 0, 0, 0, 1, 0, 1 };
	size_t n = put_eth(f, &ifaces[EXT].mac, &harness_peer_mac, 0x86dd);

	n += put_ipv6_icmp6(f + n, "2001:db8:e::1", "2001:db8:e::1", 64, body, sizeof(body));
	harness_reset();
	harness_inject(EXT, f, n);
	CU_ASSERT_EQUAL(counter(harness.w, drop_ipv6_bad_source), 1);
}

/* ---- next-hop resolution ---- */

static void test_housekeeping_solicits_unresolved_gateways(void)
{
	uint8_t group[16];
	unsigned int arp = 0, ns = 0, ns_int = 0;
	int len;

	nexthop_table_init(&harness.config); /* forget what earlier tests learned */
	harness_reset();
	nexthop_housekeeping(harness.w, rte_rdtsc());
	while ((len = harness_take(EXT, out, sizeof(out))) > 0) {
		if (out[12] == 0x08 && out[13] == 0x06) {
			arp++;
			CU_ASSERT(rte_is_broadcast_ether_addr((struct rte_ether_addr *)out));
			CU_ASSERT_EQUAL(out[21], 1); /* request */
		} else if (out[12] == 0x86 && out[13] == 0xdd && out[54] == ND_NEIGHBOR_SOLICIT_TYPE) {
			uint8_t gw[16];
			ns++;
			ip6_addr("2001:db8:e::2", gw);
			ipv6_addr_solicited_node(gw, group);
			CU_ASSERT(memcmp(out + 38, group, 16) == 0);
			CU_ASSERT(memcmp(out + 62, gw, 16) == 0);
			CU_ASSERT_EQUAL(out[21], 255);
			CU_ASSERT_EQUAL(reference_checksum(out + 54, 32, reference_pseudo_sum(out + 14)), 0xffff);
		}
	}
	while ((len = harness_take(INT, out, sizeof(out))) > 0)
		if (out[54] == ND_NEIGHBOR_SOLICIT_TYPE)
			ns_int++;
	CU_ASSERT_EQUAL(arp, 1);
	CU_ASSERT_EQUAL(ns, 1);
	CU_ASSERT_EQUAL(ns_int, 1); /* the gateway and the route's via are one next hop */
	/* Within the retry interval nothing more is sent. */
	nexthop_housekeeping(harness.w, rte_rdtsc());
	CU_ASSERT_EQUAL(harness_pending(EXT), 0);
	CU_ASSERT_EQUAL(counter(harness.w, nexthop_requests_sent), 3);
}

static void test_lla_option_parser(void)
{
	struct rte_ether_addr mac;
	uint8_t good[16] = { 14, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1, 2, 3, 4, 5, 6 };
	uint8_t overrun[8] = { 1, 2, 1, 2, 3, 4, 5, 6 };
	uint8_t zero[8] = { 1, 0 };

	CU_ASSERT_EQUAL(nd_find_lla_option(good, sizeof(good), 1, &mac), 1);
	CU_ASSERT_EQUAL(mac.addr_bytes[5], 6);
	CU_ASSERT_EQUAL(nd_find_lla_option(good, sizeof(good), 2, &mac), 0);
	CU_ASSERT_EQUAL(nd_find_lla_option(overrun, sizeof(overrun), 1, &mac), -1);
	CU_ASSERT_EQUAL(nd_find_lla_option(zero, sizeof(zero), 1, &mac), -1);
	CU_ASSERT_EQUAL(nd_find_lla_option(good, 1, 1, &mac), -1);
	CU_ASSERT_EQUAL(nd_find_lla_option(good, 0, 1, &mac), 0);
}

int main(void)
{
	static const struct harness_test tests[] = {
		{ "ARP request for our address is answered", test_arp_request_answered },
		{ "ARP for another address is dropped and counted", test_arp_for_another_address_dropped },
		{ "ARP on a port without IPv4 is dropped", test_arp_on_port_without_ipv4_dropped },
		{ "a frame shorter than an Ethernet header is counted as runt", test_runt_frame_dropped },
		{ "a frame for another MAC is dropped", test_other_host_frame_dropped },
		{ "ICMP echo is answered in place", test_icmp_echo_answered },
		{ "Ethernet padding is not echoed", test_ethernet_padding_ignored },
		{ "ICMP with a bad checksum is dropped", test_icmp_bad_checksum_dropped },
		{ "IPv4 from our subnet's broadcast address is dropped", test_ipv4_broadcast_source_dropped },
		{ "IPv4 from a remote .255 address is answered", test_ipv4_remote_x255_source_answered },
		{ "IPv4 to another address is dropped", test_ipv4_to_other_address_dropped },
		{ "service addresses (anycast) are served, never claimed by ARP or ND", test_service_addresses_served_not_claimed },
		{ "NS for our address gets a solicited NA", test_ns_answered_with_na },
		{ "NA on the internal port carries the Router flag", test_ns_on_internal_port_sets_router_flag },
		{ "DAD NS is answered to all-nodes", test_dad_ns_answered_to_all_nodes },
		{ "NS for another target is dropped", test_ns_for_other_target_dropped },
		{ "NS with a zero-length option is dropped", test_ns_with_zero_length_option_dropped },
		{ "NA from the gateway resolves it", test_na_from_gateway_learned },
		{ "ICMPv6 echo is answered in place", test_icmp6_echo_answered },
		{ "ICMPv6 echo to all-nodes is not answered", test_icmp6_echo_to_all_nodes_not_answered },
		{ "IPv6 from our own address is dropped", test_ipv6_from_our_own_address_dropped },
		{ "housekeeping solicits each unresolved gateway once", test_housekeeping_solicits_unresolved_gateways },
		{ "ND option parser rejects zero and overrunning lengths", test_lla_option_parser },
	};

	if (harness_start() != 0) {
		fprintf(stderr, "test_datapath: harness setup failed (run from the repository root after make)\n");
		return 1;
	}
	return harness_run("datapath", tests, sizeof(tests) / sizeof(tests[0]));
}
