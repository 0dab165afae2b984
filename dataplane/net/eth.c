/* SPDX-License-Identifier: BSD-3-Clause */
#include "eth.h"

#include <rte_byteorder.h>

#include "arp.h"
#include "ipv4.h"
#include "ipv6.h"
#include "iface.h"
#include "net_counters.h"
#include "worker.h"

void eth_input(struct worker *w, const struct iface *ifc, struct rte_mbuf *m)
{
	struct rte_ether_hdr *eh;

	/* Every frame here fits one mbuf (MTU <= 9000 < data room); a chained
	 * one would be a PMD surprise, and parsing assumes contiguous headers. */
	if (unlikely(m->nb_segs != 1)) {
		worker_drop(w, m, drop_eth_segmented);
		return;
	}
	if (unlikely(m->data_len < sizeof(*eh))) {
		worker_drop(w, m, drop_eth_runt);
		return;
	}
	eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	if (unlikely(!iface_accepts_mac(ifc, &eh->dst_addr))) {
		worker_drop(w, m, drop_eth_other_host);
		return;
	}
	m->l2_len = sizeof(*eh);
	switch (eh->ether_type) {
	case RTE_BE16(RTE_ETHER_TYPE_IPV6):
		ipv6_input(w, ifc, m);
		break;
	case RTE_BE16(RTE_ETHER_TYPE_IPV4):
		ipv4_input(w, ifc, m);
		break;
	case RTE_BE16(RTE_ETHER_TYPE_ARP):
		arp_input(w, ifc, m);
		break;
	default:
		worker_drop(w, m, drop_eth_unknown_ethertype);
		break;
	}
}

void eth_reply(struct worker *w, const struct iface *ifc, struct rte_mbuf *m)
{
	struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);

	eh->dst_addr = eh->src_addr;
	eh->src_addr = ifc->mac;
	worker_tx(w, ifc->role, m);
}

struct rte_mbuf *eth_alloc(struct worker *w, const struct iface *ifc, const struct rte_ether_addr *dst,
			   uint16_t ethertype, uint16_t payload_len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(w->pool);
	struct rte_ether_hdr *eh;

	if (unlikely(!m)) {
		counter(w, mbuf_alloc_failed)++;
		return NULL;
	}
	eh = (struct rte_ether_hdr *)rte_pktmbuf_append(m, (uint16_t)(sizeof(*eh) + payload_len));
	if (unlikely(!eh)) {
		rte_pktmbuf_free(m);
		counter(w, mbuf_alloc_failed)++;
		return NULL;
	}
	eh->dst_addr = *dst;
	eh->src_addr = ifc->mac;
	eh->ether_type = rte_cpu_to_be_16(ethertype);
	m->l2_len = sizeof(*eh);
	return m;
}
