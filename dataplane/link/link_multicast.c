/* SPDX-License-Identifier: BSD-3-Clause */
#include "link_multicast.h"

#include <string.h>

#include <netinet/in.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "client_index.h"
#include "client_table.h"
#include "link.h"
#include "link_counters.h"
#include "link_nd.h"
#include "session.h"
#include "worker.h"

enum { ND_NEIGHBOR_SOLICITATION = 135, ND_NEIGHBOR_ADVERTISEMENT = 136 };

struct fan_out {
	const struct session *from;
	const struct rte_mbuf *m;
};

/* A copy of the packet down one session (each session's send consumes its own). */
static void send_copy(struct worker *w, struct session *s, const struct rte_mbuf *m)
{
	struct rte_mbuf *copy = rte_pktmbuf_copy(m, w->pool, 0, UINT32_MAX);

	if (!copy) {
		counter(w, mbuf_alloc_failed)++;
		return;
	}
	if (session_send_packet(w, s, copy) == 0)
		counter(w, link_multicast_forwarded)++;
}

static void to_each_other(struct worker *w, struct session *s, void *arg)
{
	const struct fan_out *f = arg;

	if (s != f->from)
		send_copy(w, s, f->m);
}

enum nd_kind { ND_OTHER, ND_ADVERTISEMENT, ND_DAD_PROBE };

/* What ND message m is, and the target it names for an NA or a DAD NS. */
static enum nd_kind nd_target(const struct rte_mbuf *m, struct in6_addr *target)
{
	const struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv6_hdr *);
	const uint8_t *icmp = (const uint8_t *)(ip + 1);
	static const uint8_t unspecified[16];

	if (ip->proto != IPPROTO_ICMPV6 || rte_be_to_cpu_16(ip->payload_len) < 24 || m->data_len < 40 + 24)
		return ND_OTHER;
	memcpy(target, icmp + 8, sizeof(*target));
	if (icmp[0] == ND_NEIGHBOR_ADVERTISEMENT)
		return ND_ADVERTISEMENT;
	if (icmp[0] == ND_NEIGHBOR_SOLICITATION && memcmp(ip->src_addr, unspecified, 16) == 0)
		return ND_DAD_PROBE;
	return ND_OTHER;
}

/* The session that holds target, when it is on this worker and up. */
static struct session *holder_here(struct worker *w, const struct client_ref *ref)
{
	struct session *owner = ref->worker == w->id ? client_table_find(w, ref->slot, ref->generation) : NULL;

	return owner && owner->state == SESSION_LINK_UP ? owner : NULL;
}

/* A copy of m to worker `to`, for its clients. */
static void hand_copy(struct worker *w, unsigned int to, const struct rte_mbuf *m)
{
	struct rte_mbuf *copy = rte_pktmbuf_copy(m, w->pool, 0, UINT32_MAX);

	if (!copy) {
		counter(w, mbuf_alloc_failed)++;
		return;
	}
	if (worker_inbox_post(&workers[to], copy, WORKER_INBOX_MULTICAST) == 0)
		counter(w, link_multicast_handed_over)++;
	else
		counter(w, drop_link_handover_full)++;
}

void link_multicast_from_client(struct worker *w, struct session *s, struct rte_mbuf *m)
{
	struct fan_out f = { .from = s, .m = m };
	struct in6_addr target;
	struct client_ref ref;
	enum nd_kind kind = nd_target(m, &target);
	bool held = kind != ND_OTHER && client_index_lookup(&target, &ref);
	struct session *holder = held ? holder_here(w, &ref) : NULL;

	if (kind == ND_ADVERTISEMENT && (!held || holder != s)) {
		/* Only the holder speaks for an address. (ref on another worker:
		 * holder is NULL, and it is not s either.) */
		worker_drop(w, m, drop_link_nd_not_own_target);
		return;
	}
	/* One packet in is a record out to every other client: each client's
	 * fan-out is rated, before any copy (a DAD probe too; its claim, in
	 * link.c, happens whatever the rate). */
	if (!rate_budget_take(&s->multicast_fanned, w->now_ms, LINK_MULTICAST_PER_CLIENT_PER_SECOND)) {
		if (kind == ND_DAD_PROBE && held && holder != s)
			link_nd_defend(w, s, target.s6_addr); /* the prober still hears the address is taken */
		worker_drop(w, m, drop_link_multicast_rate);
		return;
	}
	if (kind == ND_DAD_PROBE && held) {
		/* To the holder alone, wherever it is, and the prober answered for it. */
		if (holder && holder != s)
			send_copy(w, holder, m);
		else if (ref.worker != w->id && ref.worker < worker_count)
			hand_copy(w, ref.worker, m);
		rte_pktmbuf_free(m);
		if (holder != s)
			link_nd_defend(w, s, target.s6_addr);
		return;
	}
	session_foreach_link_up_arg(w, to_each_other, &f);
	for (unsigned int i = 0; i < worker_count; i++)
		if (i != w->id)
			hand_copy(w, i, m);
	rte_pktmbuf_free(m);
}

void link_multicast_handed_over(struct worker *w, struct rte_mbuf *m)
{
	struct fan_out f = { .from = NULL, .m = m }; /* the sender is on the other worker */
	struct in6_addr target;
	struct client_ref ref;
	struct session *holder;

	counter(w, link_multicast_received)++;
	if (nd_target(m, &target) == ND_DAD_PROBE) {
		/* Sent here for the holder (the prober had its answer there). */
		holder = client_index_lookup(&target, &ref) ? holder_here(w, &ref) : NULL;
		if (holder)
			send_copy(w, holder, m);
		else
			counter(w, drop_link_session_not_up)++;
		rte_pktmbuf_free(m);
		return;
	}
	session_foreach_link_up_arg(w, to_each_other, &f);
	rte_pktmbuf_free(m);
}
