/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP output: every segment the appliance sends is built here, in a fresh
 * mbuf (headers, then payload copied from the send queue), and handed to the
 * port the connection came in on, to the MAC its SYN came from (the reverse
 * path: the appliance only ever answers). Checksums use the port's offload
 * when it has one, software otherwise.
 *
 * What to send (tcp_output): new data as the peer's window and the
 * congestion window allow, in MSS-sized segments, without Nagle (the layer
 * above writes whole TLS records); a FIN once the queue is drained after
 * tcp_shutdown; a pure ACK when input asked for one and nothing else went.
 */
#include <string.h>

#include <rte_ip.h>
#include <rte_tcp.h>

#include "checksum.h"
#include "eth.h"
#include "iface.h"
#include "tcp_conn.h"
#include "tcp_counters.h"
#include "worker.h"

enum {
	TCPOPT_NOP = 1,
	TCP_HEADER_BYTES = 20,
	TCP_OPTIONS_MAX_BYTES = 40,
};

/* A random offset keeps TSval from telling the appliance's uptime (RFC 7323 7.1). */
static uint32_t tsval_offset;

uint32_t tcp_tsval(const struct worker *w)
{
	if (tsval_offset == 0)
		tsval_offset = (uint32_t)rte_rand() | 1;
	return (uint32_t)w->now_ms + tsval_offset;
}

static uint8_t *put32(uint8_t *p, uint32_t v)
{
	v = rte_cpu_to_be_32(v);
	memcpy(p, &v, 4);
	return p + 4;
}

uint8_t tcp_synack_options(uint8_t *buf, uint16_t mss, bool sack, bool ts, uint32_t tsval, uint32_t tsecr,
			   int wscale)
{
	uint8_t *p = buf;

	*p++ = 2, *p++ = 4, *p++ = (uint8_t)(mss >> 8), *p++ = (uint8_t)mss;
	if (sack && ts) {
		*p++ = 4, *p++ = 2; /* SACK-permitted, then timestamps: 12 bytes, as Linux lays them */
		*p++ = 8, *p++ = 10;
		p = put32(p, tsval);
		p = put32(p, tsecr);
	} else if (ts) {
		*p++ = TCPOPT_NOP, *p++ = TCPOPT_NOP, *p++ = 8, *p++ = 10;
		p = put32(p, tsval);
		p = put32(p, tsecr);
	} else if (sack) {
		*p++ = TCPOPT_NOP, *p++ = TCPOPT_NOP, *p++ = 4, *p++ = 2;
	}
	if (wscale >= 0)
		*p++ = TCPOPT_NOP, *p++ = 3, *p++ = 3, *p++ = (uint8_t)wscale;
	return (uint8_t)(p - buf);
}

/* Options on a segment of an established connection: timestamps, then SACK blocks. */
static uint8_t data_options(const struct worker *w, const struct tcp_conn *c, uint8_t *buf)
{
	uint8_t *p = buf;

	if (c->flags & TCPF_TS_OK) {
		*p++ = TCPOPT_NOP, *p++ = TCPOPT_NOP, *p++ = 8, *p++ = 10;
		p = put32(p, tcp_tsval(w));
		p = put32(p, c->ts_recent);
	}
	if ((c->flags & TCPF_SACK_OK) && c->ooo) {
		uint32_t blocks[TCP_MAX_SACK_BLOCKS][2];
		unsigned int max = (c->flags & TCPF_TS_OK) ? 3 : 4;
		unsigned int n = tcp_reass_sack_blocks(c, blocks, max);

		if (n) {
			*p++ = TCPOPT_NOP, *p++ = TCPOPT_NOP, *p++ = 5, *p++ = (uint8_t)(2 + 8 * n);
			for (unsigned int i = 0; i < n; i++) {
				p = put32(p, blocks[i][0]);
				p = put32(p, blocks[i][1]);
			}
		}
	}
	return (uint8_t)(p - buf);
}

/*
 * Payload room in one segment: the MSS counts no options (RFC 6691 2), so
 * the options we will add come out of it. With out-of-order data, room for
 * the most SACK blocks is kept, whatever their number turns out to be.
 */
static uint32_t payload_room(const struct tcp_conn *c)
{
	uint32_t options = 0;

	if (c->flags & TCPF_TS_OK)
		options += 12;
	if ((c->flags & TCPF_SACK_OK) && c->ooo)
		options += 4 + 8 * ((c->flags & TCPF_TS_OK) ? 3 : 4);
	return c->mss > options ? c->mss - options : 1;
}

/*
 * Build one segment and queue it on the port. Payload, if any, comes from
 * the connection's send queue at byte offset payload_off.
 */
