/* SPDX-License-Identifier: BSD-3-Clause */
#include "ipv4.h"

#include <netinet/in.h>

#include <rte_ip.h>

#include "icmp.h"
#include "l4_input.h"
#include "iface.h"
#include "net_counters.h"
#include "worker.h"

static bool ipv4_is_bad_source(const struct iface *ifc, uint32_t src)
{
	uint32_t host = rte_be_to_cpu_32(src);

	bool on_our_subnet = ((src ^ ifc->ipv4) & ifc->ipv4_mask) == 0;

	/* Multicast, limited broadcast, our own address, or our subnet's broadcast. */
	return (host >> 28) == 0xe || host == 0xffffffffu || src == ifc->ipv4 ||
	       (on_our_subnet && ifc->ipv4_mask != 0xffffffffu && (src | ifc->ipv4_mask) == 0xffffffffu);
}

void ipv4_input(struct worker *w, const struct iface *ifc, struct rte_mbuf *m)
{
	uint32_t l3_avail = m->data_len - m->l2_len;
	struct rte_ipv4_hdr *ip;
	uint32_t header_len, total_len;

	if (unlikely(l3_avail < sizeof(*ip))) {
		worker_drop(w, m, drop_ipv4_truncated);
		return;
	}
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, m->l2_len);
	if (unlikely((ip->version_ihl >> 4) != 4)) {
		worker_drop(w, m, drop_ipv4_bad_version);
		return;
	}
	header_len = (uint32_t)(ip->version_ihl & 0xf) * 4;
	if (unlikely(header_len < sizeof(*ip) || header_len > l3_avail)) {
		worker_drop(w, m, drop_ipv4_bad_header_length);
		return;
	}
	total_len = rte_be_to_cpu_16(ip->total_length);
	if (unlikely(total_len < header_len || total_len > l3_avail)) {
		worker_drop(w, m, drop_ipv4_bad_total_length);
		return;
	}
	/* The port's verdict when it gives one (RX checksum offload), our own otherwise. */
	switch (m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK) {
	case RTE_MBUF_F_RX_IP_CKSUM_GOOD:
		counter(w, ipv4_rx_checksum_verified_by_port)++;
		break;
	case RTE_MBUF_F_RX_IP_CKSUM_BAD:
		counter(w, ipv4_rx_checksum_bad_by_port)++;
		worker_drop(w, m, drop_ipv4_bad_checksum);
		return;
	default:
		if (unlikely(rte_ipv4_cksum(ip) != 0)) {
			worker_drop(w, m, drop_ipv4_bad_checksum);
			return;
		}
	}
	/* Ethernet pads short frames to 60 bytes: what follows total_length is not ours. */
	rte_pktmbuf_trim(m, (uint16_t)(l3_avail - total_len));
	m->l3_len = (uint16_t)header_len;
	if (unlikely(!iface_serves_ipv4(ifc, ip->dst_addr))) {
		worker_drop(w, m, drop_ipv4_not_for_us);
		return;
	}
	if (unlikely(ipv4_is_bad_source(ifc, ip->src_addr))) {
		worker_drop(w, m, drop_ipv4_bad_source);
		return;
	}
	if (unlikely(ip->fragment_offset & RTE_BE16(RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK))) {
		worker_drop(w, m, drop_ipv4_fragment);
		return;
	}
	switch (ip->next_proto_id) {
	case IPPROTO_ICMP:
		icmp_input(w, ifc, m);
		break;
	case IPPROTO_TCP:
	case IPPROTO_UDP:
		l4_input(w, ifc, ip->next_proto_id, m);
		break;
	default:
		worker_drop(w, m, drop_ipv4_unknown_protocol);
		break;
	}
}
