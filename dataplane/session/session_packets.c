/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A LinkUp session's packets. Up: the framer cuts the body into IPv6
 * packets by Payload Length, each built in an mbuf chain from the worker's
 * pool and handed to the handler the link registered. Down: the link hands
 * a packet to session_send_packet, which writes it as TLS records (or, on a
 * plain listener, queues the mbufs themselves) into the connection.
 */
#include <string.h>

#include <rte_mbuf.h>

#include "session_internal.h"
#include "session_counters.h"
#include "tcp.h"
#include "worker.h"

/* Set at start-up, before the workers run. */
static session_packet_fn packet_handler;

void session_set_packet_handler(session_packet_fn fn)
{
	packet_handler = fn;
}

/* ---- the framer's sink: packets built in mbufs from the worker's pool ---- */

static void *packet_begin(void *ctx, uint32_t bytes)
{
	struct session *s = ctx;
	struct worker *w = s->tls.transport.w;
	uint16_t room = (uint16_t)(rte_pktmbuf_data_room_size(w->pool) - RTE_PKTMBUF_HEADROOM);
	unsigned int segs = (bytes + room - 1) / room;
	struct rte_mbuf *m[64];

	if (s->state != SESSION_LINK_UP)
		return NULL; /* the session ended while a segment was being framed: skip the rest */
	/* Allocate the whole chain now so appending never fails halfway. */
	if (segs == 0 || segs > RTE_DIM(m) || rte_pktmbuf_alloc_bulk(w->pool, m, segs) != 0) {
		counter(w, drop_link_mbuf_alloc)++;
		return NULL;
	}
	for (unsigned int i = 1; i < segs; i++)
		if (rte_pktmbuf_chain(m[0], m[i]) != 0) {
			rte_pktmbuf_free(m[0]);
			for (unsigned int j = i; j < segs; j++)
				rte_pktmbuf_free(m[j]);
			counter(w, drop_link_mbuf_alloc)++;
			return NULL;
		}
	return m[0];
}

/*
 * A packet longer than the link MTU: its first bytes in one mbuf, the rest
 * skipped as they come (packet_append fills what the mbuf holds), for the
 * link to drop and answer with Packet Too Big. The session stays: the
 * Payload Length still delimits the packet.
 */
static void *packet_oversize(void *ctx, uint32_t bytes)
{
	struct session *s = ctx;
	struct worker *w = s->tls.transport.w;
	struct rte_mbuf *m;

	(void)bytes;
	if (s->state != SESSION_LINK_UP)
		return NULL;
	m = rte_pktmbuf_alloc(w->pool);
	if (!m)
		counter(w, drop_link_mbuf_alloc)++;
	return m;
}

static void packet_append(void *ctx, void *packet, const uint8_t *data, uint32_t len)
{
	struct rte_mbuf *head = packet, *seg = head;

	(void)ctx;
	/* The chain was sized for the whole packet in packet_begin: fill it in order. */
	while (len > 0) {
		uint32_t room;

		while (rte_pktmbuf_tailroom(seg) == 0 && seg->next)
			seg = seg->next;
		room = RTE_MIN((uint32_t)rte_pktmbuf_tailroom(seg), len);
		if (room == 0)
			return; /* an oversize packet's first bytes are all it keeps */
		memcpy(rte_pktmbuf_mtod_offset(seg, uint8_t *, seg->data_len), data, room);
		seg->data_len = (uint16_t)(seg->data_len + room);
		head->pkt_len += room;
		data += room;
		len -= room;
	}
}

static void packet_end(void *ctx, void *packet)
{
	struct session *s = ctx;
	struct worker *w = s->tls.transport.w;

	if (packet_handler)
		packet_handler(w, s, packet);
	else
		worker_drop(w, (struct rte_mbuf *)packet, drop_link_no_route);
}

static void packet_abandon(void *ctx, void *packet)
{
	(void)ctx;
	rte_pktmbuf_free(packet);
}

static const struct framer_sink packet_sink = {
	.begin = packet_begin,
	.append = packet_append,
	.end = packet_end,
	.abandon = packet_abandon,
	.oversize = packet_oversize,
};

void session_packets_input(struct worker *w, struct session *s, const uint8_t *data, uint32_t len)
{
	switch (framer_push(&s->framer, data, len, &packet_sink, s)) {
	case FRAMER_OK: return;
	case FRAMER_ERROR_NOT_IPV6: counter(w, drop_framer_not_ipv6)++; break;
	case FRAMER_ERROR_JUMBOGRAM: counter(w, drop_framer_jumbogram)++; break;
	case FRAMER_ERROR_TOO_BIG: counter(w, drop_framer_too_big)++; break;
	}
	/* §3.2.5.2.2: discard, and terminate this client's session (only this one). */
	session_end(w, s, SESSION_END_BAD_PACKET);
}