/*
 * Payload beyond the first mbuf (a TSO super-segment) goes into chained
 * mbufs. Returns false, with the chain freed, if the pool ran dry.
 */
static bool chain_payload(struct worker *w, struct rte_mbuf *head, struct tcp_conn *c, uint32_t off,
			  uint32_t len)
{
	while (len > 0) {
		struct rte_mbuf *m = rte_pktmbuf_alloc(w->pool);
		uint32_t n;

		if (!m) {
			counter(w, mbuf_alloc_failed)++;
			rte_pktmbuf_free(head);
			return false;
		}
		n = RTE_MIN(len, (uint32_t)rte_pktmbuf_tailroom(m));
		tcp_bufq_copy(&c->sndq, off, n, rte_pktmbuf_append(m, (uint16_t)n));
		if (rte_pktmbuf_chain(head, m) != 0) {
			rte_pktmbuf_free(m);
			rte_pktmbuf_free(head);
			counter(w, mbuf_alloc_failed)++;
			return false;
		}
		off += n;
		len -= n;
	}
	return true;
}

static void emit(struct worker *w, uint8_t role, const struct tcp_key *key, const struct rte_ether_addr *mac,
		 uint32_t seq, uint32_t ack, uint8_t flags, uint16_t window, const uint8_t *options,
		 uint8_t options_len, struct tcp_conn *payload_from, uint32_t payload_off, uint32_t payload_len,
		 uint16_t tso_segment)
{
	const struct iface *ifc = &ifaces[role];
	bool v4 = key->family == 4;
	uint32_t l3_len = v4 ? sizeof(struct rte_ipv4_hdr) : sizeof(struct rte_ipv6_hdr);
	uint32_t l4_len = TCP_HEADER_BYTES + options_len;
	uint32_t first_payload = payload_len;
	struct rte_mbuf *m;
	struct rte_tcp_hdr *th;
	void *ip;

	if (tso_segment) /* headers and what fits in the first mbuf; the rest is chained */
		first_payload = RTE_MIN(payload_len, (uint32_t)RTE_MBUF_DEFAULT_DATAROOM -
							  RTE_ETHER_HDR_LEN - l3_len - l4_len);
	m = eth_alloc(w, ifc, mac, v4 ? RTE_ETHER_TYPE_IPV4 : RTE_ETHER_TYPE_IPV6,
		      (uint16_t)(l3_len + l4_len + first_payload));
	if (!m)
		return;
	ip = rte_pktmbuf_mtod_offset(m, void *, m->l2_len);
	th = (struct rte_tcp_hdr *)((uint8_t *)ip + l3_len);
	if (v4) {
		struct rte_ipv4_hdr *h = ip;

		h->version_ihl = 0x45;
		h->type_of_service = 0;
		h->total_length = rte_cpu_to_be_16((uint16_t)(l3_len + l4_len + payload_len));
		h->packet_id = 0;
		h->fragment_offset = RTE_BE16(RTE_IPV4_HDR_DF_FLAG);
		h->time_to_live = TCP_TTL;
		h->next_proto_id = IPPROTO_TCP;
		h->hdr_checksum = 0;
		memcpy(&h->src_addr, key->local, 4);
		memcpy(&h->dst_addr, key->remote, 4);
	} else {
		struct rte_ipv6_hdr *h = ip;

		h->vtc_flow = rte_cpu_to_be_32(6u << 28);
		h->payload_len = rte_cpu_to_be_16((uint16_t)(l4_len + payload_len));
		h->proto = IPPROTO_TCP;
		h->hop_limits = TCP_TTL;
		memcpy(h->src_addr, key->local, 16);
		memcpy(h->dst_addr, key->remote, 16);
	}
	th->src_port = key->local_port;
	th->dst_port = key->remote_port;
	th->sent_seq = rte_cpu_to_be_32(seq);
	th->recv_ack = rte_cpu_to_be_32(ack);
	th->data_off = (uint8_t)((l4_len / 4) << 4);
	th->tcp_flags = flags;
	th->rx_win = rte_cpu_to_be_16(window);
	th->cksum = 0;
	th->tcp_urp = 0;
	if (options_len)
		memcpy(th + 1, options, options_len);
	if (first_payload)
		tcp_bufq_copy(&payload_from->sndq, payload_off, first_payload, (uint8_t *)th + l4_len);
	if (payload_len > first_payload &&
	    !chain_payload(w, m, payload_from, payload_off + first_payload, payload_len - first_payload))
		return;

	m->l3_len = (uint16_t)l3_len;
	m->l4_len = (uint16_t)l4_len;
	if (tso_segment && ifc->tso_frame_max && tso_segment + m->l2_len + l3_len + l4_len > ifc->tso_frame_max)
		tso_segment = (uint16_t)(ifc->tso_frame_max - m->l2_len - l3_len - l4_len);
	if (tso_segment) {
		/* The port cuts it into tso_segment-byte segments, each with these headers. */
		m->ol_flags |= RTE_MBUF_F_TX_TCP_SEG | (v4 ? RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM
							   : RTE_MBUF_F_TX_IPV6);
		m->tso_segsz = tso_segment;
		th->cksum = v4 ? rte_ipv4_phdr_cksum(ip, m->ol_flags) : rte_ipv6_phdr_cksum(ip, m->ol_flags);
		if (v4)
			((struct rte_ipv4_hdr *)ip)->hdr_checksum = 0;
		{
			uint32_t segments = (payload_len + tso_segment - 1) / tso_segment;

			counter(w, tcp_tx_segments) += segments;
			counter(w, tcp_tso_segments) += segments;
		}
		counter(w, tcp_tso_frames)++;
		counter(w, tcp_tx_bytes) += payload_len;
		worker_tx(w, ifc->role, m);
		return;
	}
	if (iface_tx_offloads(w, ifc) & RTE_ETH_TX_OFFLOAD_TCP_CKSUM) {
		m->ol_flags |= RTE_MBUF_F_TX_TCP_CKSUM | (v4 ? RTE_MBUF_F_TX_IPV4 : RTE_MBUF_F_TX_IPV6);
		th->cksum = v4 ? rte_ipv4_phdr_cksum(ip, m->ol_flags) : rte_ipv6_phdr_cksum(ip, m->ol_flags);
	} else {
		th->cksum = checksum_tcp(ip, th, l4_len + payload_len);
	}
	if (v4) {
		if (iface_tx_offloads(w, ifc) & RTE_ETH_TX_OFFLOAD_IPV4_CKSUM)
			m->ol_flags |= RTE_MBUF_F_TX_IP_CKSUM;
		else
			((struct rte_ipv4_hdr *)ip)->hdr_checksum = rte_ipv4_cksum(ip);
	}
	counter(w, tcp_tx_segments)++;
	counter(w, tcp_tx_bytes) += payload_len;
	worker_tx(w, ifc->role, m);
}

