/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Out-of-order data (RFC 9293 3.10.7.4 "seventh"): segments beyond rcv_nxt
 * wait, in the mbufs they arrived in, on a list sorted by sequence number
 * and trimmed so no byte is kept twice. When the hole fills they move to the
 * receive queue. The list also yields the SACK blocks (RFC 2018) we send.
 * A segment's sequence number rides in m->hash.usr while it waits.
 */
#include "tcp_conn.h"
#include "worker.h"

static inline uint32_t seg_seq(const struct rte_mbuf *m)
{
	return m->hash.usr;
}

static inline uint32_t seg_end(const struct rte_mbuf *m)
{
	return m->hash.usr + m->data_len;
}

static void trim_front(struct rte_mbuf *m, uint32_t n)
{
	rte_pktmbuf_adj(m, (uint16_t)n);
	m->hash.usr += n;
}

void tcp_reass_insert(struct worker *w, struct tcp_conn *c, struct rte_mbuf *m, uint32_t seq)
{
	struct rte_mbuf **link = &c->ooo, *next;

	m->hash.usr = seq;
	m->next = NULL;
	c->ooo_last_seq = seq;
	/* Skip segments that end before this one starts. */
	while (*link && tcp_seq_leq(seg_end(*link), seq))
		link = &(*link)->next;
	/* The previous one may cover our front; this one may then start inside it. */
	if (*link && tcp_seq_leq(seg_seq(*link), seq)) {
		uint32_t covered = seg_end(*link) - seq;

		if (covered >= m->data_len) {
			rte_pktmbuf_free(m); /* nothing new */
			return;
		}
		trim_front(m, covered);
		seq = seg_seq(m);
		link = &(*link)->next;
	}
	/* Remove the ones we cover entirely; trim our tail where the next begins. */
	while ((next = *link) != NULL && tcp_seq_lt(seg_seq(next), seg_end(m))) {
		if (tcp_seq_leq(seg_end(next), seg_end(m))) {
			*link = next->next;
			next->next = NULL;
			rte_pktmbuf_free(next);
			c->ooo_count--;
			continue;
		}
		rte_pktmbuf_trim(m, (uint16_t)(seg_end(m) - seg_seq(next)));
		break;
	}
	if (c->ooo_count >= TCP_OOO_MAX_SEGMENTS) {
		worker_drop(w, m, drop_tcp_ooo_full);
		return;
	}
	m->pkt_len = m->data_len;
	m->nb_segs = 1;
	m->next = *link;
	*link = m;
	c->ooo_count++;
	w->counters.tcp_ooo_segments++;
}

void tcp_reass_pull(struct worker *w, struct tcp_conn *c)
{
	struct rte_mbuf *m;

	while ((m = c->ooo) != NULL && tcp_seq_leq(seg_seq(m), c->rcv_nxt)) {
		c->ooo = m->next;
		m->next = NULL;
		c->ooo_count--;
		if (tcp_seq_leq(seg_end(m), c->rcv_nxt)) {
			rte_pktmbuf_free(m);
			continue;
		}
		trim_front(m, c->rcv_nxt - seg_seq(m));
		c->rcv_nxt += m->data_len;
		w->counters.tcp_rx_bytes += m->data_len;
		tcp_bufq_append(&c->rcvq, m);
	}
}

unsigned int tcp_reass_sack_blocks(const struct tcp_conn *c, uint32_t blocks[][2], unsigned int max)
{
	uint32_t ranges[TCP_OOO_MAX_SEGMENTS][2];
	unsigned int n = 0, out = 0, first = 0;

	for (const struct rte_mbuf *m = c->ooo; m; m = m->next) {
		if (n && ranges[n - 1][1] == seg_seq(m))
			ranges[n - 1][1] = seg_end(m);
		else if (n < TCP_OOO_MAX_SEGMENTS) {
			ranges[n][0] = seg_seq(m);
			ranges[n][1] = seg_end(m);
			n++;
		}
	}
	/* The block holding the latest arrival goes first; the rest in order. */
	for (unsigned int i = 0; i < n; i++)
		if (tcp_seq_leq(ranges[i][0], c->ooo_last_seq) && tcp_seq_lt(c->ooo_last_seq, ranges[i][1]))
			first = i;
	if (n && max) {
		blocks[out][0] = ranges[first][0];
		blocks[out][1] = ranges[first][1];
		out++;
	}
	for (unsigned int i = 0; i < n && out < max; i++) {
		if (i == first)
			continue;
		blocks[out][0] = ranges[i][0];
		blocks[out][1] = ranges[i][1];
		out++;
	}
	return out;
}

void tcp_reass_free(struct tcp_conn *c)
{
	tcp_bufq_free_chain(c->ooo);
	c->ooo = NULL;
	c->ooo_count = 0;
}
