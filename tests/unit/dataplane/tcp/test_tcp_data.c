/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP data: in-order and out-of-order delivery, ACK pacing, MSS-sized
 * writes, windows, reassembly, the echo service, handover between workers.
 * One behaviour per case: exact segments in, exact segments out, time moved
 * by hand (tcp_script.h, tcp_test_app.h).
 */
#include "tcp_test_app.h"

/* ---- data ---- */

static void test_data_in_order_with_delayed_ack(void)
{
	struct peer p;
	struct seg out;
	char buf[64];

	fresh();
	p = new_peer(4, true);
	handshake(&p, 7);
	peer_send(&p, F_ACK | F_PSH, "hello", 5);
	CU_ASSERT_EQUAL(app.readable, 1);
	CU_ASSERT_EQUAL(tcp_readable_bytes(conn_of(&p)), 5);
	CU_ASSERT_EQUAL(harness_pending(EXT), 0); /* one segment: the ACK waits */
	clock_advance_ms(TCP_DELACK_MS - 1);
	CU_ASSERT_EQUAL(harness_pending(EXT), 0);
	clock_advance_ms(1);
	CU_ASSERT_EQUAL_FATAL(take(&out), 0);
	CU_ASSERT_EQUAL(out.flags, F_ACK);
	CU_ASSERT_EQUAL(out.ack, p.snd_nxt);
	CU_ASSERT_EQUAL(tcp_read(harness.w, conn_of(&p), buf, sizeof(buf)), 5);
	CU_ASSERT(memcmp(buf, "hello", 5) == 0);
}

/* Segments that arrive in one receive batch (one loop iteration), without ending it. */
static void inject_in_batch(const struct seg *s)
{
	uint8_t f[2200];
	struct rte_mbuf *m = rte_pktmbuf_alloc(harness.pool);
	uint16_t len = (uint16_t)build_frame(f, s);

	memcpy(rte_pktmbuf_append(m, len), f, len);
	eth_input(harness.w, &ifaces[EXT], m);
}

/* Frames sent so far, without ending the batch (harness_pending ends it). */
static unsigned int sent_in_batch(void)
{
	return harness.w->tx_buffer[EXT]->length + rte_ring_count(harness.tx_ring[EXT]);
}

/*
 * A batch of in-order segments (as one RX burst brings them) is answered by
 * one ACK at its end, and the layer above hears once; an out-of-order segment
 * in a batch is still answered at once (a duplicate ACK), and data in the
 * batch goes up before the FIN that follows it in the same batch.
 */
static void test_receive_batch_acks_once(void)
{
	struct peer p;
	struct seg out, s;

	fresh();
	p = new_peer(4, true);
	handshake(&p, 7);
	for (int i = 0; i < 8; i++) {
		s = peer_seg(&p, F_ACK);
		memcpy(s.payload, "0123456789", 10);
		s.len = 10;
		inject_in_batch(&s);
		p.snd_nxt += 10;
	}
	CU_ASSERT_EQUAL(sent_in_batch(), 0); /* nothing before the batch ends */
	CU_ASSERT_EQUAL(app.readable, 0);
	tcp_input_batch_end(harness.w);
	CU_ASSERT_EQUAL(app.readable, 1);
	CU_ASSERT_EQUAL(tcp_readable_bytes(conn_of(&p)), 80);
	CU_ASSERT_EQUAL_FATAL(take(&out), 0);
	CU_ASSERT_EQUAL(out.flags, F_ACK);
	CU_ASSERT_EQUAL(out.ack, p.snd_nxt);
	CU_ASSERT_EQUAL(take(&out), -1); /* one ACK for eight segments */

	/* Out of order inside a batch: its duplicate ACK does not wait. */
	s = peer_seg(&p, F_ACK);
	s.seq = p.snd_nxt + 100;
	s.len = 10;
	inject_in_batch(&s);
	CU_ASSERT_EQUAL(sent_in_batch(), 1);
	tcp_input_batch_end(harness.w);
	CU_ASSERT_EQUAL_FATAL(take(&out), 0);
	CU_ASSERT_EQUAL(out.ack, p.snd_nxt);

	/* Data, then a FIN, in one batch (another connection: this one has a hole): the data goes up first. */
	struct peer q = new_peer(4, true);

	q.sport = (uint16_t)(p.sport + 1);
	app.accepted = 0;
	handshake(&q, 7);
	app.readable = 0;
	s = peer_seg(&q, F_ACK);
	memcpy(s.payload, "last", 4);
	s.len = 4;
	inject_in_batch(&s);
	q.snd_nxt += 4;
	CU_ASSERT_EQUAL(app.readable, 0);
	s = peer_seg(&q, F_ACK | F_FIN);
	inject_in_batch(&s);
	q.snd_nxt += 1;
	CU_ASSERT_EQUAL(app.readable, 1);
	CU_ASSERT_EQUAL(app.peer_fin, 1);
	tcp_input_batch_end(harness.w);
	CU_ASSERT_EQUAL(tcp_readable_bytes(conn_of(&q)), 4);
}

