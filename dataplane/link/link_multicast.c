/* SPDX-License-Identifier: BSD-3-Clause */
#include "link_multicast.h"

#include <string.h>

#include <netinet/in.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "client_index.h"
#include "client_table.h"
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
		w->counters.mbuf_alloc_failed++;
		return;
	}
	if (session_send_packet(w, s, copy) == 0)
		w->counters.link_multicast_forwarded++;
}

static void to_each_other(struct worker *w, struct session *s, void *arg)
{
	const struct fan_out *f = arg;

	if (s != f->from)
		send_copy(w, s, f->m);
}

/* The ND target a packet names, for an NA or a DAD NS; false for anything else. */
static bool nd_target(const struct rte_mbuf *m, struct in6_addr *target)
{
	const struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv6_hdr *);
	const uint8_t *icmp = (const uint8_t *)(ip + 1);
	static const uint8_t unspecified[16];

	if (ip->proto != IPPROTO_ICMPV6 || rte_be_to_cpu_16(ip->payload_len) < 24 || m->data_len < 40 + 24)
		return false;
	if (icmp[0] == ND_NEIGHBOR_ADVERTISEMENT ||
	    (icmp[0] == ND_NEIGHBOR_SOLICITATION && memcmp(ip->src_addr, unspecified, 16) == 0)) {
		memcpy(target, icmp + 8, sizeof(*target));
		return true;
	}
	return false;
}

void link_multicast_from_client(struct worker *w, struct session *s, struct rte_mbuf *m)
{
	struct fan_out f = { .from = s, .m = m };
	struct in6_addr target;
	struct client_ref ref;

	if (nd_target(m, &target) && client_index_lookup(&target, &ref)) {
		/* Only to the client whose address the target is. */
		struct session *owner = ref.worker == w->id ? client_table_find(w, ref.slot, ref.generation) : NULL;

		if (ref.worker != w->id)
			w->counters.drop_link_other_worker++;
		else if (owner && owner != s && owner->state == SESSION_LINK_UP)
			send_copy(w, owner, m);
		rte_pktmbuf_free(m);
		return;
	}
	session_foreach_link_up_arg(w, to_each_other, &f);
	rte_pktmbuf_free(m);
}
