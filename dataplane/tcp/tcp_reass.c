/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Out-of-order data (RFC 9293 3.10.7.4 "seventh"): segments beyond rcv_nxt
 * wait, in the mbufs they arrived in, on a list sorted by sequence number
 * and trimmed so no byte is kept twice; a small segment that continues its
 * neighbour is copied into the neighbour's buffer (collapsed). Each waiting
 * mbuf is counted in the worker's queued_mbufs; under pool pressure new
 * out-of-order data is refused first (tcp_memory.c). When the hole fills
 * they move to the receive queue. The list also yields the SACK blocks (RFC 2018) we send.
 * A segment's sequence number rides in m->hash.usr while it waits.
 *
 * The list may hold a grown window's worth (limited by the connection's
 * mbufs, tcp_memory.c): after one loss in a window of 4 MiB, the rest of the
 * window, ~2,900 segments, arrives in order beyond the hole. Those go to the
 * tail at once (ooo_tail). Anything else walks from the head, and no walk
 * goes further than TCP_OOO_WALK_MAX_SEGMENTS: a segment whose place lies
 * further in is dropped (the peer sends it again once the holes before it
 * have filled), and a SACK option reports what the walk saw and the run at
 * the tail. So no order of arrival makes one segment cost more than that
 * walk, as a sorted list walked in full would let a hostile peer do.
 */
#include <string.h>

#include "tcp_conn.h"
#include "tcp_counters.h"
#include "tcp_memory.h"
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

/* Whether a waiting segment can take len more bytes at its end: its own buffer, room left. */
static bool can_take(const struct rte_mbuf *m, uint32_t len)
{
	return len <= TCP_BUFQ_COLLAPSE_MAX_BYTES && RTE_MBUF_DIRECT(m) && rte_mbuf_refcnt_read(m) == 1 &&
	       rte_pktmbuf_tailroom(m) >= len;
}

/*
 * Copy len bytes to the end of one waiting segment. Not rte_pktmbuf_append:
 * that appends to the last mbuf of a chain, and here m->next links the list
 * of waiting segments, so it wrote the bytes after the last segment in the
 * list instead (a corrupted stream, seen once in a few thousand connections).
 */
static void append_to_segment(struct rte_mbuf *m, const void *src, uint32_t len)
{
	memcpy(rte_pktmbuf_mtod_offset(m, uint8_t *, m->data_len), src, len);
	m->data_len = (uint16_t)(m->data_len + len);
	m->pkt_len = m->data_len;
}

/* Move into `into` the bytes of `from`, which begins where `into` ends, and unlink and free `from`. */
static void merge(struct worker *w, struct tcp_conn *c, struct rte_mbuf *into, struct rte_mbuf **from_link)
{
	struct rte_mbuf *from = *from_link;

	append_to_segment(into, rte_pktmbuf_mtod(from, void *), from->data_len);
	*from_link = from->next;
	from->next = NULL;
	rte_pktmbuf_free(from);
	c->ooo_count--;
	tcp_worker_of(w)->queued_mbufs--;
}

/*
 * After an insertion: the segment now holding the new bytes may have become
 * the last. old_tail is the last before it, or NULL if the insertion freed it.
 */
static void note_tail(struct tcp_conn *c, struct rte_mbuf *holder, struct rte_mbuf *old_tail)
{
	if (holder->next)
		return;
	/* Right after the old tail and touching it, it continues that run; else
	 * its own start is a point of its run, which is all a SACK block needs. */
	if (holder != old_tail && !(old_tail && old_tail->next == holder && seg_end(old_tail) == seg_seq(holder)))
		c->ooo_tail_run = seg_seq(holder);
	c->ooo_tail = holder;
}