static void test_second_segment_acked_at_once(void)
{
	struct peer p;
	struct seg out;

	fresh();
	p = new_peer(4, true);
	handshake(&p, 7);
	peer_send(&p, F_ACK, "aaaa", 4);
	CU_ASSERT_EQUAL(harness_pending(EXT), 0);
	peer_send(&p, F_ACK, "bbbb", 4);
	CU_ASSERT_EQUAL_FATAL(take(&out), 0);
	CU_ASSERT_EQUAL(out.ack, p.snd_nxt);
	CU_ASSERT_EQUAL(harness_pending(EXT), 0);
}

static void test_out_of_order_then_fill(void)
{
	struct peer p;
	struct seg out, s;
	char buf[16];

	fresh();
	p = new_peer(4, true);
	handshake(&p, 7);
	/* Bytes 4..7 arrive before 0..3. */
	s = peer_seg(&p, F_ACK);
	s.seq = p.snd_nxt + 4;
	memcpy(s.payload, "5678", 4);
	s.len = 4;
	inject(&s);
	CU_ASSERT_EQUAL_FATAL(take(&out), 0); /* a duplicate ACK at once, with SACK */
	CU_ASSERT_EQUAL(out.ack, p.snd_nxt);
	CU_ASSERT_EQUAL(out.opts.sack_count, 1);
	CU_ASSERT_EQUAL(out.opts.sack[0][0], p.snd_nxt + 4);
	CU_ASSERT_EQUAL(out.opts.sack[0][1], p.snd_nxt + 8);
	CU_ASSERT_EQUAL(app.readable, 0);
	peer_send(&p, F_ACK, "1234", 4);
	p.snd_nxt += 4;
	CU_ASSERT_EQUAL_FATAL(take(&out), 0); /* the hole filled: ACK at once, no SACK left */
	CU_ASSERT_EQUAL(out.ack, p.snd_nxt);
	CU_ASSERT_EQUAL(out.opts.sack_count, 0);
	CU_ASSERT_EQUAL(tcp_read(harness.w, conn_of(&p), buf, sizeof(buf)), 8);
	CU_ASSERT(memcmp(buf, "12345678", 8) == 0);
}

static void test_overlapping_and_duplicate_data(void)
{
	struct peer p;
	struct seg s;
	char buf[32];
	uint32_t base;

	fresh();
	p = new_peer(4, true);
	handshake(&p, 7);
	base = p.snd_nxt;
	/* 4..11, then 2..9 (overlaps both sides of nothing yet), then 0..5, then 0..11 again. */
	s = peer_seg(&p, F_ACK);
	s.seq = base + 4, memcpy(s.payload, "EFGHIJKL", 8), s.len = 8;
	inject(&s);
	s = peer_seg(&p, F_ACK);
	s.seq = base + 2, memcpy(s.payload, "CDEFGHIJ", 8), s.len = 8;
	inject(&s);
	s = peer_seg(&p, F_ACK);
	s.seq = base, memcpy(s.payload, "ABCDEF", 6), s.len = 6;
	inject(&s);
	s = peer_seg(&p, F_ACK);
	s.seq = base, memcpy(s.payload, "ABCDEFGHIJKL", 12), s.len = 12;
	inject(&s);
	CU_ASSERT_EQUAL(tcp_readable_bytes(conn_of(&p)), 12);
	CU_ASSERT_EQUAL(tcp_read(harness.w, conn_of(&p), buf, sizeof(buf)), 12);
	CU_ASSERT(memcmp(buf, "ABCDEFGHIJKL", 12) == 0);
	CU_ASSERT_EQUAL(conn_of(&p)->rcv_nxt, base + 12);
	CU_ASSERT_EQUAL(conn_of(&p)->ooo_count, 0);
}

static void test_write_sends_mss_segments(void)
{
	struct peer p;
	struct seg out;
	static uint8_t data[4000];

	fresh();
	for (unsigned int i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)i;
	p = new_peer(4, true);
	handshake(&p, 7);
	CU_ASSERT_EQUAL(tcp_write(harness.w, conn_of(&p), data, sizeof(data)), sizeof(data));
	CU_ASSERT_EQUAL_FATAL(take(&out), 0);
	CU_ASSERT_EQUAL(out.seq, p.rcv_nxt);
	CU_ASSERT_EQUAL(out.len, 1448); /* MSS 1460 less 12 bytes of timestamps (RFC 6691) */
	CU_ASSERT(memcmp(out.payload, data, 1448) == 0);
	CU_ASSERT_TRUE(out.checksum_ok);
	CU_ASSERT_EQUAL_FATAL(take(&out), 0);
	CU_ASSERT_EQUAL(out.seq, p.rcv_nxt + 1448);
	CU_ASSERT_EQUAL(out.len, 1448);
	CU_ASSERT_EQUAL_FATAL(take(&out), 0);
	CU_ASSERT_EQUAL(out.len, 4000 - 2 * 1448);
	CU_ASSERT(out.flags & F_PSH);
	CU_ASSERT(memcmp(out.payload, data + 2896, out.len) == 0);
	CU_ASSERT_EQUAL(harness_pending(EXT), 0);
}

