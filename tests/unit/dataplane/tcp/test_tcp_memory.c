/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What TCP holds and for how long: pool pressure, closing connections' probe
 * limits and deadlines, send queue bounds and growth, the out-of-order walk
 * limit.
 * One behaviour per case: exact segments in, exact segments out, time moved
 * by hand (tcp_script.h, tcp_test_app.h).
 */
#include "tcp_test_app.h"

/* Under pool pressure: past the high-water mark out-of-order data is refused
 * and the connection's waiting data pruned; at the budget in-order data is
 * refused too; the peer sends it again once memory frees. */
static void test_pool_pressure_refuses_and_prunes(void)
{
	struct peer p = established(false);
	struct tcp_worker *t = tcp_worker_of(harness.w);
	uint32_t high_water = t->mbuf_high_water, budget = t->mbuf_budget;
	struct seg s;

	s = peer_seg(&p, F_ACK);
	s.seq = p.snd_nxt + 10;
	s.len = 100;
	inject(&s); /* an out-of-order segment waits */
	CU_ASSERT_EQUAL(conn_of(&p)->ooo_count, 1);
	t->mbuf_high_water = t->queued_mbufs; /* the worker is now at its high-water mark */
	s = peer_seg(&p, F_ACK);
	s.seq = p.snd_nxt + 1000;
	s.len = 100;
	inject(&s);
	CU_ASSERT_EQUAL(counter(harness.w, drop_tcp_ooo_pressure), 1);
	CU_ASSERT_EQUAL(counter(harness.w, tcp_ooo_pruned), 1);
	CU_ASSERT_EQUAL(conn_of(&p)->ooo_count, 0);
	CU_ASSERT_EQUAL(t->queued_mbufs, 0);
	peer_send(&p, F_ACK, "in order", 8); /* below the budget: taken */
	CU_ASSERT_EQUAL(tcp_readable_bytes(conn_of(&p)), 8);
	t->mbuf_budget = t->queued_mbufs;
	s = peer_seg(&p, F_ACK);
	memcpy(s.payload, "refused", 7);
	s.len = 7;
	inject(&s);
	CU_ASSERT_EQUAL(tcp_readable_bytes(conn_of(&p)), 8);
	CU_ASSERT_EQUAL(counter(harness.w, drop_tcp_rcv_pressure), 1);
	t->mbuf_high_water = high_water;
	t->mbuf_budget = budget;
	peer_send(&p, F_ACK, "refused", 7); /* memory back: the retransmission is taken */
	CU_ASSERT_EQUAL(tcp_readable_bytes(conn_of(&p)), 15);
}

/* After our shutdown, a peer that keeps its window shut and answers every
 * probe cannot keep the connection: it is reset after TCP_ORPHAN_PROBES
 * probes, before the close deadline. Its zero-window answers are not
 * duplicate ACKs either: no fast retransmit. */
static void test_closing_connection_probe_limit(void)
{
	struct peer p = established(true);
	struct tcp_conn *c = conn_of(&p);
	struct seg out;
	uint64_t start;
	bool reset_sent = false;
	unsigned int probes = 0;

	p.win = 0;
	peer_send(&p, F_ACK, NULL, 0);
	CU_ASSERT_EQUAL(tcp_write(harness.w, c, "goodbye", 7), 7);
	tcp_shutdown(harness.w, c);
	start = harness.w->now_ms;
	while (harness.w->now_ms - start < 3 * TCP_CLOSE_TIMEOUT_MS && !app.timed_out) {
		clock_advance_ms(100);
		while (take(&out) == 0) {
			if (out.flags & F_RST) {
				reset_sent = true;
				break;
			}
			CU_ASSERT(out.len <= 1); /* probes only: nothing sent into the shut window */
			probes++;
			peer_send(&p, F_ACK, NULL, 0); /* the window is still shut */
		}
	}
	CU_ASSERT_EQUAL(app.timed_out, 1);
	CU_ASSERT_TRUE(reset_sent);
	CU_ASSERT(harness.w->now_ms - start < TCP_CLOSE_TIMEOUT_MS);
	CU_ASSERT_EQUAL(probes, TCP_ORPHAN_PROBES);
	CU_ASSERT_EQUAL(tcp_flow_count(harness.w), 0);
	CU_ASSERT_EQUAL(counter(harness.w, tcp_close_timeouts), 1);
	CU_ASSERT_EQUAL(counter(harness.w, tcp_fast_retransmits), 0);
}

