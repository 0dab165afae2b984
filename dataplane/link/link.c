/* SPDX-License-Identifier: BSD-3-Clause */
#include "link.h"

#include <string.h>

#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "appliance_config.h"
#include "checksum.h"
#include "session.h"
#include "worker.h"

#define ICMP6_ECHO_REQUEST 128
#define ICMP6_ECHO_REPLY 129

void link_start(void)
{
	session_set_packet_handler(link_input);
}

bool link_is_server_address(const struct worker *w, const struct in6_addr *addr)
{
	/* ::1 in either fe80::/64 or the client prefix (a /64) */
	static const uint8_t link_local_prefix[8] = { 0xfe, 0x80 };
	static const uint8_t interface_id_1[8] = { 0, 0, 0, 0, 0, 0, 0, 1 };

	if (memcmp(&addr->s6_addr[8], interface_id_1, 8) != 0)
		return false;
	return memcmp(addr->s6_addr, link_local_prefix, 8) == 0 ||
	       memcmp(addr->s6_addr, w->config->iphttps.client_prefix.addr.s6_addr, 8) == 0;
}

/* Echo reply in place: swap the addresses, change the type, fix the checksum. */
static void echo_reply(struct worker *w, struct session *s, struct rte_mbuf *m)
{
	struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv6_hdr *);
	uint32_t len = rte_be_to_cpu_16(ip->payload_len);
	struct rte_icmp_hdr *icmp = (struct rte_icmp_hdr *)(ip + 1);
	uint8_t tmp[16];

	if (!checksum_icmp6_ok(ip, icmp, len)) {
		worker_drop(w, m, drop_link_bad_packet);
		return;
	}
	memcpy(tmp, ip->src_addr, 16);
	memcpy(ip->src_addr, ip->dst_addr, 16);
	memcpy(ip->dst_addr, tmp, 16);
	ip->hop_limits = 64;
	icmp->icmp_type = ICMP6_ECHO_REPLY;
	icmp->icmp_cksum = 0;
	icmp->icmp_cksum = checksum_icmp6(ip, icmp, len);
	w->counters.link_echo_answered++;
	session_send_packet(w, s, m);
}

void link_input(struct worker *w, struct session *s, struct rte_mbuf *m)
{
	struct rte_ipv6_hdr *ip;

	w->counters.link_rx_packets++;
	w->counters.link_rx_bytes += m->pkt_len;
	s->rx_packets++;
	/* The echo path works on one contiguous buffer: link MTUs up to the mbuf size. */
	if (m->nb_segs != 1 || m->data_len < sizeof(*ip) + 8) {
		worker_drop(w, m, drop_link_no_route);
		return;
	}
	ip = rte_pktmbuf_mtod(m, struct rte_ipv6_hdr *);
	if (link_is_server_address(w, (const struct in6_addr *)ip->dst_addr) && ip->proto == IPPROTO_ICMPV6 &&
	    ((const uint8_t *)(ip + 1))[0] == ICMP6_ECHO_REQUEST) {
		echo_reply(w, s, m);
		return;
	}
	worker_drop(w, m, drop_link_no_route);
}