void tcp_send_reply(struct worker *w, uint8_t role, const struct tcp_key *key, const struct rte_ether_addr *mac,
		    uint32_t seq, uint32_t ack, uint8_t flags, uint16_t window, const uint8_t *options,
		    uint8_t options_len)
{
	if (flags & RTE_TCP_RST_FLAG)
		counter(w, tcp_resets_sent)++;
	emit(w, role, key, mac, seq, ack, flags, window, options, options_len, NULL, 0, 0, 0);
}

/* The window to advertise: never moving the right edge left (RFC 9293 3.8.6.2.2). */
static uint16_t advertise(struct worker *w, struct tcp_conn *c)
{
	uint32_t space = tcp_rcv_space(w, c);
	uint32_t scaled;

	if (tcp_seq_lt(c->rcv_nxt + space, c->rcv_adv))
		space = c->rcv_adv - c->rcv_nxt;
	scaled = space >> c->rcv_wscale;
	if (scaled > 0xffff)
		scaled = 0xffff;
	c->rcv_adv = c->rcv_nxt + (scaled << c->rcv_wscale);
	c->last_ack_sent = c->rcv_nxt;
	/* Whatever goes out now acknowledges everything received. */
	c->flags &= (uint16_t)~(TCPF_ACK_NOW | TCPF_DELACK | TCPF_ACK_BATCH);
	c->t_delack = 0;
	return (uint16_t)scaled;
}

/* A segment of up to payload_room(c) bytes, or with TSO a run of them in one mbuf chain. */
static void send_segment(struct worker *w, struct tcp_conn *c, uint32_t seq, uint8_t flags, uint32_t len)
{
	uint8_t options[TCP_OPTIONS_MAX_BYTES];
	uint8_t options_len = data_options(w, c, options);
	uint16_t window = advertise(w, c);
	uint32_t room = payload_room(c);

	emit(w, c->role, &c->key, &c->peer_mac, seq, c->rcv_nxt, flags, window, options, options_len, c,
	     seq - c->snd_una, len, len > room ? (uint16_t)room : 0);
}

