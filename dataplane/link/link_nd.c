/* SPDX-License-Identifier: BSD-3-Clause */
#include "link_nd.h"

#include <errno.h>
#include <string.h>
#include <netinet/in.h>

#include <rte_ip.h>
#include <rte_mbuf.h>

#include "appliance_config.h"
#include "checksum.h"
#include "client_table.h"
#include "ipv6_addr.h"
#include "link.h"
#include "link_counters.h"
#include "link_holder.h"
#include "link_ra_options.h"
#include "session.h"
#include "worker.h"

enum {
	ND_ROUTER_SOLICITATION = 133,
	ND_ROUTER_ADVERTISEMENT = 134,
	ND_NEIGHBOR_SOLICITATION = 135,
	ND_NEIGHBOR_ADVERTISEMENT = 136,
	NA_BYTES = 24,            /* NA header and target, no option */
	NA_FLAG_ROUTER = 0x80,
	NA_FLAG_SOLICITED = 0x40,
	NA_FLAG_OVERRIDE = 0x20,
};

/* The server's address on the link, fe80::1, and the all-nodes group. */
static const uint8_t server_link_local[16] = { 0xfe, 0x80, [15] = 1 };
static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 1 };

/* Per worker: the last tick of unsolicited RAs. */
static uint64_t last_ra_tick_ms[CONFIG_MAX_WORKERS];

/*
 * Per worker: the RA of the configuration in force, built when the worker
 * first meets that configuration and copied into every RA it sends. The
 * link's settings are kept beside it (against published_config.h's rule of
 * no copies, and for this reason): a reload frees the old configuration,
 * and a change is seen, and its withdrawals written (link_ra_options.h),
 * only by comparing with what the old one said. Compared when an RA goes
 * out and once a tick, not once a loop iteration.
 */
struct ra_template {
	bool built;
	struct config_iphttps link, before; /* the settings of bytes, and of those before the last change */
	uint64_t changed_ms; /* when this worker met the change: 0, no refresh under way (else bytes carry before's withdrawals) */
	uint16_t len;
	uint8_t bytes[IPHTTPS_RA_MAX_BYTES];
};
static struct ra_template ra_templates[CONFIG_MAX_WORKERS];

static struct ra_template *ra_template(struct worker *w)
{
	struct ra_template *t = &ra_templates[w->id];
	const struct config_iphttps *link = &w->config->iphttps;
	bool same_prefix = memcmp(&link->client_prefix, &t->link.client_prefix, sizeof(link->client_prefix)) == 0;

	if (t->built && same_prefix && !link_ra_options_differ(link, &t->link))
		return t;
	if (t->built && same_prefix) { /* a reload (a new prefix is a restart: tests change it in place) */
		t->before = t->link;
		t->changed_ms = w->now_ms ? w->now_ms : 1;
		counter(w, link_ra_refreshes)++;
	}
	t->link = *link;
	t->built = true;
	t->len = (uint16_t)link_ra_build(&t->link, t->changed_ms ? &t->before : NULL, t->bytes);
	return t;
}

/* Every client has had an RA since the change (or its old options have expired): no more withdrawals. */
static void ra_template_refreshed(struct ra_template *t)
{
	t->changed_ms = 0;
	t->len = (uint16_t)link_ra_build(&t->link, NULL, t->bytes);
}

/* An ICMPv6 message of len bytes from src to dst in a fresh mbuf; body filled by the caller, then sealed. */
static struct rte_ipv6_hdr *icmp6_new(struct worker *w, struct rte_mbuf **out, const uint8_t src[16],
				      const uint8_t dst[16], uint16_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(w->pool);
	struct rte_ipv6_hdr *ip;

	*out = m;
	if (!m || !(ip = (struct rte_ipv6_hdr *)rte_pktmbuf_append(m, (uint16_t)(sizeof(*ip) + len)))) {
		rte_pktmbuf_free(m);
		*out = NULL;
		counter(w, mbuf_alloc_failed)++;
		return NULL;
	}
	memset(ip, 0, sizeof(*ip) + len);
	ip->vtc_flow = rte_cpu_to_be_32(6u << 28);
	ip->payload_len = rte_cpu_to_be_16(len);
	ip->proto = IPPROTO_ICMPV6;
	ip->hop_limits = LINK_ND_HOP_LIMIT;
	memcpy(ip->src_addr, src, 16);
	memcpy(ip->dst_addr, dst, 16);
	return ip;
}

