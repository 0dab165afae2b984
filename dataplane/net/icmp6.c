/* SPDX-License-Identifier: BSD-3-Clause */
#include "icmp6.h"

#include <string.h>

#include <rte_ip.h>

#include "checksum.h"
#include "eth.h"
#include "nd.h"
#include "iface.h"
#include "net_counters.h"
#include "worker.h"

enum {
	ICMP6_ECHO_REQUEST = 128,
	ICMP6_ECHO_REPLY = 129,
	ICMP6_HEADER_BYTES = 4,
	ICMP6_REPLY_HOP_LIMIT = 64,
};

static void icmp6_echo(struct worker *w, const struct iface *ifc, struct rte_mbuf *m, struct rte_ipv6_hdr *ip,
		       uint8_t *icmp, uint32_t len)
{
	uint8_t addr[16];

	/* RFC 4443 4.2: a reply to a multicast request would come from a unicast
	 * address of ours; the appliance does not answer group pings. */
	if (ipv6_addr_is_multicast(ip->dst_addr)) {
		worker_drop(w, m, drop_icmp6_echo_to_multicast);
		return;
	}
	memcpy(addr, ip->src_addr, 16);
	memcpy(ip->src_addr, ip->dst_addr, 16);
	memcpy(ip->dst_addr, addr, 16);
	ip->hop_limits = ICMP6_REPLY_HOP_LIMIT;
	icmp[0] = ICMP6_ECHO_REPLY;
	icmp[2] = icmp[3] = 0;
	{
		uint16_t sum = checksum_icmp6(ip, icmp, len);
		memcpy(icmp + 2, &sum, 2);
	}
	counter(w, icmp6_echo_answered)++;
	eth_reply(w, ifc, m);
}

void icmp6_input(struct worker *w, const struct iface *ifc, struct rte_mbuf *m)
{
	struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, m->l2_len);
	uint32_t len = rte_be_to_cpu_16(ip->payload_len);
	uint8_t *icmp = rte_pktmbuf_mtod_offset(m, uint8_t *, m->l2_len + m->l3_len);

	if (unlikely(len < ICMP6_HEADER_BYTES)) {
		worker_drop(w, m, drop_icmp6_truncated);
		return;
	}
	if (unlikely(!checksum_icmp6_ok(ip, icmp, len))) {
		worker_drop(w, m, drop_icmp6_bad_checksum);
		return;
	}
	switch (icmp[0]) {
	case ICMP6_ECHO_REQUEST:
		if (icmp[1] != 0)
			break;
		icmp6_echo(w, ifc, m, ip, icmp, len);
		return;
	case ND_NEIGHBOR_SOLICIT_TYPE:
		nd_input_solicitation(w, ifc, m, ip, icmp, len);
		return;
	case ND_NEIGHBOR_ADVERT_TYPE:
		nd_input_advertisement(w, ifc, m, ip, icmp, len);
		return;
	default:
		break;
	}
	worker_drop(w, m, drop_icmp6_unhandled_type);
}
