/* SPDX-License-Identifier: BSD-3-Clause */
#include "link.h"

#include <stdbool.h>
#include <string.h>

#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include <errno.h>

#include "appliance_config.h"
#include "checksum.h"
#include "address_hold.h"
#include "client_table.h"
#include "ipv6_addr.h"
#include "link_counters.h"
#include "link_rate.h"
#include "link_forward.h"
#include "link_holder.h"
#include "link_multicast.h"
#include "link_nd.h"
#include "ipv6_route.h"
#include "session.h"
#include "worker.h"

enum {
	ICMP6_ECHO_REQUEST = 128,
	ICMP6_ECHO_REPLY = 129,
	ND_TYPE_ROUTER_SOLICITATION = 133,
	ND_TYPE_ROUTER_ADVERTISEMENT = 134,
	ND_TYPE_NEIGHBOR_SOLICITATION = 135,
	ND_TYPE_REDIRECT = 137,
};

void link_start(void)
{
	session_set_packet_handler(link_input);
	ipv6_route_set_forward_handler(link_forward_from_internal);
}

int link_worker_init(struct worker *w, const struct iphttps_config *config)
{
	return link_holder_worker_init(w, config);
}

void link_worker_free(struct worker *w)
{
	link_holder_worker_free(w);
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

static bool in_client_prefix(const struct worker *w, const uint8_t a[16])
{
	return memcmp(a, w->config->iphttps.client_prefix.addr.s6_addr, 8) == 0;
}

bool link_is_reserved_address(const struct worker *w, const struct in6_addr *addr)
{
	static const uint8_t interface_id_0[8] = { 0 };

	return link_is_server_address(w, addr) ||
	       (in_client_prefix(w, addr->s6_addr) && memcmp(&addr->s6_addr[8], interface_id_0, 8) == 0);
}

/* Echo reply in place: swap the addresses, change the type, fix the checksum. */
static void echo_reply(struct worker *w, struct session *s, struct rte_mbuf *m)
{
	struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv6_hdr *);
	uint32_t len = rte_be_to_cpu_16(ip->payload_len);
	struct rte_icmp_hdr *icmp = (struct rte_icmp_hdr *)(ip + 1);
	uint8_t tmp[16];

	/* Answered in place: the whole message in the first mbuf (it is, below
	 * a link MTU of one mbuf's size). */
	if (m->nb_segs != 1 || !checksum_icmp6_ok(ip, icmp, len)) {
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
	counter(w, link_echo_answered)++;
	session_send_packet(w, s, m);
}


/*
 * A well-formed ND message (RFC 4861 6.1.1, 7.1.1): hop limit 255, code 0,
 * long enough, checksum right. The message must lie in the first mbuf (a
 * link MTU beyond one mbuf builds chains; ND messages are small).
 */
static bool nd_valid(const struct rte_mbuf *m, const struct rte_ipv6_hdr *ip, uint32_t len, uint32_t min_len)
{
	const uint8_t *icmp = (const uint8_t *)(ip + 1);

	return m->nb_segs == 1 && ip->hop_limits == 255 && len >= min_len && icmp[1] == 0 &&
	       checksum_icmp6_ok(ip, icmp, len);
}

/*
 * Whether s's client may send from src: an address it owns, or one no other
 * client owns, which it then owns (the Neighbor Cache learns from traffic).
 * An address another client has, or one that is neither link-local nor in
 * the client prefix, is a spoofed source in both modes (§3.2.5.2.2:
 * unauthenticated peers must not abuse the link; and an authenticated
 * client is no router for other networks: it would send as an internal
 * server). The router's own addresses are never a client's.
 */
static bool source_allowed(struct worker *w, struct session *s, const uint8_t src[16])
{
	struct in6_addr addr; /* aligned: the index hashes it a word at a time */
	int rc;

	memcpy(&addr, src, sizeof(addr));
	if (link_is_reserved_address(w, &addr)) {
		counter(w, drop_link_reserved_source)++;
		return false;
	}
	if (!ipv6_addr_is_link_local(src) && !in_client_prefix(w, src)) {
		/* Off the link: in both modes (an authenticated client is still no
		 * router for other networks; it would source an internal server's
		 * address). */
		counter(w, drop_link_spoofed_source)++;
		return false;
	}
	rc = client_table_bind_address(w, s, &addr);
	if (rc == 0)
		return true;
	if (rc == -EEXIST || rc == -EADDRINUSE) {
		counter(w, drop_link_spoofed_source)++;
		if (rc == -EEXIST)
			link_holder_met(w, s, &addr, true); /* its RA comes once the holder goes */
		return false;
	}
	counter(w, drop_link_address_limit)++;
	return false;
}

/*
 * A Neighbor Solicitation is valid (RFC 4861 7.1.1) when well formed, its
 * target is no multicast address, and a probe from :: goes to the target's
 * solicited-node group.
 */
static bool ns_valid(const struct rte_mbuf *m, const struct rte_ipv6_hdr *ip, uint32_t len)
{
	const uint8_t *target = (const uint8_t *)(ip + 1) + 8;
	uint8_t group[16];

	if (!nd_valid(m, ip, len, 24) || ipv6_addr_is_multicast(target))
		return false;
	ipv6_addr_solicited_node(target, group);
	return !ipv6_addr_is_unspecified(ip->src_addr) || memcmp(group, ip->dst_addr, 16) == 0;
}

/* An NS for one of the router's addresses, from s's client: answered (or defended), in either mode. */
static void solicitation_for_router(struct worker *w, struct session *s, struct rte_mbuf *m)
{
	const struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv6_hdr *);

	if (!ipv6_addr_is_unspecified(ip->src_addr) && !source_allowed(w, s, ip->src_addr)) {
		rte_pktmbuf_free(m);
		return;
	}
	link_nd_solicitation_for_router(w, s, m);
}