/* ---- windows ---- */

static void test_peer_window_is_scaled(void)
{
	struct peer p = established(true);

	p.win = 100;
	peer_send(&p, F_ACK, NULL, 0);
	CU_ASSERT_EQUAL(conn_of(&p)->snd_wnd, 100u << 7);
}

static void test_zero_window_probe_and_back_off(void)
{
	struct peer p = established(true);
	struct tcp_conn *c = conn_of(&p);
	struct seg out;
	uint64_t first;

	p.win = 0;
	peer_send(&p, F_ACK, NULL, 0);
	CU_ASSERT_EQUAL(c->snd_wnd, 0);
	CU_ASSERT_EQUAL(tcp_write(harness.w, c, "waiting", 7), 7);
	CU_ASSERT_EQUAL(harness_pending(EXT), 0); /* the window is shut */
	first = c->t_persist - harness.w->now_ms;
	CU_ASSERT(first >= TCP_PERSIST_MIN_MS);
	clock_advance_ms(first);
	CU_ASSERT_EQUAL_FATAL(expect(&out, F_ACK, p.rcv_nxt, p.snd_nxt), 0);
	CU_ASSERT_EQUAL(out.len, 1); /* one byte beyond the window */
	CU_ASSERT_EQUAL(out.payload[0], 'w');
	CU_ASSERT(c->t_persist - harness.w->now_ms > first); /* backed off */
	clock_advance_ms(c->t_persist - harness.w->now_ms);
	CU_ASSERT_EQUAL_FATAL(expect(&out, F_ACK, p.rcv_nxt, p.snd_nxt), 0);
	CU_ASSERT_EQUAL(counter(harness.w, tcp_persist_probes), 2);
	/* The window opens: the rest goes. */
	p.win = 100;
	peer_send(&p, F_ACK, NULL, 0);
	CU_ASSERT_EQUAL_FATAL(take(&out), 0);
	CU_ASSERT_EQUAL(out.seq, p.rcv_nxt + 1);
	CU_ASSERT_EQUAL(out.len, 6);
	CU_ASSERT(memcmp(out.payload, "aiting", 6) == 0);
}

/* The first attack of the hostile-peers issue: one-byte segments beyond a
 * one-byte gap. Each arrived in its own ~2 KiB mbuf; collapsed, 256 of them
 * take one, and the data is whole when the gap fills. */
static void test_tiny_out_of_order_segments_collapse(void)
{
	struct peer p = established(false);
	struct seg s;
	char buf[300];

	for (uint32_t i = 0; i < 256; i++) {
		s = peer_seg(&p, F_ACK);
		s.seq = p.snd_nxt + 1 + i;
		s.payload[0] = (uint8_t)('a' + i % 26);
		s.len = 1;
		inject(&s);
	}
	CU_ASSERT(tcp_worker_of(harness.w)->queued_mbufs <= 2);
	CU_ASSERT_EQUAL(counter(harness.w, drop_tcp_ooo_full), 0);
	peer_send(&p, F_ACK, "A", 1);
	CU_ASSERT_EQUAL_FATAL(tcp_read(harness.w, conn_of(&p), buf, sizeof(buf)), 257);
	CU_ASSERT_EQUAL(buf[0], 'A');
	CU_ASSERT_EQUAL(buf[1], 'a');
	CU_ASSERT_EQUAL(buf[256], (char)('a' + 255 % 26));
}

/* tcp_peek copies and leaves the bytes; tcp_consume takes them (the echo
 * service peeks, and consumes only what its send queue accepted). */
static void test_peek_leaves_bytes_and_consume_takes_them(void)
{
	struct peer p = established(false);
	char buf[16];

	peer_send(&p, F_ACK, "abcdef", 6);
	CU_ASSERT_EQUAL(tcp_peek(conn_of(&p), buf, 4), 4);
	CU_ASSERT(memcmp(buf, "abcd", 4) == 0);
	CU_ASSERT_EQUAL(tcp_readable_bytes(conn_of(&p)), 6);
	tcp_consume(harness.w, conn_of(&p), 2);
	CU_ASSERT_EQUAL(tcp_readable_bytes(conn_of(&p)), 4);
	tcp_consume(harness.w, conn_of(&p), 100); /* more than waits: only what waits */
	CU_ASSERT_EQUAL(tcp_readable_bytes(conn_of(&p)), 0);
	CU_ASSERT_EQUAL(tcp_peek(conn_of(&p), buf, sizeof(buf)), 0);
}