static void icmp6_seal(struct rte_ipv6_hdr *ip)
{
	uint8_t *icmp = (uint8_t *)(ip + 1);
	uint16_t len = rte_be_to_cpu_16(ip->payload_len), sum;

	icmp[2] = icmp[3] = 0;
	sum = checksum_icmp6(ip, icmp, len);
	memcpy(&icmp[2], &sum, 2); /* the sum is in network order already */
}

int link_nd_send_ra(struct worker *w, struct session *s)
{
	const struct ra_template *t = ra_template(w);
	struct rte_mbuf *m;
	struct rte_ipv6_hdr *ip = icmp6_new(w, &m, server_link_local, all_nodes, t->len);

	if (!ip)
		return -1;
	memcpy(ip + 1, t->bytes, t->len);
	icmp6_seal(ip);
	if (session_send_packet(w, s, m) != 0)
		return -1;
	counter(w, link_ra_sent)++;
	return 0;
}

void link_nd_router_solicitation(struct worker *w, struct session *s, struct rte_mbuf *m)
{
	counter(w, link_rs_received)++;
	rte_pktmbuf_free(m);
	link_nd_send_ra(w, s);
}

/* The NA the holder of target would send to the DAD of another: from the
 * target to all-nodes, Router clear, Solicited clear, Override set, no option. */
void link_nd_defend(struct worker *w, struct session *s, const uint8_t target[16])
{
	struct rte_mbuf *m;
	struct rte_ipv6_hdr *ip = icmp6_new(w, &m, target, all_nodes, NA_BYTES);
	uint8_t *na;

	if (!ip)
		return;
	na = (uint8_t *)(ip + 1);
	na[0] = ND_NEIGHBOR_ADVERTISEMENT;
	na[4] = NA_FLAG_OVERRIDE;
	memcpy(&na[8], target, 16);
	icmp6_seal(ip);
	if (session_send_packet(w, s, m) == 0)
		counter(w, link_dad_defended)++;
}

void link_nd_solicitation_for_router(struct worker *w, struct session *s, struct rte_mbuf *m)
{
	const struct rte_ipv6_hdr *ns = rte_pktmbuf_mtod(m, const struct rte_ipv6_hdr *);
	bool dad = ipv6_addr_is_unspecified(ns->src_addr);
	struct in6_addr tgt; /* aligned, out of the mbuf that is freed below */
	uint8_t dst[16];
	struct rte_mbuf *out;
	struct rte_ipv6_hdr *ip;
	uint8_t *na;
	bool anycast;

	memcpy(&tgt, (const uint8_t *)(ns + 1) + 8, sizeof(tgt));
	anycast = !link_is_server_address(w, &tgt);
	/* 7.2.4: to the solicitor, Solicited set; a DAD probe (from ::) is
	 * answered to all-nodes with Solicited clear, and so fails. */
	memcpy(dst, dad ? all_nodes : ns->src_addr, 16);
	rte_pktmbuf_free(m);
	/* The NA comes from a unicast address of the router: the target itself,
	 * or fe80::1 for the anycast address (RFC 4291 2.6: never a source). */
	ip = icmp6_new(w, &out, anycast ? server_link_local : tgt.s6_addr, dst, NA_BYTES);
	if (!ip)
		return;
	na = (uint8_t *)(ip + 1);
	na[0] = ND_NEIGHBOR_ADVERTISEMENT;
	/* Override clear for an anycast target (7.2.4: several may answer). */
	na[4] = (uint8_t)(NA_FLAG_ROUTER | (dad ? 0 : NA_FLAG_SOLICITED) | (anycast ? 0 : NA_FLAG_OVERRIDE));
	memcpy(&na[8], tgt.s6_addr, 16);
	icmp6_seal(ip);
	if (session_send_packet(w, s, out) != 0)
		return;
	if (dad)
		counter(w, link_router_address_defended)++;
	else
		counter(w, link_neighbor_solicitations_answered)++;
}

