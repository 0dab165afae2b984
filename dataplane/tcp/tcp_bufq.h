/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_TCP_BUFQ_H
#define IPHTTPS_TCP_BUFQ_H

/*
 * A byte queue kept as mbufs: received payload stays in the mbufs it arrived
 * in (no copy into a flat buffer), and the send queue holds what the layer
 * above wrote until it is acknowledged. Mbufs are single segments linked
 * through ->next; the head's data_off moves as bytes are consumed.
 *
 * Memory is what a queue holds in mbufs, not in payload bytes: a one-byte
 * segment pins a whole mbuf. So a small mbuf appended behind one with room
 * is copied into it and freed (the queue stays compact whatever the peer's
 * segment sizes), and every mbuf a queue takes or gives back is counted in
 * the worker's total (*held), which tcp_memory.c weighs against the pool.
 */

#include <stdint.h>

#include <rte_mbuf.h>

struct tcp_bufq {
	struct rte_mbuf *head, *tail;
	uint32_t bytes;
	uint32_t segments;  /* mbufs held */
	uint32_t *held;     /* the worker's count of mbufs in TCP queues */
	/* A read cursor: the mbuf holding offset cur_off (its first byte), so
	 * sending segment after segment does not walk from the head each time. */
	struct rte_mbuf *cur;
	uint32_t cur_off;
};

/* Payload of at most this many bytes is copied into the tail's room rather than linked in its own mbuf. */
enum { TCP_BUFQ_COLLAPSE_MAX_BYTES = 512 };

static inline void tcp_bufq_init(struct tcp_bufq *q, uint32_t *held)
{
	q->head = q->tail = q->cur = NULL;
	q->bytes = q->segments = q->cur_off = 0;
	q->held = held;
}

/** Append a chain of payload mbufs (takes ownership). */
void tcp_bufq_append(struct tcp_bufq *q, struct rte_mbuf *m);

/** Copy len bytes from offset into dst; the range must be queued. */
void tcp_bufq_copy(struct tcp_bufq *q, uint32_t offset, uint32_t len, void *dst);

/** Drop the first n bytes (n <= bytes). */
void tcp_bufq_drop(struct tcp_bufq *q, uint32_t n);

/**
 * Detach the leading whole mbufs, at most max_segments of them holding at most
 * max_bytes, as one chain (pkt_len, nb_segs set); NULL if empty or if the
 * first mbuf alone holds more than max_bytes.
 */
struct rte_mbuf *tcp_bufq_take(struct tcp_bufq *q, uint16_t max_segments, uint32_t max_bytes);

/** Copy len bytes in from buf, filling the tail's room then new mbufs from pool. @return bytes queued. */
uint32_t tcp_bufq_write(struct tcp_bufq *q, struct rte_mempool *pool, const void *buf, uint32_t len);

/** Free everything (the queue stays usable). */
void tcp_bufq_free(struct tcp_bufq *q);

/** Free a list of single-segment mbufs linked through ->next (a queue's or the out-of-order list). */
void tcp_bufq_free_chain(struct rte_mbuf *m);

#endif