void session_packets_reset(struct session *s)
{
	framer_reset(&s->framer, &packet_sink, s);
}

void session_flush_sends(struct worker *w)
{
	struct session_worker *sw = session_worker_of(w);
	struct session *s = sw->tx_batch_session;
	uint32_t bytes = sw->tx_batch_bytes;

	if (s == NULL)
		return;
	sw->tx_batch_session = NULL;
	sw->tx_batch_bytes = 0;
	sw->tx_batch_packets = 0;
	if (!tls_session_write(&s->tls, sw->tx_batch, bytes)) {
		counter(w, tls_errors)++;
		session_end(w, s, SESSION_END_TLS_ERROR);
	}
}

/* A session that closes or goes takes its held packets with it (they would find no link). */
void session_packets_forget_sends(struct worker *w, struct session *s)
{
	struct session_worker *sw = session_worker_of(w);

	if (sw->tx_batch_session != s)
		return;
	counter(w, drop_link_session_not_up) += sw->tx_batch_packets;
	sw->tx_batch_session = NULL;
	sw->tx_batch_bytes = 0;
	sw->tx_batch_packets = 0;
}

/*
 * A packet larger than the batch (a link MTU above 16 KiB: iphttps.link_mtu
 * allows 65,535) is written on its own after what is held, one TLS write
 * per mbuf segment (records of a segment's size; the byte stream does not
 * care where they are cut): never copied into the batch, which it would
 * overrun. All of it or nothing: the room is checked for the whole packet
 * and its records first.
 */
static int send_larger_than_batch(struct worker *w, struct session *s, struct rte_mbuf *m)
{
	uint32_t len = m->pkt_len;
	uint32_t records = m->nb_segs + len / SESSION_TX_BATCH_BYTES;

	session_flush_sends(w);
	if (s->state != SESSION_LINK_UP) { /* the flush may have ended it */
		worker_drop(w, m, drop_link_session_not_up);
		return -1;
	}
	if (tcp_send_space(w, s->conn) < len + records * SESSION_TLS_RECORD_OVERHEAD_MAX_BYTES) {
		worker_drop(w, m, drop_link_send_queue_full);
		return -1;
	}
	for (struct rte_mbuf *seg = m; seg; seg = seg->next)
		if (seg->data_len && !tls_session_write(&s->tls, rte_pktmbuf_mtod(seg, const void *), seg->data_len)) {
			rte_pktmbuf_free(m);
			counter(w, tls_errors)++;
			session_end(w, s, SESSION_END_TLS_ERROR);
			return -1;
		}
	rte_pktmbuf_free(m);
	return 0;
}

int session_send_packet(struct worker *w, struct session *s, struct rte_mbuf *m)
{
	uint32_t len = m->pkt_len;

	if (s->state != SESSION_LINK_UP) {
		worker_drop(w, m, drop_link_session_not_up);
		return -1;
	}
	if (s->tls.ssl && len > SESSION_TX_BATCH_BYTES) {
		if (send_larger_than_batch(w, s, m) != 0)
			return -1;
	} else if (s->tls.ssl) {
		struct session_worker *sw = session_worker_of(w);
		uint8_t *at;
		const void *data;

		if (sw->tx_batch_session != s || sw->tx_batch_bytes + len > SESSION_TX_BATCH_BYTES)
			session_flush_sends(w);
		if (tcp_send_space(w, s->conn) < sw->tx_batch_bytes + len + SESSION_TLS_RECORD_OVERHEAD_MAX_BYTES) {
			/* Like a full interface queue: drop and count, never block the worker. */
			worker_drop(w, m, drop_link_send_queue_full);
			return -1;
		}
		at = sw->tx_batch + sw->tx_batch_bytes;
		data = rte_pktmbuf_read(m, 0, len, at);
		if (data != at)
			memcpy(at, data, len); /* contiguous in the mbuf: rte_pktmbuf_read gave its pointer */
		sw->tx_batch_session = s;
		sw->tx_batch_bytes += len;
		sw->tx_batch_packets++;
		rte_pktmbuf_free(m);
	} else if (tcp_send_space(w, s->conn) < len) {
		worker_drop(w, m, drop_link_send_queue_full);
		return -1;
	} else if (tcp_write_mbuf(w, s->conn, m) != 0) {
		worker_drop(w, m, drop_link_send_queue_full);
		return -1;
	}
	counter(w, link_tx_packets)++;
	counter(w, link_tx_bytes) += len;
	s->tx_packets++;
	s->tx_bytes += len;
	return 0;
}