/* A small segment that continues a waiting one, while another waits beyond a
 * second hole: its bytes go to the end of the one it continues. (They once went
 * to the end of the last waiting segment, because the list is linked through
 * m->next and rte_pktmbuf_append follows it: CI saw one echo in 2,000 with 36
 * bytes from 3 KiB earlier.) */
static void test_small_segment_collapses_into_its_neighbour_not_the_last(void)
{
	struct peer p = established(false);
	uint32_t base = p.snd_nxt;
	struct seg s;
	char buf[32];

	s = peer_seg(&p, F_ACK), s.seq = base + 1, memcpy(s.payload, "BCDE", 4), s.len = 4;
	inject(&s);
	s = peer_seg(&p, F_ACK), s.seq = base + 10, memcpy(s.payload, "KLMN", 4), s.len = 4;
	inject(&s);
	s = peer_seg(&p, F_ACK), s.seq = base + 5, memcpy(s.payload, "FG", 2), s.len = 2;
	inject(&s);
	CU_ASSERT_EQUAL(conn_of(&p)->ooo_count, 2);
	s = peer_seg(&p, F_ACK), s.seq = base + 7, memcpy(s.payload, "HIJ", 3), s.len = 3;
	inject(&s);
	peer_send(&p, F_ACK, "A", 1);
	CU_ASSERT_EQUAL(conn_of(&p)->rcv_nxt, base + 14);
	CU_ASSERT_EQUAL_FATAL(tcp_read(harness.w, conn_of(&p), buf, sizeof(buf)), 14);
	CU_ASSERT(memcmp(buf, "ABCDEFGHIJKLMN", 14) == 0);
}

/*
 * Reassembly against a model: a 6,000-byte stream cut into segments of 1 to
 * 700 bytes at random offsets (overlapping, duplicated, tiny and large), sent
 * in random order, then every byte once more in order so the stream completes.
 * What is read must be the stream, whatever collapsed or merged on the way.
 */
static void test_random_overlapping_segments_reassemble_exactly(void)
{
	enum { STREAM = 6000, ROUNDS = 60, SEGMENTS = 40 };
	static uint8_t stream[STREAM], got[STREAM + 1];
	uint32_t rng = 12345;

	for (int round = 0; round < ROUNDS; round++) {
		struct peer p = established(round % 2);
		uint32_t base = p.snd_nxt, total = 0, n;
		struct seg s;

		for (uint32_t i = 0; i < STREAM; i++)
			stream[i] = (uint8_t)((rng = rng * 1103515245u + 12345u) >> 16);
		for (int k = 0; k < SEGMENTS; k++) {
			uint32_t off = (rng = rng * 1103515245u + 12345u) >> 8;
			uint32_t len = 1 + ((rng = rng * 1103515245u + 12345u) >> 8) % (k % 3 ? 40 : 700);

			off = 1 + off % (STREAM - 1); /* never byte 0: the data waits */
			len = RTE_MIN(len, STREAM - off);
			s = peer_seg(&p, F_ACK), s.seq = base + off, s.len = len;
			memcpy(s.payload, stream + off, len);
			inject(&s);
			CU_ASSERT_TRUE(ooo_consistent(conn_of(&p)));
		}
		while (harness_pending(EXT))
			take(&s);
		for (uint32_t off = 0; off < STREAM; off += 1000) {
			s = peer_seg(&p, F_ACK), s.seq = base + off, s.len = 1000;
			memcpy(s.payload, stream + off, 1000);
			inject(&s);
			while ((n = tcp_read(harness.w, conn_of(&p), got + total, STREAM + 1 - total)) > 0)
				total += n;
		}
		CU_ASSERT_EQUAL(total, STREAM);
		CU_ASSERT_EQUAL(conn_of(&p)->ooo_count, 0);
		if (total != STREAM || memcmp(got, stream, STREAM) != 0) {
			CU_FAIL("the stream read differs from the stream sent");
			break;
		}
	}
}

/* In-order one-byte segments the layer above does not read yet: the receive
 * queue holds them in few mbufs, not one each. */
static void test_tiny_in_order_segments_collapse(void)
{
	struct peer p = established(false);

	for (int i = 0; i < 300; i++)
		peer_send(&p, F_ACK, "z", 1);
	CU_ASSERT_EQUAL(tcp_readable_bytes(conn_of(&p)), 300);
	CU_ASSERT(conn_of(&p)->rcvq.segments <= 2);
}

/*
 * A connection for window_rounds: its peer's RTT 10 ms (srtt, which stands in
 * where no timestamps are echoed), the layer above taking all data or none;
 * *edge is the right edge of the SYN-ACK's window.
 */
static struct peer window_peer(bool ts, bool drain, uint32_t *edge)
{
	struct peer p = established(ts);

	conn_of(&p)->srtt_us = 10000;
	app.drain = drain;
	*edge = p.snd_nxt + RTE_MIN(harness.config.limits.tcp_recv_queue_bytes, 0xffffu);
	return p;
}