/* After our shutdown, a peer that never acknowledges our FIN (nor anything)
 * is reset at the close deadline, long before the retransmissions give up. */
static void test_closing_connection_has_a_deadline(void)
{
	struct peer p = established(true);
	struct seg out;
	uint64_t start;

	tcp_shutdown(harness.w, conn_of(&p));
	CU_ASSERT_EQUAL_FATAL(expect(&out, F_ACK | F_FIN, p.rcv_nxt, p.snd_nxt), 0);
	start = harness.w->now_ms;
	while (harness.w->now_ms - start < 10 * TCP_CLOSE_TIMEOUT_MS && !app.timed_out) {
		clock_advance_ms(100);
		while (take(&out) == 0)
			; /* retransmitted FINs, then the RST: the peer answers nothing */
	}
	CU_ASSERT_EQUAL(app.timed_out, 1);
	CU_ASSERT(harness.w->now_ms - start >= TCP_CLOSE_TIMEOUT_MS);
	CU_ASSERT(harness.w->now_ms - start <= TCP_CLOSE_TIMEOUT_MS + 200);
	CU_ASSERT_EQUAL(counter(harness.w, tcp_close_timeouts), 1);
	CU_ASSERT_EQUAL(tcp_flow_count(harness.w), 0);
}

/* A send queue fed one-byte mbufs (the echo service's case) holds them in few
 * mbufs; past the worker's hard limit it takes nothing more. */
static void test_send_queue_collapses_and_is_bounded(void)
{
	struct peer p = established(true);
	struct tcp_conn *c = conn_of(&p);
	struct tcp_worker *t = tcp_worker_of(harness.w);
	uint32_t hard_limit = t->mbuf_hard_limit;

	p.win = 0;
	peer_send(&p, F_ACK, NULL, 0); /* nothing leaves: everything stays queued */
	for (int i = 0; i < 300; i++) {
		struct rte_mbuf *m = rte_pktmbuf_alloc(harness.pool);

		*(char *)rte_pktmbuf_append(m, 1) = 'e';
		CU_ASSERT_EQUAL_FATAL(tcp_write_mbuf(harness.w, c, m), 0);
	}
	CU_ASSERT_EQUAL(c->sndq.bytes, 300);
	CU_ASSERT(c->sndq.segments <= 2);
	t->mbuf_hard_limit = t->queued_mbufs;
	/* Only the room left in the tail mbuf: no new mbuf. */
	CU_ASSERT_EQUAL(tcp_send_space(harness.w, c), (uint32_t)rte_pktmbuf_tailroom(c->sndq.tail));
	{
		struct rte_mbuf *big = rte_pktmbuf_alloc(harness.pool);

		memset(rte_pktmbuf_append(big, 1500), 'b', 1500);
		CU_ASSERT_EQUAL(tcp_write_mbuf(harness.w, c, big), -1);
		rte_pktmbuf_free(big);
	}
	t->mbuf_hard_limit = hard_limit;
	CU_ASSERT(tcp_send_space(harness.w, c) > (uint32_t)rte_pktmbuf_tailroom(c->sndq.tail));
}

/*
 * A send queue starts at limits.tcp_send_queue_bytes and grows with the
 * congestion window (to twice it) while the peer keeps acknowledging, up to
 * limits.tcp_send_queue_max_bytes; past the worker's high-water mark every
 * queue is back to its starting cap, and a loss (cwnd halved) does not
 * shrink it.
 */