/* How much one send may carry: one segment, or with the port's TSO, many. */
static uint32_t send_limit(const struct worker *w, const struct tcp_conn *c, uint32_t room)
{
	const struct iface *ifc = &ifaces[c->role];

	if (!(iface_tx_offloads(w, ifc) & RTE_ETH_TX_OFFLOAD_TCP_TSO) || (c->key.family == 6 && !ifc->tso_ipv6))
		return room;
	return (TCP_TSO_MAX_BYTES / room) * room;
}

void tcp_send_ack(struct worker *w, struct tcp_conn *c)
{
	send_segment(w, c, c->snd_nxt, RTE_TCP_ACK_FLAG, 0);
}

void tcp_send_synack(struct worker *w, struct tcp_conn *c)
{
	uint8_t options[TCP_OPTIONS_MAX_BYTES];
	uint32_t space = tcp_rcv_space(w, c);
	uint8_t len = tcp_synack_options(options, iface_tcp_mss(&ifaces[c->role], c->key.family),
					 c->flags & TCPF_SACK_OK, c->flags & TCPF_TS_OK, tcp_tsval(w), c->ts_recent,
					 (c->flags & TCPF_WS_OK) ? c->rcv_wscale : -1);

	/* RFC 7323 2.2: the window in a SYN is never scaled. */
	c->rcv_adv = c->rcv_nxt + RTE_MIN(space, 0xffffu);
	emit(w, c->role, &c->key, &c->peer_mac, c->iss, c->rcv_nxt, RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG,
	     (uint16_t)RTE_MIN(space, 0xffffu), options, len, NULL, 0, 0, 0);
}

void tcp_send_rst_conn(struct worker *w, struct tcp_conn *c)
{
	tcp_send_reply(w, c->role, &c->key, &c->peer_mac, c->snd_nxt, c->rcv_nxt,
		       RTE_TCP_RST_FLAG | RTE_TCP_ACK_FLAG, 0, NULL, 0);
}

void tcp_send_probe(struct worker *w, struct tcp_conn *c)
{
	/* One byte beyond the closed window (RFC 9293 3.8.6.1); the peer answers with its window. */
	send_segment(w, c, c->snd_una, RTE_TCP_ACK_FLAG, 1);
	if (tcp_seq_lt(c->snd_nxt, c->snd_una + 1))
		c->snd_nxt = c->snd_una + 1;
	c->snd_max = tcp_seq_max(c->snd_max, c->snd_nxt);
}

void tcp_retransmit_first(struct worker *w, struct tcp_conn *c)
{
	uint32_t len = RTE_MIN(payload_room(c), c->sndq.bytes);
	uint8_t flags = RTE_TCP_ACK_FLAG;

	if (len == 0 && !(c->flags & TCPF_FIN_SENT))
		return;
	if (len == c->sndq.bytes && (c->flags & TCPF_FIN_SENT))
		flags |= RTE_TCP_FIN_FLAG;
	c->high_rxt = tcp_seq_max(c->high_rxt, c->snd_una + len);
	counter(w, tcp_retransmits)++;
	c->flags &= (uint16_t)~TCPF_RTT_TIMING; /* Karn */
	send_segment(w, c, c->snd_una, flags | (len ? RTE_TCP_PSH_FLAG : 0), len);
	tcp_rexmt_restart(w, c);
}

/*
 * RFC 8985 7.3: the probe is one new segment if the peer's window allows,
 * else the last segment sent again. False when there is nothing to probe
 * with (only a FIN in flight): the RTO handles that.
 */
bool tcp_send_tail_probe(struct worker *w, struct tcp_conn *c)
{
	uint32_t room = payload_room(c);
	uint32_t off = c->snd_nxt - c->snd_una;
	uint32_t avail = off < c->sndq.bytes ? c->sndq.bytes - off : 0;
	uint32_t data_in_flight = RTE_MIN(tcp_flight(c), c->sndq.bytes);
	uint32_t len;

	if (avail && c->snd_wnd > off) {
		len = RTE_MIN(RTE_MIN(avail, room), c->snd_wnd - off);
		send_segment(w, c, c->snd_nxt, RTE_TCP_ACK_FLAG | RTE_TCP_PSH_FLAG, len);
		c->snd_nxt += len;
		c->snd_max = tcp_seq_max(c->snd_max, c->snd_nxt);
		return true;
	}
	if (data_in_flight == 0 || c->snd_nxt != c->snd_max || (c->flags & TCPF_FIN_SENT))
		return false;
	len = RTE_MIN(room, data_in_flight);
	counter(w, tcp_retransmits)++;
	c->flags &= (uint16_t)~TCPF_RTT_TIMING; /* Karn */
	send_segment(w, c, c->snd_max - len, RTE_TCP_ACK_FLAG | RTE_TCP_PSH_FLAG, len);
	return true;
}

