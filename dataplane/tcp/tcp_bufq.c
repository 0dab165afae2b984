/* SPDX-License-Identifier: BSD-3-Clause */
#include "tcp_bufq.h"

#include <stdbool.h>
#include <string.h>

/* Whether the tail can take len more bytes in place: its own buffer, room left. */
static bool tail_can_take(const struct tcp_bufq *q, uint32_t len)
{
	return q->tail && RTE_MBUF_DIRECT(q->tail) && rte_mbuf_refcnt_read(q->tail) == 1 &&
	       rte_pktmbuf_tailroom(q->tail) >= len;
}

static void held_add(struct tcp_bufq *q, int n)
{
	q->segments += (uint32_t)n;
	if (q->held)
		*q->held += (uint32_t)n;
}

void tcp_bufq_append(struct tcp_bufq *q, struct rte_mbuf *m)
{
	while (m) {
		struct rte_mbuf *next = m->next;

		m->next = NULL;
		if (m->data_len == 0) {
			rte_pktmbuf_free_seg(m);
		} else if (m->data_len <= TCP_BUFQ_COLLAPSE_MAX_BYTES && tail_can_take(q, m->data_len)) {
			/* Collapse: a small payload costs no mbuf of its own. */
			memcpy(rte_pktmbuf_append(q->tail, m->data_len), rte_pktmbuf_mtod(m, void *), m->data_len);
			q->tail->pkt_len = q->tail->data_len;
			q->bytes += m->data_len;
			rte_pktmbuf_free_seg(m);
		} else {
			m->nb_segs = 1;
			m->pkt_len = m->data_len;
			if (q->tail)
				q->tail->next = m;
			else
				q->head = m;
			q->tail = m;
			q->bytes += m->data_len;
			held_add(q, 1);
		}
		m = next;
	}
}

void tcp_bufq_copy(struct tcp_bufq *q, uint32_t offset, uint32_t len, void *dst)
{
	struct rte_mbuf *m = q->head;
	uint32_t start = 0;
	uint8_t *out = dst;

	if (q->cur && q->cur_off <= offset) {
		m = q->cur;
		start = q->cur_off;
	}
	while (m && start + m->data_len <= offset) {
		start += m->data_len;
		m = m->next;
	}
	q->cur = m;
	q->cur_off = start;
	while (len > 0 && m) {
		uint32_t in = offset - start;
		uint32_t n = RTE_MIN(len, (uint32_t)m->data_len - in);

		memcpy(out, rte_pktmbuf_mtod_offset(m, uint8_t *, in), n);
		out += n;
		len -= n;
		offset += n;
		start += m->data_len;
		m = m->next;
	}
}

void tcp_bufq_drop(struct tcp_bufq *q, uint32_t n)
{
	q->cur = NULL;
	q->bytes -= n;
	while (n > 0 && q->head) {
		struct rte_mbuf *m = q->head;

		if (n < m->data_len) {
			rte_pktmbuf_adj(m, (uint16_t)n);
			return;
		}
		n -= m->data_len;
		q->head = m->next;
		held_add(q, -1);
		if (!q->head)
			q->tail = NULL;
		m->next = NULL;
		rte_pktmbuf_free_seg(m);
	}
}

struct rte_mbuf *tcp_bufq_take(struct tcp_bufq *q, uint16_t max_segments, uint32_t max_bytes)
{
	struct rte_mbuf *head = q->head, *last = NULL, *m = q->head;
	uint32_t bytes = 0;
	uint16_t count = 0;

	if (!head || max_segments == 0 || head->data_len > max_bytes)
		return NULL;
	while (m && count < max_segments && m->data_len <= max_bytes - bytes) {
		bytes += m->data_len;
		count++;
		last = m;
		m = m->next;
	}
	last->next = NULL;
	q->head = m;
	if (!m)
		q->tail = NULL;
	q->bytes -= bytes;
	held_add(q, -(int)count);
	q->cur = NULL;
	head->nb_segs = count;
	head->pkt_len = bytes;
	return head;
}

uint32_t tcp_bufq_write(struct tcp_bufq *q, struct rte_mempool *pool, const void *buf, uint32_t len)
{
	const uint8_t *in = buf;
	uint32_t done = 0;

	/* Fill the tail's room first, if the tail is ours alone to write. */
	if (tail_can_take(q, 1)) {
		uint32_t room = RTE_MIN(len, (uint32_t)rte_pktmbuf_tailroom(q->tail));

		if (room) {
			memcpy(rte_pktmbuf_append(q->tail, (uint16_t)room), in, room);
			q->tail->pkt_len = q->tail->data_len;
			q->bytes += room;
			done = room;
		}
	}
	while (done < len) {
		struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
		uint32_t n;

		if (!m)
			break;
		n = RTE_MIN(len - done, (uint32_t)rte_pktmbuf_tailroom(m));
		memcpy(rte_pktmbuf_append(m, (uint16_t)n), in + done, n);
		tcp_bufq_append(q, m);
		done += n;
	}
	return done;
}

void tcp_bufq_free_chain(struct rte_mbuf *m)
{
	while (m) {
		struct rte_mbuf *next = m->next;

		m->next = NULL;
		rte_pktmbuf_free_seg(m);
		m = next;
	}
}

void tcp_bufq_free(struct tcp_bufq *q)
{
	tcp_bufq_free_chain(q->head);
	held_add(q, -(int)q->segments);
	tcp_bufq_init(q, q->held);
}