static void test_send_queue_grows_with_cwnd_to_its_max(void)
{
	struct peer p = established(true);
	struct tcp_conn *c = conn_of(&p);
	struct tcp_worker *t = tcp_worker_of(harness.w);
	struct config_limits saved = harness.config.limits;
	uint32_t high_water = t->mbuf_high_water, most_queued = 0;
	uint64_t grown_before = counter(harness.w, tcp_send_queue_grown);
	static const uint8_t data[1024];
	struct seg out;

	harness.config.limits.tcp_send_queue_bytes = 16384;
	harness.config.limits.tcp_send_queue_max_bytes = 65536;
	CU_ASSERT_EQUAL(tcp_memory_snd_cap(harness.w, c), 16384);
	/* The application always has more; the peer acknowledges every segment. */
	for (int i = 0; i < 3000; i++) {
		while (tcp_write(harness.w, c, data, sizeof(data)) > 0)
			;
		if (c->sndq.bytes > most_queued)
			most_queued = c->sndq.bytes;
		if (take(&out) != 0)
			break;
		p.rcv_nxt = out.seq + out.len;
		peer_send(&p, F_ACK, NULL, 0);
	}
	CU_ASSERT(c->cwnd >= 32768);
	CU_ASSERT_EQUAL(tcp_memory_snd_cap(harness.w, c), 65536);
	CU_ASSERT(most_queued > 16384);
	CU_ASSERT(most_queued <= 65536);
	CU_ASSERT_EQUAL(counter(harness.w, tcp_send_queue_grown) - grown_before, 1); /* once per connection */
	/* A loss halves cwnd; the queue keeps what it grew to. */
	c->cwnd /= 2;
	CU_ASSERT_EQUAL(tcp_memory_snd_cap(harness.w, c), 65536);
	/* Memory pressure: back to the start, for every connection. */
	t->mbuf_high_water = t->queued_mbufs;
	CU_ASSERT_EQUAL(tcp_memory_snd_cap(harness.w, c), 16384);
	CU_ASSERT_EQUAL(tcp_send_space(harness.w, c), 0);
	t->mbuf_high_water = high_water;
	harness.config.limits = saved;
}

/*
 * A grown window's loss: after a one-segment hole, the rest of the window
 * (1,000 segments, far more than an insertion may walk) arrives in order and
 * is all kept, each going to the tail at once; the SACK blocks report it
 * whole. A hostile order (one segment far ahead first, then the rest in
 * order behind it) makes every insertion walk from the head: past
 * TCP_OOO_WALK_MAX_SEGMENTS segments they are dropped (counted), not walked,
 * and the stream still completes once the peer sends them again.
 */
