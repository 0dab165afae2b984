/* SPDX-License-Identifier: BSD-3-Clause */
#include "arp.h"

#include <rte_arp.h>
#include <rte_byteorder.h>

#include "eth.h"
#include "net_counters.h"
#include "nexthop.h"
#include "iface.h"
#include "worker.h"

void arp_input(struct worker *w, const struct iface *ifc, struct rte_mbuf *m)
{
	struct rte_arp_hdr *arp;
	struct rte_arp_ipv4 *a;

	if (unlikely(m->data_len < m->l2_len + sizeof(*arp))) {
		worker_drop(w, m, drop_arp_truncated);
		return;
	}
	arp = rte_pktmbuf_mtod_offset(m, struct rte_arp_hdr *, m->l2_len);
	if (unlikely(arp->arp_hardware != RTE_BE16(RTE_ARP_HRD_ETHER) ||
		     arp->arp_protocol != RTE_BE16(RTE_ETHER_TYPE_IPV4) || arp->arp_hlen != RTE_ETHER_ADDR_LEN ||
		     arp->arp_plen != 4)) {
		worker_drop(w, m, drop_arp_malformed);
		return;
	}
	a = &arp->arp_data;
	/* Requests and replies both tell us the sender's MAC (RFC 826 "merge"). */
	nexthop_learn_ipv4(w, ifc, a->arp_sip, &a->arp_sha);
	switch (arp->arp_opcode) {
	case RTE_BE16(RTE_ARP_OP_REQUEST):
		if (!ifc->has_ipv4 || a->arp_tip != ifc->ipv4) {
			worker_drop(w, m, drop_arp_not_for_us);
			return;
		}
		arp->arp_opcode = RTE_BE16(RTE_ARP_OP_REPLY);
		a->arp_tha = a->arp_sha;
		a->arp_tip = a->arp_sip;
		a->arp_sha = ifc->mac;
		a->arp_sip = ifc->ipv4;
		counter(w, arp_requests_answered)++;
		eth_reply(w, ifc, m);
		return;
	case RTE_BE16(RTE_ARP_OP_REPLY):
		rte_pktmbuf_free(m); /* its news was taken by nexthop_learn_ipv4 */
		return;
	default:
		worker_drop(w, m, drop_arp_unhandled_op);
		return;
	}
}

void arp_send_request(struct worker *w, const struct iface *ifc, uint32_t target)
{
	static const struct rte_ether_addr broadcast = { .addr_bytes = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };
	struct rte_mbuf *m = eth_alloc(w, ifc, &broadcast, RTE_ETHER_TYPE_ARP, sizeof(struct rte_arp_hdr));
	struct rte_arp_hdr *arp;

	if (!m)
		return;
	arp = rte_pktmbuf_mtod_offset(m, struct rte_arp_hdr *, m->l2_len);
	arp->arp_hardware = RTE_BE16(RTE_ARP_HRD_ETHER);
	arp->arp_protocol = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	arp->arp_hlen = RTE_ETHER_ADDR_LEN;
	arp->arp_plen = 4;
	arp->arp_opcode = RTE_BE16(RTE_ARP_OP_REQUEST);
	arp->arp_data.arp_sha = ifc->mac;
	arp->arp_data.arp_sip = ifc->ipv4;
	memset(&arp->arp_data.arp_tha, 0, sizeof(arp->arp_data.arp_tha));
	arp->arp_data.arp_tip = target;
	worker_tx(w, ifc->role, m);
}