/*
 * RTTs of 10 ms in which the peer sends all the window lets it (or that many
 * sixteenths of it) in one receive batch, echoing the TSval of the ACK it
 * had; *edge follows the right edge of the window the appliance advertised.
 */
static void window_rounds(struct peer *p, uint32_t *edge, int rounds, uint32_t fraction_of_16)
{
	static const uint8_t chunk[1400];
	struct tcp_conn *c = conn_of(p);
	struct seg s, out;

	for (int round = 0; round < rounds; round++) {
		uint32_t budget = (uint32_t)(((uint64_t)(*edge - p->snd_nxt) * fraction_of_16) / 16);

		clock_set_ms(harness.w->now_ms + 10);
		while (budget >= sizeof(chunk)) {
			s = peer_seg(p, F_ACK);
			memcpy(s.payload, chunk, sizeof(chunk));
			s.len = sizeof(chunk);
			inject_in_batch(&s);
			p->snd_nxt += sizeof(chunk);
			budget -= (uint32_t)sizeof(chunk);
		}
		tcp_input_batch_end(harness.w); /* two segments or more: the batch's ACK goes now */
		while (take(&out) == 0) {
			*edge = out.ack + ((uint32_t)out.win << c->rcv_wscale);
			if (out.opts.has_ts)
				p->last_tsval_seen = out.opts.tsval; /* echoed by the next round's data: one RTT */
			CU_ASSERT_EQUAL(out.ack, p->snd_nxt); /* everything sent inside the window was taken */
		}
	}
}

/*
 * A receive window starts at limits.tcp_recv_queue_bytes and grows while the
 * peer fills it and the layer above takes the data: once per RTT, to twice
 * what was taken in that RTT, up to limits.tcp_recv_queue_max_bytes (the
 * window scale sent at the SYN covers the max). A peer that sends a quarter
 * of the window per RTT, or whose data is not read, leaves it where it is;
 * past the worker's high-water mark no window offers more than the start,
 * and an edge already advertised is never taken back.
 */
static void test_receive_window_grows_while_the_peer_fills_it(void)
{
	struct tcp_worker *t = tcp_worker_of(harness.w);
	struct config_limits saved = harness.config.limits;
	uint32_t high_water = t->mbuf_high_water, edge, grain, before;
	struct peer p;
	struct tcp_conn *c;

	harness.config.limits.tcp_recv_queue_bytes = 16384;
	harness.config.limits.tcp_recv_queue_max_bytes = 131072;
	p = window_peer(true, true, &edge);
	c = conn_of(&p);
	grain = 1u << c->rcv_wscale;
	CU_ASSERT(0xffffu << c->rcv_wscale >= 131072); /* chosen at the SYN for the max */
	CU_ASSERT(0x7fffu << c->rcv_wscale < 131072);  /* and no larger than it needs */
	/* Window-bound: it doubles every RTT until the max. */
	window_rounds(&p, &edge, 8, 16);
	CU_ASSERT_EQUAL(tcp_memory_rcv_cap(harness.w, c), 131072);
	CU_ASSERT(edge - p.snd_nxt >= 131072 - grain);
	CU_ASSERT(edge - p.snd_nxt <= 131072);
	CU_ASSERT_EQUAL(counter(harness.w, tcp_recv_window_grown), 1); /* once per connection */
	CU_ASSERT(c->rcv_rtt_us >= 9000 && c->rcv_rtt_us <= 11000); /* the receiver's RTT, from the echoes */

	/* Memory pressure: the cap is back at the start; the edge advertised stays. */
	before = edge;
	t->mbuf_high_water = t->queued_mbufs;
	CU_ASSERT_EQUAL(tcp_memory_rcv_cap(harness.w, c), 16384);
	window_rounds(&p, &edge, 1, 4);
	CU_ASSERT(tcp_seq_geq(edge, before));
	CU_ASSERT_EQUAL(c->rcvq_grown, 131072);
	t->mbuf_high_water = high_water;

	/* A peer bound by its own cwnd (a quarter of the window per RTT): no growth. */
	counter(harness.w, tcp_recv_window_grown) = 0;
	p = window_peer(true, true, &edge);
	c = conn_of(&p);
	window_rounds(&p, &edge, 8, 4);
	CU_ASSERT_EQUAL(tcp_memory_rcv_cap(harness.w, c), 16384);
	CU_ASSERT(edge - p.snd_nxt <= 16384);

	/* Without timestamps the sender's RTT stands in: window-bound, it still grows. */
	p = window_peer(false, true, &edge);
	c = conn_of(&p);
	window_rounds(&p, &edge, 8, 16);
	CU_ASSERT_EQUAL(c->rcv_rtt_us, 0);
	CU_ASSERT_EQUAL(tcp_memory_rcv_cap(harness.w, c), 131072);
	counter(harness.w, tcp_recv_window_grown) = 0;

	/* A reader that stops: the peer fills the window, which closes, and does not grow. */
	p = window_peer(true, false, &edge);
	c = conn_of(&p);
	window_rounds(&p, &edge, 4, 16);
	CU_ASSERT_EQUAL(tcp_memory_rcv_cap(harness.w, c), 16384);
	CU_ASSERT(tcp_readable_bytes(c) >= 16384 - 1400);
	CU_ASSERT(edge - p.snd_nxt < 1400 + grain);
	CU_ASSERT_EQUAL(counter(harness.w, tcp_recv_window_grown), 0);
	harness.config.limits = saved;
}