static void test_out_of_order_window_beyond_the_walk_limit(void)
{
	enum { SEGMENTS = 1000, LEN = 1400 };
	struct tcp_worker *t = tcp_worker_of(harness.w);
	struct config_limits saved = harness.config.limits;
	uint32_t high_water = t->mbuf_high_water, budget = t->mbuf_budget, hard = t->mbuf_hard_limit, base, total = 0, n;
	static uint8_t payload[LEN], sink[64 * 1024];
	struct peer p;
	struct seg s, out, last = { 0 };
	struct tcp_conn *c;

	harness.config.limits.tcp_recv_queue_bytes = 2 * 1024 * 1024;
	harness.config.limits.tcp_recv_queue_max_bytes = 2 * 1024 * 1024;
	t->mbuf_high_water = t->mbuf_budget = t->mbuf_hard_limit = UINT32_MAX / 2; /* the pool is not what this tests */
	p = established(true);
	c = conn_of(&p);
	base = p.snd_nxt;
	for (uint32_t i = 1; i <= SEGMENTS; i++) {
		s = peer_seg(&p, F_ACK), s.seq = base + i * LEN, s.len = LEN;
		memcpy(s.payload, payload, LEN);
		inject(&s);
		while (take(&out) == 0)
			last = out;
	}
	CU_ASSERT_EQUAL(c->ooo_count, SEGMENTS);
	CU_ASSERT_EQUAL(counter(harness.w, drop_tcp_ooo_full), 0);
	CU_ASSERT_TRUE(ooo_consistent(c));
	CU_ASSERT_EQUAL(last.ack, base); /* a duplicate ACK */
	CU_ASSERT_TRUE(last.opts.sack_count >= 1);
	CU_ASSERT_EQUAL(last.opts.sack[0][0], base + LEN); /* the whole run, though no walk reaches its end */
	CU_ASSERT_EQUAL(last.opts.sack[0][1], base + (SEGMENTS + 1) * LEN);
	s = peer_seg(&p, F_ACK), s.seq = base, s.len = LEN; /* the hole fills */
	inject(&s);
	while ((n = tcp_read(harness.w, c, sink, sizeof(sink))) > 0)
		total += n;
	CU_ASSERT_EQUAL(total, (SEGMENTS + 1) * LEN);
	CU_ASSERT_EQUAL(c->ooo_count, 0);

	/* Hostile order: the far end first, then everything behind it in order. */
	p = established(true);
	c = conn_of(&p);
	base = p.snd_nxt;
	s = peer_seg(&p, F_ACK), s.seq = base + LEN, s.len = LEN; /* its duplicate ACK offers the whole window */
	inject(&s);
	while (take(&out) == 0)
		;
	s = peer_seg(&p, F_ACK), s.seq = base + SEGMENTS * LEN, s.len = LEN;
	inject(&s);
	for (uint32_t i = 2; i < SEGMENTS; i++) {
		s = peer_seg(&p, F_ACK), s.seq = base + i * LEN, s.len = LEN;
		inject(&s);
		while (take(&out) == 0)
			;
	}
	/* Kept: the far one, and those whose place is at most TCP_OOO_WALK_MAX_SEGMENTS in. */
	CU_ASSERT_EQUAL(c->ooo_count, 1 + TCP_OOO_WALK_MAX_SEGMENTS + 1);
	CU_ASSERT_EQUAL(counter(harness.w, drop_tcp_ooo_full), SEGMENTS - 2 - TCP_OOO_WALK_MAX_SEGMENTS);
	CU_ASSERT_TRUE(ooo_consistent(c));
	/* The hole fills; the peer sends again what was dropped, in order, and the stream completes. */
	total = 0;
	for (uint32_t i = 0; i <= SEGMENTS; i++) {
		s = peer_seg(&p, F_ACK), s.seq = base + i * LEN, s.len = LEN;
		inject(&s);
		while ((n = tcp_read(harness.w, c, sink, sizeof(sink))) > 0)
			total += n;
	}
	CU_ASSERT_EQUAL(total, (SEGMENTS + 1) * LEN);
	CU_ASSERT_EQUAL(c->ooo_count, 0);
	t->mbuf_high_water = high_water, t->mbuf_budget = budget, t->mbuf_hard_limit = hard;
	harness.config.limits = saved;
}

int main(void)
{
	static const struct harness_test tests[] = {
		{ "under pool pressure: out-of-order refused and pruned, then in-order refused",
		  test_pool_pressure_refuses_and_prunes },
		{ "a closing connection held by a shut window is reset after its probe limit",
		  test_closing_connection_probe_limit },
		{ "a closing connection whose FIN is never acknowledged is reset at the close deadline",
		  test_closing_connection_has_a_deadline },
		{ "a send queue of one-byte mbufs collapses, and takes nothing past the hard limit",
		  test_send_queue_collapses_and_is_bounded },
		{ "after a hole, a grown window's rest is kept whole; a hostile order is dropped past the walk limit",
		  test_out_of_order_window_beyond_the_walk_limit },
		{ "a send queue grows with cwnd to limits.tcp_send_queue_max_bytes, back to its start under pressure",
		  test_send_queue_grows_with_cwnd_to_its_max },
	};

	return tcp_test_run("tcp_memory", tests, sizeof(tests) / sizeof(tests[0]));
}
