/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The calls the layer above makes (tcp.h), and the upcalls TCP makes to it.
 * RFC 9293 3.9.1's SEND, RECEIVE, CLOSE and ABORT, shaped for a run-to-
 * completion worker: nothing blocks; "readable" and "writable" say when to
 * call again.
 */
#include <string.h>

#include "tcp_conn.h"
#include "tcp_memory.h"
#include "worker.h"


void *tcp_conn_ctx(const struct tcp_conn *c)
{
	return c->ctx;
}

void tcp_peer_address(const struct tcp_conn *c, struct in6_addr *addr, uint16_t *port)
{
	memset(addr, 0, sizeof(*addr));
	if (c->key.family == 6) {
		memcpy(addr->s6_addr, c->key.remote, 16);
	} else {
		addr->s6_addr[10] = 0xff;
		addr->s6_addr[11] = 0xff;
		memcpy(&addr->s6_addr[12], c->key.remote, 4);
	}
	*port = rte_be_to_cpu_16(c->key.remote_port);
}

bool tcp_peer_closed(const struct tcp_conn *c)
{
	return c->flags & TCPF_PEER_FIN;
}

uint32_t tcp_readable_bytes(const struct tcp_conn *c)
{
	return c->rcvq.bytes;
}

/* Reading opened the window: tell the peer when it grew by a segment or half the queue (RFC 9293 3.8.6.2.2). */
static void window_opened(struct worker *w, struct tcp_conn *c)
{
	uint32_t space = tcp_rcv_space(w, c);
	uint32_t advertised = tcp_seq_gt(c->rcv_adv, c->rcv_nxt) ? c->rcv_adv - c->rcv_nxt : 0;

	if (space - RTE_MIN(space, advertised) >= RTE_MIN((uint32_t)c->mss * 2, w->config->limits.tcp_recv_queue_bytes / 2)) {
		c->flags |= TCPF_ACK_NOW;
		tcp_output(w, c);
	}
}

uint32_t tcp_peek(struct tcp_conn *c, void *buf, uint32_t len)
{
	uint32_t n = RTE_MIN(len, c->rcvq.bytes);

	if (n)
		tcp_bufq_copy(&c->rcvq, 0, n, buf);
	return n;
}

void tcp_consume(struct worker *w, struct tcp_conn *c, uint32_t n)
{
	n = RTE_MIN(n, c->rcvq.bytes);
	if (n == 0)
		return;
	tcp_bufq_drop(&c->rcvq, n);
	window_opened(w, c);
}

uint32_t tcp_read(struct worker *w, struct tcp_conn *c, void *buf, uint32_t len)
{
	uint32_t n = tcp_peek(c, buf, len);

	tcp_consume(w, c, n);
	return n;
}

struct rte_mbuf *tcp_take_up_to(struct worker *w, struct tcp_conn *c, uint16_t max_segments, uint32_t max_bytes)
{
	struct rte_mbuf *m = tcp_bufq_take(&c->rcvq, max_segments, max_bytes);

	if (m)
		window_opened(w, c);
	return m;
}

struct rte_mbuf *tcp_take(struct worker *w, struct tcp_conn *c)
{
	return tcp_take_up_to(w, c, TCP_TAKE_MAX_SEGMENTS, UINT32_MAX);
}

uint32_t tcp_send_space(const struct worker *w, const struct tcp_conn *c)
{
	uint32_t cap = tcp_memory_snd_cap(w, c);

	if (c->state != TCP_ESTABLISHED && c->state != TCP_CLOSE_WAIT)
		return 0;
	uint32_t mbufs, space, tail_room;

	if (c->flags & TCPF_FIN_QUEUED)
		return 0;
	space = c->sndq.bytes >= cap ? 0 : cap - c->sndq.bytes;
	/* And what the mbufs the queue may still take hold (tcp_memory.h). */
	mbufs = tcp_memory_snd_room(w, c);
	tail_room = c->sndq.tail ? (uint32_t)rte_pktmbuf_tailroom(c->sndq.tail) : 0;
	return RTE_MIN(space, mbufs * (uint32_t)(rte_pktmbuf_data_room_size(w->pool) - RTE_PKTMBUF_HEADROOM) +
				      tail_room);
}

uint32_t tcp_write(struct worker *w, struct tcp_conn *c, const void *buf, uint32_t len)
{
	uint32_t n = RTE_MIN(len, tcp_send_space(w, c));

	if (n)
		n = tcp_bufq_write(&c->sndq, w->pool, buf, n);
	if (n < len)
		c->flags |= TCPF_WANT_WRITABLE;
	if (n)
		tcp_output(w, c);
	return n;
}

int tcp_write_mbuf(struct worker *w, struct tcp_conn *c, struct rte_mbuf *m)
{
	if (m->pkt_len > tcp_send_space(w, c) || m->nb_segs > tcp_memory_snd_room(w, c)) {
		c->flags |= TCPF_WANT_WRITABLE;
		return -1;
	}
	tcp_bufq_append(&c->sndq, m);
	tcp_output(w, c);
	return 0;
}

void tcp_want_writable(struct tcp_conn *c)
{
	c->flags |= TCPF_WANT_WRITABLE;
}

void tcp_shutdown(struct worker *w, struct tcp_conn *c)
{
	if (c->state != TCP_ESTABLISHED && c->state != TCP_CLOSE_WAIT)
		return;
	c->flags |= TCPF_FIN_QUEUED;
	/* From now on t_keep is the close deadline and keep_probes counts the
	 * zero-window probes of an orphan (tcp_timer.c). */
	c->t_keep = w->now_ms + TCP_CLOSE_TIMEOUT_MS;
	c->keep_probes = 0;
	tcp_output(w, c);
	tcp_timer_update(w, c);
}

void tcp_abort(struct worker *w, struct tcp_conn *c)
{
	if (c->state == TCP_CLOSED)
		return;
	if (c->state != TCP_TIME_WAIT)
		tcp_send_rst_conn(w, c);
	tcp_conn_destroy(w, c);
}

void tcp_notify_readable(struct worker *w, struct tcp_conn *c)
{
	if ((c->flags & TCPF_ACCEPTED) && c->up->readable && c->rcvq.bytes)
		c->up->readable(w, c, c->ctx);
}

void tcp_notify_writable(struct worker *w, struct tcp_conn *c)
{
	c->flags &= (uint16_t)~TCPF_WANT_WRITABLE;
	if ((c->flags & TCPF_ACCEPTED) && c->up->writable)
		c->up->writable(w, c, c->ctx);
}