/*
 * The echo service near the worker's TCP budget: a send queue may then grow
 * only to TCP_MEMORY_MIN_SNDQ_MBUFS mbufs, fewer than a batch of received
 * segments fills though their bytes would fit. The echo takes what fits and
 * the rest when acknowledgements free room; not a byte is lost. (CI saw a
 * 256 MiB echo under 3% loss end 7,828 bytes short: a chain the send queue
 * refused was freed.)
 */

/* A connection to the echo port (tcp_services), established with every option. */
static struct peer echo_peer(void)
{
	struct peer p = new_peer(4, true);
	struct seg s, out;

	p.dport = 7;
	s = syn_of(&p, true, true, true, 7);
	inject(&s);
	p.snd_nxt++;
	CU_ASSERT_EQUAL_FATAL(take(&out), 0);
	CU_ASSERT_EQUAL_FATAL(out.flags, F_SYN | F_ACK);
	p.rcv_nxt = out.seq + 1;
	p.last_tsval_seen = out.opts.tsval;
	peer_send(&p, F_ACK, NULL, 0);
	return p;
}

/* What the echo sent back, taken in order, ACKing whenever nothing waits. */
struct echo_capture {
	uint8_t *got;
	uint32_t size, echoed;
	uint32_t first_flight;   /* bytes echoed before the first acknowledgement */
	uint32_t short_segments; /* segments shorter than full_len, the last one aside */
};

static void collect_echo(struct peer *p, struct echo_capture *e, int rounds, uint32_t full_len)
{
	bool acked = false;
	struct seg out;

	for (int round = 0; round < rounds && e->echoed < e->size; round++) {
		if (take(&out) != 0) {
			acked = true;
			peer_send(p, F_ACK, NULL, 0); /* acknowledgements free room: the echo goes on */
			continue;
		}
		if (out.len && out.seq == p->rcv_nxt && e->echoed + out.len <= e->size) {
			memcpy(e->got + e->echoed, out.payload, out.len);
			e->echoed += out.len;
			p->rcv_nxt += out.len;
			if (!acked)
				e->first_flight += out.len;
			if (out.len < full_len && e->echoed < e->size)
				e->short_segments++;
		}
	}
}

/* Mbufs in the receive queue of the (one) connection to the echo port. */
static uint32_t conn_rcvq_segments(void)
{
	struct tcp_worker *t = tcp_worker_of(harness.w);

	for (uint32_t i = 0; i < t->capacity; i++)
		if (t->conns[i].state == TCP_ESTABLISHED && t->conns[i].key.local_port == rte_cpu_to_be_16(7))
			return t->conns[i].rcvq.segments;
	return 0;
}

static void test_echo_near_the_budget_loses_nothing(void)
{
	struct tcp_worker *t = tcp_worker_of(harness.w);
	uint32_t budget = t->mbuf_budget;
	struct peer p;
	struct seg s;
	uint8_t sent[5 * 1200], got[5 * 1200];
	struct echo_capture echo = { .got = got, .size = sizeof(got) };

	fresh();
	p = echo_peer();
	for (int i = 0; i < 5; i++)
		for (int k = 0; k < 1200; k++)
			sent[i * 1200 + k] = (uint8_t)(i * 31 + k);

	/* Segments of 1,200 bytes, too big to share an mbuf. The first two are
	 * echoed and left unacknowledged: two mbufs in the send queue. The other
	 * three come in one batch; as it ends the worker is at its budget, also
	 * once the echo has taken them off the receive queue: the send queue may
	 * grow by TCP_MEMORY_MIN_SNDQ_MBUFS less the two it holds, while the
	 * bytes would fit. */
	for (int i = 0; i < 5; i++) {
		s = peer_seg(&p, F_ACK);
		memcpy(s.payload, sent + i * 1200, 1200);
		s.len = 1200;
		if (i < 2)
			inject(&s);
		else
			inject_in_batch(&s);
		p.snd_nxt += 1200;
	}
	CU_ASSERT_EQUAL(conn_rcvq_segments(), 3);
	t->mbuf_budget = t->queued_mbufs - 3;
	tcp_input_batch_end(harness.w); /* the echo runs, and must keep what it cannot send yet */
	t->mbuf_budget = budget;
	collect_echo(&p, &echo, 100, 1200);
	if (echo.echoed != sizeof(sent))
		fprintf(stderr, "\n    echoed %u of %zu bytes", echo.echoed, sizeof(sent));
	CU_ASSERT_EQUAL(echo.echoed, sizeof(sent));
	CU_ASSERT(memcmp(got, sent, sizeof(sent)) == 0);
}