static bool can_send_fin(const struct tcp_conn *c)
{
	return (c->flags & TCPF_FIN_QUEUED) && !(c->flags & TCPF_FIN_SENT) &&
	       (c->state == TCP_ESTABLISHED || c->state == TCP_CLOSE_WAIT || c->state == TCP_FIN_WAIT_1 ||
		c->state == TCP_CLOSING || c->state == TCP_LAST_ACK);
}

void tcp_output(struct worker *w, struct tcp_conn *c)
{
	bool sent = false;

	if (c->state == TCP_SYN_RECEIVED || c->state == TCP_CLOSED || c->state == TCP_TIME_WAIT) {
		if ((c->flags & TCPF_ACK_NOW) && c->state == TCP_TIME_WAIT)
			tcp_send_ack(w, c);
		c->flags &= (uint16_t)~TCPF_ACK_NOW;
		tcp_timer_update(w, c);
		return;
	}
	for (;;) {
		uint32_t off, avail, window, usable, room, len;
		bool fin, retransmit;
		uint8_t flags = RTE_TCP_ACK_FLAG;

		if (tcp_sack_recovery(c)) {
			/* RFC 6675 5 (C): send while cwnd - pipe >= 1 SMSS; lost holes first. */
			uint32_t pipe = tcp_sack_pipe(c), hole, hole_len;

			room = payload_room(c);
			if (pipe + room > c->cwnd)
				break;
			if (tcp_sack_next_hole(c, room, &hole, &hole_len)) {
				counter(w, tcp_retransmits)++;
				send_segment(w, c, hole, RTE_TCP_ACK_FLAG, hole_len);
				c->high_rxt = hole + hole_len;
				sent = true;
				continue;
			}
		}
		off = c->snd_nxt - c->snd_una;
		avail = off < c->sndq.bytes ? c->sndq.bytes - off : 0;
		/* In SACK recovery pipe, checked above, stands for cwnd; the peer's window still binds. */
		window = tcp_sack_recovery(c) ? c->snd_wnd : RTE_MIN(c->snd_wnd, c->cwnd);
		usable = window > off ? window - off : 0;
		room = payload_room(c);
		len = RTE_MIN(RTE_MIN(avail, usable), send_limit(w, c, room));
		if (len > room && len < avail)
			len -= len % room; /* whole segments: the last runt waits for more data */
		fin = can_send_fin(c) && len == avail;
		retransmit = tcp_seq_lt(c->snd_nxt, c->snd_max);

		if (len == 0 && !fin)
			break;
		/* Sender SWS avoidance (RFC 9293 3.8.6.2.1): no runt while more waits and data is in flight. */
		if (len < room && len < avail && off > 0)
			break;
		if (len && len == avail)
			flags |= RTE_TCP_PSH_FLAG;
		if (fin)
			flags |= RTE_TCP_FIN_FLAG;
		if (retransmit)
			counter(w, tcp_retransmits)++;
		else if (!(c->flags & TCPF_RTT_TIMING) && len) {
			c->flags |= TCPF_RTT_TIMING;
			c->rtt_seq = c->snd_nxt;
			c->rtt_start_us = w->now_us;
		}
		send_segment(w, c, c->snd_nxt, flags, len);
		c->snd_nxt += len + (fin ? 1 : 0);
		c->snd_max = tcp_seq_max(c->snd_max, c->snd_nxt);
		if (fin) {
			c->flags |= TCPF_FIN_SENT;
			if (c->state == TCP_ESTABLISHED)
				c->state = TCP_FIN_WAIT_1;
			else if (c->state == TCP_CLOSE_WAIT)
				c->state = TCP_LAST_ACK;
		}
		/* RFC 8985 7.2: the probe timeout moves with every new transmission. */
		if (!c->t_rexmt || (c->flags & TCPF_TLP_PENDING))
			tcp_rexmt_arm(w, c);
		c->t_persist = 0;
		sent = true;
		if (fin)
			break;
	}
	if (!sent && (c->flags & TCPF_ACK_NOW))
		tcp_send_ack(w, c);
	/* Zero window with data waiting and nothing in flight: probe (RFC 9293 3.8.6.1). */
	if (c->snd_wnd == 0 && c->sndq.bytes > tcp_flight(c) && tcp_flight(c) == 0 && !c->t_persist) {
		c->t_persist = w->now_ms + RTE_MAX((uint32_t)c->rto_ms, (uint32_t)TCP_PERSIST_MIN_MS);
		c->t_rexmt = 0;
	}
	tcp_timer_update(w, c); /* also keeps "in flight => a timer runs" */
}