void link_nd_dad(struct worker *w, struct session *s, struct rte_mbuf *m)
{
	const struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv6_hdr *);
	struct in6_addr target; /* aligned: the index hashes it a word at a time */
	int rc;

	memcpy(&target, (const uint8_t *)(ip + 1) + 8, 16);
	rte_pktmbuf_free(m);
	rc = client_table_bind_address(w, s, &target);
	if (rc == 0) {
		counter(w, link_dad_claimed)++;
	} else if (rc == -EEXIST || rc == -EADDRINUSE) {
		/* Another client has it, or had it and may come back for it: this one's DAD must fail. */
		link_nd_defend(w, s, target.s6_addr);
		if (rc == -EEXIST)
			link_holder_met(w, s, &target, false); /* unless the one that has it is stale */
	} else {
		counter(w, drop_link_address_limit)++;
	}
}

void link_nd_claim(struct worker *w, struct session *s, const uint8_t target[16])
{
	struct in6_addr t; /* aligned: the index hashes it a word at a time */
	int rc;

	memcpy(&t, target, sizeof(t));
	rc = client_table_bind_address(w, s, &t);
	if (rc == 0)
		counter(w, link_dad_claimed)++;
	else if (rc == -EADDRINUSE)
		link_nd_defend(w, s, target); /* held for the client that had it: nobody else speaks for it */
}

/* Unsolicited RAs (RFC 4861 6.2.4): each session's LINK_RA_INTERVAL_S after
 * its last (or its LinkUp, when it had one in answer to its RS). Checked every
 * tick, with a budget of twice the steady rate (sessions x tick / interval):
 * sessions that came up together (a reconnect storm) come due together, and
 * go out over the next half interval or less, never all in one loop
 * iteration; at 100,000 sessions the steady rate is 50 TLS writes a tick.
 * After a change of the RA's options (a reload), every session that had its
 * last RA before the change is due, at a rate that reaches them all within
 * LINK_RA_REFRESH_MS (1,000 TLS writes a tick at 100,000). */
void link_nd_poll(struct worker *w)
{
	const uint64_t interval_ms = (uint64_t)LINK_RA_INTERVAL_S * 1000;
	struct ra_template *t;
	uint64_t budget;

	/* The first poll starts the ticks; so does a clock set back (tests do). */
	if (last_ra_tick_ms[w->id] == 0 || w->now_ms < last_ra_tick_ms[w->id]) {
		last_ra_tick_ms[w->id] = w->now_ms ? w->now_ms : 1;
		if (ra_templates[w->id].changed_ms)
			ra_template_refreshed(&ra_templates[w->id]);
		return;
	}
	if (w->now_ms - last_ra_tick_ms[w->id] < LINK_RA_TICK_MS || w->now_ms < interval_ms)
		return;
	last_ra_tick_ms[w->id] = w->now_ms;
	t = ra_template(w);
	if (t->changed_ms) {
		/* Not in the millisecond the change was met: an RA with the old
		 * options may have gone out in it, and the session's turn, stamped
		 * with that millisecond, must count as before the change. */
		if (w->now_ms == t->changed_ms)
			return;
		budget = ((uint64_t)session_link_up_count(w) * LINK_RA_TICK_MS + LINK_RA_REFRESH_MS - 1) /
			 LINK_RA_REFRESH_MS;
		budget = budget ? budget : 1;
		/* Fewer due than the budget: every session has had an RA since the change. */
		if (session_rotate_link_up(w, (uint32_t)budget, t->changed_ms, link_nd_send_ra) < budget ||
		    w->now_ms - t->changed_ms > (uint64_t)LINK_RA_OPTIONS_LIFETIME_S * 1000)
			ra_template_refreshed(t);
		return;
	}
	budget = ((uint64_t)session_link_up_count(w) * LINK_RA_TICK_MS * 2 + interval_ms - 1) / interval_ms;
	session_rotate_link_up(w, (uint32_t)budget, w->now_ms - interval_ms, link_nd_send_ra);
}