/*
 * The echo service when more is readable than its send queue has room for,
 * as once the receive window has grown past the send queue's cap: it moves
 * as many whole received mbufs as fit, full segments out, not one 2 KiB copy
 * per wake-up. (bench-tcp's echo stream fell from 5.6 Gbit/s to 0.77 when
 * the windows began to grow: every wake-up sent 1,448 + 600 bytes.)
 */
static void test_echo_moves_whole_mbufs_when_more_is_readable_than_fits(void)
{
	struct config_limits saved = harness.config.limits;
	enum { SEGS = 20, LEN = 1448, SNDQ = 8192 };
	static uint8_t sent[SEGS * LEN], got[SEGS * LEN];
	struct echo_capture echo = { .got = got, .size = sizeof(got) };
	struct peer p;
	struct seg s;

	fresh();
	harness.config.limits.tcp_send_queue_bytes = SNDQ;
	harness.config.limits.tcp_send_queue_max_bytes = SNDQ;
	p = echo_peer();
	for (uint32_t i = 0; i < sizeof(sent); i++)
		sent[i] = (uint8_t)(i * 7 + 3);
	/* 20 full segments in one batch: 28,960 bytes readable, 8 KiB of send queue. */
	for (int i = 0; i < SEGS; i++) {
		s = peer_seg(&p, F_ACK);
		memcpy(s.payload, sent + i * LEN, LEN);
		s.len = LEN;
		inject_in_batch(&s);
		p.snd_nxt += LEN;
	}
	tcp_input_batch_end(harness.w);
	collect_echo(&p, &echo, 400, LEN);
	/* At once, before any acknowledgement: the whole mbufs that fit in 8 KiB (five). */
	CU_ASSERT(echo.first_flight >= SNDQ - LEN);
	CU_ASSERT_EQUAL(echo.short_segments, 0);
	CU_ASSERT_EQUAL(echo.echoed, sizeof(sent));
	CU_ASSERT(memcmp(got, sent, sizeof(sent)) == 0);
	if (echo.first_flight < SNDQ - LEN || echo.short_segments)
		fprintf(stderr, "\n    first flight %u bytes, %u short segments", echo.first_flight, echo.short_segments);
	harness.config.limits = saved;
}

/* With two workers, a segment landing on the worker that does not own its
 * connection (af_packet's fanout rollover) goes to the next worker through
 * its inbox, and the owner takes it; a segment no worker owns gets its RST
 * from the last one. */
static void test_segment_for_another_worker_is_handed_over(void)
{
	struct peer p = established(true);
	struct worker *other = &workers[1];
	uint16_t port_ids[CONFIG_PORT_COUNT] = { ifaces[0].port_id, ifaces[1].port_id };
	uint8_t frame[2200];
	struct rte_mbuf *m;
	struct seg s, out;
	void *handed = NULL;

	CU_ASSERT_EQUAL_FATAL(worker_init(other, 1, 0, harness.pool, port_ids), 0);
	other->config = &harness.config;
	CU_ASSERT_EQUAL_FATAL(tcp_worker_init(other, &harness.config), 0);
	worker_count = 2;
	/* p's data arrives at worker 1, which has no such connection. */
	s = peer_seg(&p, F_ACK | F_PSH);
	memcpy(s.payload, "elsewhere", 9);
	s.len = 9;
	m = rte_pktmbuf_alloc(harness.pool);
	memcpy(rte_pktmbuf_append(m, (uint16_t)build_frame(frame, &s)), frame, build_frame(frame, &s));
	m->port = ifaces[EXT].port_id;
	eth_input(other, &ifaces[EXT], m);
	CU_ASSERT_EQUAL(counter(other, tcp_segments_handed_over), 1);
	CU_ASSERT_EQUAL_FATAL(rte_ring_dequeue(harness.w->inbox, &handed), 0);
	m = handed;
	tcp_input_handed_over(harness.w, iface_of_port(m->port), m, m->hash.usr >> WORKER_INBOX_HOPS_SHIFT);
	CU_ASSERT_EQUAL(counter(harness.w, tcp_segments_received_from_worker), 1);
	CU_ASSERT_EQUAL(tcp_readable_bytes(conn_of(&p)), 9); /* the owner took it */
	p.snd_nxt += 9;
	/* A segment for no connection at all: handed over once, then the RST. */
	s = peer_seg(&p, F_ACK);
	s.sport = 9;
	m = rte_pktmbuf_alloc(harness.pool);
	memcpy(rte_pktmbuf_append(m, (uint16_t)build_frame(frame, &s)), frame, build_frame(frame, &s));
	m->port = ifaces[EXT].port_id;
	eth_input(other, &ifaces[EXT], m);
	CU_ASSERT_EQUAL_FATAL(rte_ring_dequeue(harness.w->inbox, &handed), 0);
	m = handed;
	while (take(&out) == 0)
		; /* anything p's connection had to send */
	tcp_input_handed_over(harness.w, iface_of_port(m->port), m, m->hash.usr >> WORKER_INBOX_HOPS_SHIFT);
	CU_ASSERT_EQUAL_FATAL(take(&out), 0);
	CU_ASSERT_TRUE(out.flags & F_RST);
	CU_ASSERT_EQUAL(counter(harness.w, drop_tcp_no_connection), 1);
	worker_count = 1;
	tcp_worker_free(other);
	worker_free(other);
}