void tcp_reass_insert(struct worker *w, struct tcp_conn *c, struct rte_mbuf *m, uint32_t seq)
{
	struct tcp_worker *t = tcp_worker_of(w);
	struct rte_mbuf **link = &c->ooo, *prev = NULL, *next, *old_tail = c->ooo_tail;
	unsigned int walked = 0;

	if (!tcp_memory_ooo_allowed(w, c)) {
		worker_drop(w, m, drop_tcp_ooo_pressure);
		return;
	}
	if (c->ooo_count == UINT16_MAX) {
		worker_drop(w, m, drop_tcp_ooo_full);
		return;
	}
	m->hash.usr = seq;
	m->next = NULL;
	if (old_tail && tcp_seq_geq(seq, seg_end(old_tail))) {
		/* Beyond everything waiting: the rest of a window after a hole. */
		prev = old_tail;
		link = &old_tail->next;
	} else {
		/* Skip segments that end before this one starts, so far and no further. */
		while (*link && tcp_seq_leq(seg_end(*link), seq)) {
			if (++walked > TCP_OOO_WALK_MAX_SEGMENTS) {
				worker_drop(w, m, drop_tcp_ooo_full);
				return;
			}
			prev = *link;
			link = &(*link)->next;
		}
	}
	c->ooo_last_seq = seq;
	/* The previous one may cover our front; this one may then start inside it. */
	if (*link && tcp_seq_leq(seg_seq(*link), seq)) {
		uint32_t covered = seg_end(*link) - seq;

		if (covered >= m->data_len) {
			rte_pktmbuf_free(m); /* nothing new */
			return;
		}
		trim_front(m, covered);
		seq = seg_seq(m);
		prev = *link;
		link = &(*link)->next;
	}
	/* Remove the ones we cover entirely; trim our tail where the next begins. */
	while ((next = *link) != NULL && tcp_seq_lt(seg_seq(next), seg_end(m))) {
		if (tcp_seq_leq(seg_end(next), seg_end(m))) {
			if (next == old_tail)
				old_tail = NULL;
			*link = next->next;
			next->next = NULL;
			rte_pktmbuf_free(next);
			c->ooo_count--;
			t->queued_mbufs--;
			continue;
		}
		rte_pktmbuf_trim(m, (uint16_t)(seg_end(m) - seg_seq(next)));
		break;
	}
	m->pkt_len = m->data_len;
	m->nb_segs = 1;
	/* Collapse: a small segment that continues the one before goes into its
	 * buffer, so a run of tiny segments beyond a hole holds few mbufs. */
	if (prev && seg_end(prev) == seq && can_take(prev, m->data_len)) {
		append_to_segment(prev, rte_pktmbuf_mtod(m, void *), m->data_len);
		rte_pktmbuf_free(m);
		if (*link && seg_end(prev) == seg_seq(*link) && can_take(prev, (*link)->data_len)) {
			if (*link == old_tail)
				old_tail = NULL;
			merge(w, c, prev, link);
		}
		note_tail(c, prev, old_tail);
		counter(w, tcp_ooo_segments)++;
		return;
	}
	m->next = *link;
	*link = m;
	c->ooo_count++;
	t->queued_mbufs++;
	if (m->next && seg_end(m) == seg_seq(m->next) && can_take(m, m->next->data_len)) {
		if (m->next == old_tail)
			old_tail = NULL;
		merge(w, c, m, &m->next);
	}
	note_tail(c, m, old_tail);
	counter(w, tcp_ooo_segments)++;
}

void tcp_reass_pull(struct worker *w, struct tcp_conn *c)
{
	struct rte_mbuf *m;

	while ((m = c->ooo) != NULL && tcp_seq_leq(seg_seq(m), c->rcv_nxt)) {
		c->ooo = m->next;
		if (m == c->ooo_tail)
			c->ooo_tail = NULL;
		m->next = NULL;
		c->ooo_count--;
		tcp_worker_of(w)->queued_mbufs--; /* the receive queue counts it again if it keeps it */
		if (tcp_seq_leq(seg_end(m), c->rcv_nxt)) {
			rte_pktmbuf_free(m);
			continue;
		}
		trim_front(m, c->rcv_nxt - seg_seq(m));
		c->rcv_nxt += m->data_len;
		counter(w, tcp_rx_bytes) += m->data_len;
		tcp_bufq_append(&c->rcvq, m);
	}
}

unsigned int tcp_reass_sack_blocks(const struct tcp_conn *c, uint32_t blocks[][2], unsigned int max)
{
	uint32_t ranges[TCP_OOO_WALK_MAX_SEGMENTS + 1][2];
	unsigned int n = 0, out = 0, first = 0, walked = 0;
	const struct rte_mbuf *m;

	for (m = c->ooo; m && walked < TCP_OOO_WALK_MAX_SEGMENTS; m = m->next, walked++) {
		if (n && ranges[n - 1][1] == seg_seq(m)) {
			ranges[n - 1][1] = seg_end(m);
		} else {
			ranges[n][0] = seg_seq(m);
			ranges[n][1] = seg_end(m);
			n++;
		}
	}
	/* A walk that stopped short ends on part of a run (a SACK block may
	 * report less than arrived); the run at the tail is known whole. */
	if (m && c->ooo_tail) {
		if (tcp_seq_gt(c->ooo_tail_run, ranges[n - 1][1])) {
			ranges[n][0] = c->ooo_tail_run;
			ranges[n][1] = seg_end(c->ooo_tail);
			n++;
		} else if (tcp_seq_geq(c->ooo_tail_run, ranges[n - 1][0])) {
			ranges[n - 1][1] = seg_end(c->ooo_tail); /* the walk stopped inside the tail's run */
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

void tcp_reass_free(struct worker *w, struct tcp_conn *c)
{
	tcp_bufq_free_chain(c->ooo);
	tcp_worker_of(w)->queued_mbufs -= c->ooo_count;
	c->ooo = NULL;
	c->ooo_tail = NULL;
	c->ooo_count = 0;
}
