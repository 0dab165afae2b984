/* SPDX-License-Identifier: BSD-3-Clause */
#include "link_forward.h"

#include <string.h>

#include <rte_ip.h>
#include <rte_mbuf.h>

#include "appliance_config.h"
#include "client_index.h"
#include "client_table.h"
#include "iface.h"
#include "ipv6_route.h"
#include "link_counters.h"
#include "link_rate.h"
#include "link_icmp_error.h"
#include "session.h"
#include "worker.h"

enum {
	ICMP6_DEST_UNREACHABLE = 1,
	ICMP6_PACKET_TOO_BIG = 2,
	ICMP6_TIME_EXCEEDED = 3,
	UNREACHABLE_ADDRESS = 3,
};

static bool in_client_prefix(const struct worker *w, const uint8_t a[16])
{
	return memcmp(a, w->config->iphttps.client_prefix.addr.s6_addr, 8) == 0;
}

/* The router's own address toward a client: <client prefix>::1. */
static void client_side_address(const struct worker *w, uint8_t a[16])
{
	memcpy(a, w->config->iphttps.client_prefix.addr.s6_addr, 8);
	memset(a + 8, 0, 8);
	a[15] = 1;
}

/* The router's own address toward the internal network: its first global address there. */
static const uint8_t *internal_side_address(void)
{
	const struct iface *ifc = &ifaces[CONFIG_PORT_INTERNAL];

	return ifc->ipv6[ifc->ipv6_count > 1 ? 1 : 0];
}

/* An ICMPv6 error about m, from src, sent to m's source: down session `to` or out the internal port. */
static void send_error(struct worker *w, struct rte_mbuf *m, const uint8_t src[16], struct session *to, uint8_t type,
		       uint8_t code, uint32_t param)
{
	struct rte_mbuf *e;

	if (!link_icmp_error_allowed(w, m, type))
		return;
	e = ipv6_icmp_error(w, src, rte_pktmbuf_mtod(m, const void *), rte_pktmbuf_data_len(m), type, code, param);
	if (!e)
		return;
	counter(w, link_icmp_errors_sent)++;
	if (to)
		session_send_packet(w, to, e);
	else
		ipv6_route_output(w, e);
}

/* The session that has addr, if it is on this worker; *elsewhere when another worker has it. */
static struct session *owner_of(struct worker *w, const uint8_t addr[16], bool *elsewhere, unsigned int *worker)
{
	struct client_ref ref;
	struct in6_addr key; /* aligned: the hash reads it a word at a time */

	*elsewhere = false;
	memcpy(&key, addr, sizeof(key));
	if (!client_index_lookup(&key, &ref))
		return NULL;
	if (ref.worker != w->id) {
		*elsewhere = ref.worker < worker_count;
		*worker = ref.worker;
		return NULL;
	}
	return client_table_find(w, ref.slot, ref.generation);
}

/*
 * Over the link MTU: Packet Too Big to the sender, and the packet freed. Only
 * from the internal network (a client's packets are framed within the link
 * MTU); checked again after a hand-over because a reload may lower the MTU.
 */
static bool too_big_for_link(struct worker *w, struct rte_mbuf *m)
{
	if (m->pkt_len <= w->config->iphttps.link_mtu)
		return false;
	counter(w, link_packet_too_big)++;
	send_error(w, m, internal_side_address(), NULL, ICMP6_PACKET_TOO_BIG, 0, w->config->iphttps.link_mtu);
	rte_pktmbuf_free(m);
	return true;
}

void link_forward_too_big_from_client(struct worker *w, struct session *s, struct rte_mbuf *m)
{
	uint8_t here[16];

	counter(w, drop_framer_too_big)++;
	client_side_address(w, here);
	send_error(w, m, here, s, ICMP6_PACKET_TOO_BIG, 0, w->config->iphttps.link_mtu);
	rte_pktmbuf_free(m);
}