/* An application-limited sender never fills cwnd: it must not grow (RFC 7661). */
static void test_cwnd_grows_only_when_it_limits(void)
{
	struct peer p = established(true);
	struct tcp_conn *c = conn_of(&p);
	uint32_t initial = c->cwnd;
	struct seg out;

	for (int i = 0; i < 500; i++) {
		CU_ASSERT_EQUAL_FATAL(tcp_write(harness.w, c, "0123456789", 10), 10);
		CU_ASSERT_EQUAL_FATAL(take(&out), 0);
		p.rcv_nxt += out.len;
		peer_send(&p, F_ACK, NULL, 0);
	}
	CU_ASSERT_EQUAL(c->cwnd, initial);
}

static void test_receive_window_closes_and_reopens(void)
{
	struct peer p = established(true);
	struct tcp_conn *c = conn_of(&p);
	struct seg out;
	static uint8_t chunk[1400];
	uint32_t cap = harness.config.limits.tcp_recv_queue_bytes, sent = 0;
	static uint8_t sink[1 << 20];

	while (sent + sizeof(chunk) <= cap) {
		peer_send(&p, F_ACK, chunk, sizeof(chunk));
		sent += sizeof(chunk);
	}
	clock_advance_ms(TCP_DELACK_MS); /* an odd last segment waits for the delayed ACK */
	{
		struct seg last;

		while (take(&out) == 0)
			last = out;
		out = last;
	}
	CU_ASSERT_EQUAL(out.ack, p.snd_nxt);
	CU_ASSERT((uint32_t)out.win << c->rcv_wscale < 2 * sizeof(chunk)); /* nearly shut */
	CU_ASSERT_EQUAL(tcp_read(harness.w, c, sink, sizeof(sink)), sent);
	CU_ASSERT_EQUAL_FATAL(take(&out), 0); /* reading sends a window update */
	CU_ASSERT_EQUAL(out.ack, p.snd_nxt);
	CU_ASSERT((uint32_t)out.win << c->rcv_wscale >= cap - 8);
}

int main(void)
{
	static const struct harness_test tests[] = {
		{ "in-order data, delayed ACK", test_data_in_order_with_delayed_ack },
		{ "the second segment is acknowledged at once", test_second_segment_acked_at_once },
		{ "out-of-order data: SACK, then the hole fills", test_out_of_order_then_fill },
		{ "overlapping and duplicate data", test_overlapping_and_duplicate_data },
		{ "writes go out in MSS-sized segments", test_write_sends_mss_segments },
		{ "the peer's window is scaled", test_peer_window_is_scaled },
		{ "zero window: probes with back-off, then data", test_zero_window_probe_and_back_off },
		{ "our window closes as data waits and reopens on read", test_receive_window_closes_and_reopens },
		{ "256 one-byte segments beyond a gap collapse into one mbuf", test_tiny_out_of_order_segments_collapse },
		{ "tcp_peek leaves the bytes waiting, tcp_consume takes them", test_peek_leaves_bytes_and_consume_takes_them },
		{ "a small segment collapses into the one it continues, not the last one waiting",
		  test_small_segment_collapses_into_its_neighbour_not_the_last },
		{ "random overlapping segments in random order reassemble exactly",
		  test_random_overlapping_segments_reassemble_exactly },
		{ "in-order one-byte segments collapse in the receive queue", test_tiny_in_order_segments_collapse },
		{ "a receive batch of in-order segments: one ACK at its end, one readable; out of order answered at once; data before FIN",
		  test_receive_batch_acks_once },
		{ "a receive window grows while the peer fills it, to limits.tcp_recv_queue_max_bytes; not for a slow peer or reader",
		  test_receive_window_grows_while_the_peer_fills_it },
		{ "cwnd grows only while it limits the sender", test_cwnd_grows_only_when_it_limits },
		{ "the echo service near the TCP budget takes what the send queue can hold and loses nothing",
		  test_echo_near_the_budget_loses_nothing },
		{ "the echo service moves whole mbufs when more is readable than its send queue holds",
		  test_echo_moves_whole_mbufs_when_more_is_readable_than_fits },
		{ "two workers: a segment for the other's connection is handed over; one for none gets RST",
		  test_segment_for_another_worker_is_handed_over },
	};

	return tcp_test_run("tcp_data", tests, sizeof(tests) / sizeof(tests[0]));
}
