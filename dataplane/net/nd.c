/* SPDX-License-Identifier: BSD-3-Clause */
#include "nd.h"

#include <netinet/in.h>
#include <string.h>

#include "checksum.h"
#include "eth.h"
#include "net_counters.h"
#include "nexthop.h"
#include "iface.h"
#include "worker.h"

enum { ND_NA_WITH_TLLA_BYTES = ND_NS_NA_FIXED_BYTES + ND_OPTION_UNIT_BYTES };

static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 0x01 };

int nd_find_lla_option(const uint8_t *options, uint32_t len, uint8_t type, struct rte_ether_addr *mac)
{
	int found = 0;

	while (len > 0) {
		uint32_t option_len;

		if (len < 2 || options[1] == 0)
			return -1;
		option_len = (uint32_t)options[1] * ND_OPTION_UNIT_BYTES;
		if (option_len > len)
			return -1;
		if (options[0] == type && option_len >= 2 + RTE_ETHER_ADDR_LEN) {
			memcpy(mac->addr_bytes, options + 2, RTE_ETHER_ADDR_LEN);
			found = 1;
		}
		options += option_len;
		len -= option_len;
	}
	return found;
}

/* Checks shared by NS and NA (RFC 4861 7.1.1, 7.1.2). The counter names the first failure. */
static int nd_validate(struct worker *w, struct rte_mbuf *m, const struct rte_ipv6_hdr *ip, const uint8_t *icmp,
		       uint32_t len)
{
	if (ip->hop_limits != ND_HOP_LIMIT) {
		worker_drop(w, m, drop_nd_bad_hop_limit);
		return -1;
	}
	if (icmp[1] != 0) {
		worker_drop(w, m, drop_nd_bad_code);
		return -1;
	}
	if (len < ND_NS_NA_FIXED_BYTES) {
		worker_drop(w, m, drop_nd_truncated);
		return -1;
	}
	if (ipv6_addr_is_multicast(icmp + 8)) {
		worker_drop(w, m, drop_nd_multicast_target);
		return -1;
	}
	return 0;
}

void nd_input_solicitation(struct worker *w, const struct iface *ifc, struct rte_mbuf *m, struct rte_ipv6_hdr *ip,
			   uint8_t *icmp, uint32_t len)
{
	const uint8_t *target = icmp + 8;
	struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_ether_addr source_lla, reply_mac;
	bool dad = ipv6_addr_is_unspecified(ip->src_addr);
	uint32_t frame_len;
	uint16_t sum;
	int has_slla;

	if (nd_validate(w, m, ip, icmp, len) < 0)
		return;
	has_slla = nd_find_lla_option(icmp + ND_NS_NA_FIXED_BYTES, len - ND_NS_NA_FIXED_BYTES,
				      ND_OPTION_SOURCE_LLA, &source_lla);
	if (has_slla < 0) {
		worker_drop(w, m, drop_nd_bad_option);
		return;
	}
	if (dad) {
		uint8_t group[16];

		/* RFC 4861 7.1.1: from ::, only to the target's solicited-node group, no SLLA. */
		ipv6_addr_solicited_node(target, group);
		if (memcmp(ip->dst_addr, group, 16) != 0 || has_slla) {
			worker_drop(w, m, drop_nd_bad_dad);
			return;
		}
	}
	if (!iface_owns_ipv6(ifc, target)) {
		worker_drop(w, m, drop_nd_target_not_ours);
		return;
	}
	if (has_slla)
		nexthop_learn_ipv6(w, ifc, ip->src_addr, &source_lla);

	/* The advertisement, built in place (RFC 4861 7.2.4). */
	if (dad) {
		memcpy(ip->dst_addr, all_nodes, 16);
		ipv6_addr_multicast_mac(all_nodes, &reply_mac);
	} else {
		memcpy(ip->dst_addr, ip->src_addr, 16);
		reply_mac = has_slla ? source_lla : eh->src_addr;
	}
	memcpy(ip->src_addr, target, 16);
	frame_len = m->l2_len + m->l3_len + ND_NA_WITH_TLLA_BYTES;
	if (m->data_len < frame_len) {
		if (!rte_pktmbuf_append(m, (uint16_t)(frame_len - m->data_len))) {
			worker_drop(w, m, mbuf_alloc_failed);
			return;
		}
	} else {
		rte_pktmbuf_trim(m, (uint16_t)(m->data_len - frame_len));
	}
	ip->payload_len = rte_cpu_to_be_16(ND_NA_WITH_TLLA_BYTES);
	ip->hop_limits = ND_HOP_LIMIT;
	icmp[0] = ND_NEIGHBOR_ADVERT_TYPE;
	icmp[1] = 0;
	icmp[2] = icmp[3] = 0;
	icmp[4] = (uint8_t)((ifc->is_router ? ND_NA_FLAG_ROUTER : 0) | (dad ? 0 : ND_NA_FLAG_SOLICITED) |
			    ND_NA_FLAG_OVERRIDE);
	icmp[5] = icmp[6] = icmp[7] = 0;
	/* target (icmp + 8) stays */
	icmp[24] = ND_OPTION_TARGET_LLA;
	icmp[25] = 1;
	memcpy(icmp + 26, ifc->mac.addr_bytes, RTE_ETHER_ADDR_LEN);
	sum = checksum_icmp6(ip, icmp, ND_NA_WITH_TLLA_BYTES);
	memcpy(icmp + 2, &sum, 2);
	eh->dst_addr = reply_mac;
	eh->src_addr = ifc->mac;
	counter(w, nd_solicitations_answered)++;
	worker_tx(w, ifc->role, m);
}