/* Forwarded down the session of the client that has the destination. */
static void deliver_to_client(struct worker *w, struct session *s, struct rte_mbuf *m)
{
	struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv6_hdr *);

	if (!link_rate_allows(w, &s->down_rate, w->config->limits.session_down_kbit_per_second, m->pkt_len)) {
		worker_drop(w, m, drop_link_session_rate_down);
		return;
	}
	ip->hop_limits--;
	counter(w, link_forwarded_to_client)++;
	session_send_packet(w, s, m);
}

/* Down the session of the client that has the destination, or an error to the sender. */
static void to_client(struct worker *w, struct rte_mbuf *m, struct session *from)
{
	struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv6_hdr *);
	struct session *s;
	bool elsewhere;
	unsigned int owner_worker;
	uint8_t here[16];

	if (too_big_for_link(w, m))
		return;
	s = owner_of(w, ip->dst_addr, &elsewhere, &owner_worker);
	if (!s || s->state != SESSION_LINK_UP) {
		if (elsewhere) {
			/* The client's session is on another worker: hand the packet over. */
			if (worker_inbox_post(&workers[owner_worker], m, WORKER_INBOX_TO_CLIENT) == 0)
				counter(w, link_handed_over)++;
			else
				counter(w, drop_link_handover_full)++;
			return;
		}
		counter(w, drop_link_no_client)++;
		if (from)
			client_side_address(w, here);
		send_error(w, m, from ? here : internal_side_address(), from, ICMP6_DEST_UNREACHABLE,
			   UNREACHABLE_ADDRESS, 0);
		rte_pktmbuf_free(m);
		return;
	}
	deliver_to_client(w, s, m);
}

void link_forward_from_client(struct worker *w, struct session *s, struct rte_mbuf *m)
{
	struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv6_hdr *);
	uint8_t here[16];

	if (m->nb_segs != 1) {
		worker_drop(w, m, drop_link_chained); /* a link MTU beyond one mbuf: not forwarded */
		return;
	}
	if (ip->hop_limits <= 1) {
		client_side_address(w, here);
		counter(w, link_hop_limit_exceeded)++;
		send_error(w, m, here, s, ICMP6_TIME_EXCEEDED, 0, 0);
		rte_pktmbuf_free(m);
		return;
	}
	if (in_client_prefix(w, ip->dst_addr)) {
		to_client(w, m, s);
		return;
	}
	ip->hop_limits--;
	if (ipv6_route_output(w, m) == 0)
		counter(w, link_forwarded_to_internal)++;
}

void link_forward_handed_over(struct worker *w, struct rte_mbuf *m)
{
	struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv6_hdr *);
	struct session *s;
	bool elsewhere;
	unsigned int owner_worker;

	counter(w, link_handover_received)++;
	if (too_big_for_link(w, m))
		return;
	s = owner_of(w, ip->dst_addr, &elsewhere, &owner_worker);
	if (!s || s->state != SESSION_LINK_UP) {
		/* Gone meanwhile, or moved: not handed on again (no loop between workers). */
		worker_drop(w, m, drop_link_session_not_up);
		return;
	}
	deliver_to_client(w, s, m);
}

void link_forward_from_internal(struct worker *w, const struct iface *ifc, struct rte_mbuf *m)
{
	struct rte_ipv6_hdr *ip;

	(void)ifc;
	rte_pktmbuf_adj(m, m->l2_len); /* the packet alone, as it goes down a session */
	ip = rte_pktmbuf_mtod(m, struct rte_ipv6_hdr *);
	if (!in_client_prefix(w, ip->dst_addr) || m->nb_segs != 1) {
		worker_drop(w, m, drop_ipv6_not_for_us);
		return;
	}
	if (ip->hop_limits <= 1) {
		counter(w, link_hop_limit_exceeded)++;
		send_error(w, m, internal_side_address(), NULL, ICMP6_TIME_EXCEEDED, 0, 0);
		rte_pktmbuf_free(m);
		return;
	}
	to_client(w, m, NULL);
}
