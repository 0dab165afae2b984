/* SPDX-License-Identifier: BSD-3-Clause */
#include "ipv6.h"

#include <netinet/in.h>

#include <rte_ip.h>

#include "icmp6.h"
#include "ipv6_route.h"
#include "l4_input.h"
#include "iface.h"
#include "net_counters.h"
#include "worker.h"

void ipv6_input(struct worker *w, const struct iface *ifc, struct rte_mbuf *m)
{
	uint32_t l3_avail = m->data_len - m->l2_len;
	struct rte_ipv6_hdr *ip;
	uint32_t payload_len;

	if (unlikely(l3_avail < sizeof(*ip))) {
		worker_drop(w, m, drop_ipv6_truncated);
		return;
	}
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, m->l2_len);
	if (unlikely((rte_be_to_cpu_32(ip->vtc_flow) >> 28) != 6)) {
		worker_drop(w, m, drop_ipv6_bad_version);
		return;
	}
	payload_len = rte_be_to_cpu_16(ip->payload_len);
	if (unlikely(sizeof(*ip) + payload_len > l3_avail)) {
		worker_drop(w, m, drop_ipv6_bad_payload_length);
		return;
	}
	rte_pktmbuf_trim(m, (uint16_t)(l3_avail - sizeof(*ip) - payload_len));
	m->l3_len = sizeof(*ip);
	if (unlikely(ipv6_addr_is_multicast(ip->src_addr) || iface_owns_ipv6(ifc, ip->src_addr))) {
		worker_drop(w, m, drop_ipv6_bad_source);
		return;
	}
	if (unlikely(!iface_accepts_ipv6_dst(ifc, ip->dst_addr))) {
		if (ifc->role == CONFIG_PORT_INTERNAL && !ipv6_addr_is_multicast(ip->dst_addr)) {
			/* Not ours: the router's (the client prefix), if anyone's. */
			ipv6_route_forward(w, ifc, m);
			return;
		}
		worker_drop(w, m, drop_ipv6_not_for_us);
		return;
	}
	switch (ip->proto) {
	case IPPROTO_ICMPV6:
		icmp6_input(w, ifc, m);
		break;
	case IPPROTO_TCP:
	case IPPROTO_UDP:
		l4_input(w, ifc, ip->proto, m);
		break;
	case IPPROTO_HOPOPTS:
	case IPPROTO_ROUTING:
	case IPPROTO_FRAGMENT:
	case IPPROTO_DSTOPTS:
	case IPPROTO_AH:
	case IPPROTO_ESP:
		/* Packets to the appliance never need these; MLD reports (hop-by-hop
		 * router alert) land here and are ignored, as a host that joins no
		 * group may. */
		worker_drop(w, m, drop_ipv6_extension_header);
		break;
	default:
		worker_drop(w, m, drop_ipv6_unknown_next_header);
		break;
	}
}