void nd_input_advertisement(struct worker *w, const struct iface *ifc, struct rte_mbuf *m, struct rte_ipv6_hdr *ip,
			    uint8_t *icmp, uint32_t len)
{
	struct rte_ether_addr target_lla;
	int has_tlla;

	if (nd_validate(w, m, ip, icmp, len) < 0)
		return;
	if (ipv6_addr_is_multicast(ip->dst_addr) && (icmp[4] & ND_NA_FLAG_SOLICITED)) {
		worker_drop(w, m, drop_nd_solicited_to_multicast);
		return;
	}
	has_tlla = nd_find_lla_option(icmp + ND_NS_NA_FIXED_BYTES, len - ND_NS_NA_FIXED_BYTES,
				      ND_OPTION_TARGET_LLA, &target_lla);
	if (has_tlla < 0) {
		worker_drop(w, m, drop_nd_bad_option);
		return;
	}
	if (!has_tlla) /* allowed for unicast solicitations: the frame's source is the answer */
		target_lla = rte_pktmbuf_mtod(m, struct rte_ether_hdr *)->src_addr;
	if (!nexthop_learn_ipv6(w, ifc, icmp + 8, &target_lla)) {
		worker_drop(w, m, drop_nd_unsolicited_na_ignored);
		return;
	}
	rte_pktmbuf_free(m);
}

/* A source address on the target's link: a global one sharing its /64, else link-local. */
static const uint8_t *source_for(const struct iface *ifc, const uint8_t target[16])
{
	for (unsigned int i = 1; i < ifc->ipv6_count; i++)
		if (memcmp(ifc->ipv6[i], target, 8) == 0)
			return ifc->ipv6[i];
	return ifc->ipv6[0];
}

void nd_send_solicitation(struct worker *w, const struct iface *ifc, const uint8_t target[16])
{
	enum { NS_BYTES = ND_NS_NA_FIXED_BYTES + ND_OPTION_UNIT_BYTES };
	struct rte_ether_addr dst_mac;
	struct rte_ipv6_hdr *ip;
	struct rte_mbuf *m;
	uint8_t group[16];
	uint8_t *icmp;
	uint16_t sum;

	ipv6_addr_solicited_node(target, group);
	ipv6_addr_multicast_mac(group, &dst_mac);
	m = eth_alloc(w, ifc, &dst_mac, RTE_ETHER_TYPE_IPV6, sizeof(*ip) + NS_BYTES);
	if (!m)
		return;
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, m->l2_len);
	ip->vtc_flow = rte_cpu_to_be_32(6u << 28);
	ip->payload_len = rte_cpu_to_be_16(NS_BYTES);
	ip->proto = IPPROTO_ICMPV6;
	ip->hop_limits = ND_HOP_LIMIT;
	memcpy(ip->src_addr, source_for(ifc, target), 16);
	memcpy(ip->dst_addr, group, 16);
	icmp = (uint8_t *)(ip + 1);
	memset(icmp, 0, NS_BYTES);
	icmp[0] = ND_NEIGHBOR_SOLICIT_TYPE;
	memcpy(icmp + 8, target, 16);
	icmp[24] = ND_OPTION_SOURCE_LLA;
	icmp[25] = 1;
	memcpy(icmp + 26, ifc->mac.addr_bytes, RTE_ETHER_ADDR_LEN);
	sum = checksum_icmp6(ip, icmp, NS_BYTES);
	memcpy(icmp + 2, &sum, 2);
	worker_tx(w, ifc->role, m);
}