/* Whether m is an ICMPv6 Neighbor Solicitation whose target is the router's. */
static bool is_ns_for_router(const struct worker *w, const struct rte_mbuf *m, const struct rte_ipv6_hdr *ip,
			     uint32_t len)
{
	const uint8_t *icmp = (const uint8_t *)(ip + 1);
	struct in6_addr target;

	if (ip->proto != IPPROTO_ICMPV6 || icmp[0] != ND_TYPE_NEIGHBOR_SOLICITATION || len < 24 ||
	    m->data_len < sizeof(*ip) + 24)
		return false;
	memcpy(&target, icmp + 8, sizeof(target));
	return link_is_reserved_address(w, &target);
}

void link_input(struct worker *w, struct session *s, struct rte_mbuf *m)
{
	bool none_mode = w->config->iphttps.authentication == CONFIG_AUTH_NONE;
	const struct rte_ipv6_hdr *ip;
	const uint8_t *icmp;
	uint32_t len;

	counter(w, link_rx_packets)++;
	counter(w, link_rx_bytes) += m->pkt_len;
	s->rx_packets++;
	s->rx_bytes += m->pkt_len;
	if (!link_rate_allows(w, &s->up_rate, w->config->limits.session_up_kbit_per_second, m->pkt_len)) {
		worker_drop(w, m, drop_link_session_rate_up);
		return;
	}
	/* The framer builds each packet in mbufs of the full data room: the IPv6
	 * header and an ICMPv6 header are in the first one. */
	if (m->data_len < sizeof(*ip) + 8) {
		worker_drop(w, m, drop_link_no_route);
		return;
	}
	ip = rte_pktmbuf_mtod(m, const struct rte_ipv6_hdr *);
	len = rte_be_to_cpu_16(ip->payload_len);
	icmp = (const uint8_t *)(ip + 1);
	if (sizeof(*ip) + len > w->config->iphttps.link_mtu) {
		/* Over the link MTU (only its first bytes were kept): a client with
		 * a wrong MTU gets Packet Too Big and keeps its session. */
		link_forward_too_big_from_client(w, s, m);
		return;
	}
	if (ip->proto == IPPROTO_ICMPV6 && (icmp[0] == ND_TYPE_ROUTER_ADVERTISEMENT || icmp[0] == ND_TYPE_REDIRECT)) {
		/* RA guard (RFC 6105), both modes: only the server is a router on
		 * this link. A deliberate deviation from certificates mode's
		 * "forward all multicast" (link_multicast.h says why). */
		worker_drop(w, m, drop_link_ra_guard);
		return;
	}
	if (is_ns_for_router(w, m, ip, len)) {
		/* The router answers for itself, to multicast (address resolution,
		 * DAD) and unicast (NUD) alike, in both modes: never forwarded. */
		if (!ns_valid(m, ip, len)) {
			worker_drop(w, m, drop_link_bad_nd);
			return;
		}
		solicitation_for_router(w, s, m);
		return;
	}
	if (ipv6_addr_is_multicast(ip->dst_addr)) {
		/* Multicast from a client: Router Solicitations and DAD probes are the
		 * router's business; in mode none nothing else is allowed on the link
		 * (in certificates mode the rest will be forwarded to the other
		 * clients, §3.2.5.2.2, with the router). */
		if (ip->proto == IPPROTO_ICMPV6 && icmp[0] == ND_TYPE_ROUTER_SOLICITATION) {
			if (!nd_valid(m, ip, len, 8)) {
				worker_drop(w, m, drop_link_bad_nd);
				return;
			}
			if (!ipv6_addr_is_unspecified(ip->src_addr) && !source_allowed(w, s, ip->src_addr)) {
				rte_pktmbuf_free(m);
				return;
			}
			link_nd_router_solicitation(w, s, m);
			return;
		}
		if (ip->proto == IPPROTO_ICMPV6 && icmp[0] == ND_TYPE_NEIGHBOR_SOLICITATION &&
		    ipv6_addr_is_unspecified(ip->src_addr)) {
			uint8_t group[16];

			if (!nd_valid(m, ip, len, 24)) {
				worker_drop(w, m, drop_link_bad_nd);
				return;
			}
			ipv6_addr_solicited_node(icmp + 8, group);
			if (memcmp(group, ip->dst_addr, 16) != 0 || ipv6_addr_is_multicast(icmp + 8)) {
				worker_drop(w, m, drop_link_bad_nd);
				return;
			}
			if (none_mode) {
				link_nd_dad(w, s, m); /* the server answers for the holder */
				return;
			}
			/* Certificates mode: the probe goes to the holder, who defends
			 * itself, or to everyone; then a free target becomes the prober's. */
			memcpy(group, icmp + 8, 16);
			link_multicast_from_client(w, s, m);
			link_nd_claim(w, s, group);
			return;
		}
		if (!none_mode) {
			if (!ipv6_addr_is_unspecified(ip->src_addr) && !source_allowed(w, s, ip->src_addr)) {
				rte_pktmbuf_free(m);
				return;
			}
			link_multicast_from_client(w, s, m);
			return;
		}
		worker_drop(w, m, drop_link_multicast);
		return;
	}
	if (ipv6_addr_is_unspecified(ip->src_addr) || !source_allowed(w, s, ip->src_addr)) {
		if (ipv6_addr_is_unspecified(ip->src_addr))
			counter(w, drop_link_spoofed_source)++;
		rte_pktmbuf_free(m);
		return;
	}
	if (link_is_server_address(w, (const struct in6_addr *)ip->dst_addr)) {
		if (ip->proto == IPPROTO_ICMPV6 && icmp[0] == ICMP6_ECHO_REQUEST) {
			echo_reply(w, s, m);
			return;
		}
		if (ip->proto == IPPROTO_ICMPV6 && icmp[0] == ND_TYPE_ROUTER_SOLICITATION) {
			if (!nd_valid(m, ip, len, 8)) {
				worker_drop(w, m, drop_link_bad_nd);
				return;
			}
			link_nd_router_solicitation(w, s, m);
			return;
		}
		worker_drop(w, m, drop_link_no_service); /* for the server, and nothing it serves */
		return;
	}
	if (ipv6_addr_is_link_local(ip->dst_addr)) {
		/* §3.2.5.2.2 (mode none): link-local unicast only to the server
		 * itself; and a router never forwards link-local (RFC 4291 2.5.6). */
		if (none_mode)
			worker_drop(w, m, drop_link_link_local);
		else
			worker_drop(w, m, drop_link_no_route);
		return;
	}
	if (ipv6_addr_is_link_local(ip->src_addr)) {
		/* RFC 4291 2.5.6: "Routers must not forward any packets with
		 * Link-Local source or destination addresses to other links." In
		 * mode none it would also be traffic nobody can trace to a client. */
		worker_drop(w, m, drop_link_link_local_source);
		return;
	}
	link_forward_from_client(w, s, (struct rte_mbuf *)m);
}

