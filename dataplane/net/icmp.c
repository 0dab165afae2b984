/* SPDX-License-Identifier: BSD-3-Clause */
#include "icmp.h"

#include <rte_icmp.h>
#include <rte_ip.h>

#include "checksum.h"
#include "eth.h"
#include "iface.h"
#include "net_counters.h"
#include "worker.h"

enum { ICMP_REPLY_TTL = 64 };

void icmp_input(struct worker *w, const struct iface *ifc, struct rte_mbuf *m)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, m->l2_len);
	uint32_t len = rte_be_to_cpu_16(ip->total_length) - m->l3_len;
	struct rte_icmp_hdr *icmp;
	uint32_t addr;

	if (unlikely(len < sizeof(*icmp))) {
		worker_drop(w, m, drop_icmp_truncated);
		return;
	}
	icmp = rte_pktmbuf_mtod_offset(m, struct rte_icmp_hdr *, m->l2_len + m->l3_len);
	if (unlikely(!checksum_icmp_ok(icmp, len))) {
		worker_drop(w, m, drop_icmp_bad_checksum);
		return;
	}
	if (icmp->icmp_type != RTE_IP_ICMP_ECHO_REQUEST || icmp->icmp_code != 0) {
		worker_drop(w, m, drop_icmp_unhandled_type);
		return;
	}
	/* Echo reply in place: same identifier, sequence and data (RFC 792). */
	icmp->icmp_type = RTE_IP_ICMP_ECHO_REPLY;
	icmp->icmp_cksum = 0;
	icmp->icmp_cksum = checksum_icmp(icmp, len);
	addr = ip->src_addr;
	ip->src_addr = ip->dst_addr;
	ip->dst_addr = addr;
	ip->time_to_live = ICMP_REPLY_TTL;
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	counter(w, icmp_echo_answered)++;
	eth_reply(w, ifc, m);
}