/* Per worker: when the next slice of its clients' addresses is aged, and
 * when the holds are next swept (worker 0). */
static uint64_t next_aging_tick_ms[CONFIG_MAX_WORKERS];
static uint64_t next_hold_sweep_ms[CONFIG_MAX_WORKERS];

static int age_addresses(struct worker *w, struct session *s)
{
	client_table_age_addresses(w, s);
	return 0;
}

/* Due, or due more than a period ahead: the clock was set back (tests do). */
static bool due(uint64_t *next_ms, uint64_t now_ms, uint64_t period_ms)
{
	if (now_ms < *next_ms && *next_ms <= now_ms + period_ms)
		return false;
	*next_ms = now_ms + period_ms;
	return true;
}

uint32_t link_address_sweep_ms(uint32_t address_idle_timeout_s)
{
	uint64_t ms = (uint64_t)address_idle_timeout_s * 1000 / LINK_ADDRESS_SWEEP_DIVISOR;

	return (uint32_t)RTE_MIN(RTE_MAX(ms, (uint64_t)LINK_ADDRESS_SWEEP_MS), (uint64_t)LINK_ADDRESS_SWEEP_MAX_MS);
}

void link_poll(struct worker *w)
{
	link_nd_poll(w);
	link_holder_poll(w);
	if (due(&next_aging_tick_ms[w->id], w->now_ms, LINK_ADDRESS_AGING_TICK_MS)) {
		/* The Neighbor Cache's aging (16 compares a session): a slice of the
		 * sessions each tick, so that at 100,000 no loop iteration holds
		 * them all, and every session once a sweep. */
		uint32_t n = session_link_up_count(w);
		uint32_t sweep_ms = link_address_sweep_ms(w->config->iphttps.address_idle_timeout_s);

		session_walk_link_up(w, (uint32_t)(((uint64_t)n * LINK_ADDRESS_AGING_TICK_MS + sweep_ms - 1) / sweep_ms),
				     age_addresses);
	}
	/* The holds are everybody's: one worker sweeps them, a chunk a second. */
	if (w->id == 0 && due(&next_hold_sweep_ms[w->id], w->now_ms, LINK_ADDRESS_SWEEP_MS))
		counter(w, link_address_hold_expired) += address_hold_sweep(w->now_ms, LINK_ADDRESS_HOLD_SWEEP_BUDGET);
}
