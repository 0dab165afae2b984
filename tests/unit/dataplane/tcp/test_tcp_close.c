/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Closing TCP connections: FIN in every state, TIME-WAIT, every mbuf
 * returned, keepalive and abort.
 * One behaviour per case: exact segments in, exact segments out, time moved
 * by hand (tcp_script.h, tcp_test_app.h).
 */
#include "tcp_test_app.h"

/* ---- closing ---- */

static void test_peer_fin_then_our_fin(void)
{
	struct peer p = established(true);
	struct seg out;

	peer_send(&p, F_ACK | F_FIN, NULL, 0);
	CU_ASSERT_EQUAL_FATAL(expect(&out, F_ACK, p.rcv_nxt, p.snd_nxt), 0); /* FIN acked at once */
	CU_ASSERT_EQUAL(app.peer_fin, 1);
	CU_ASSERT_EQUAL(conn_of(&p)->state, TCP_CLOSE_WAIT);
	tcp_shutdown(harness.w, conn_of(&p));
	CU_ASSERT_EQUAL_FATAL(expect(&out, F_ACK | F_FIN, p.rcv_nxt, p.snd_nxt), 0);
	CU_ASSERT_EQUAL(conn_of(&p)->state, TCP_LAST_ACK);
	p.rcv_nxt++;
	peer_send(&p, F_ACK, NULL, 0);
	CU_ASSERT_EQUAL(app.closed, 1);
	CU_ASSERT_EQUAL(tcp_flow_count(harness.w), 0);
	CU_ASSERT_EQUAL(counter(harness.w, tcp_closed), 1);
}

static void test_our_fin_then_peer_fin_time_wait(void)
{
	struct peer p = established(true);
	struct tcp_conn *c = conn_of(&p);
	struct seg out;

	tcp_write(harness.w, c, "bye", 3);
	tcp_shutdown(harness.w, c);
	CU_ASSERT_EQUAL_FATAL(take(&out), 0);
	if (out.flags & F_FIN) {
		CU_ASSERT_EQUAL(out.len, 3); /* data and FIN in one segment */
	} else {
		CU_ASSERT_EQUAL_FATAL(expect(&out, F_ACK | F_FIN, p.rcv_nxt + 3, p.snd_nxt), 0);
	}
	CU_ASSERT_EQUAL(c->state, TCP_FIN_WAIT_1);
	p.rcv_nxt += 4;
	peer_send(&p, F_ACK, NULL, 0);
	CU_ASSERT_EQUAL(c->state, TCP_FIN_WAIT_2);
	peer_send(&p, F_ACK | F_FIN, NULL, 0);
	CU_ASSERT_EQUAL_FATAL(expect(&out, F_ACK, p.rcv_nxt, p.snd_nxt), 0);
	CU_ASSERT_EQUAL(c->state, TCP_TIME_WAIT);
	CU_ASSERT_EQUAL(app.closed, 1);
	clock_advance_ms(2u * TCP_MSL_MS - 1);
	CU_ASSERT_EQUAL(tcp_flow_count(harness.w), 1);
	clock_advance_ms(1);
	CU_ASSERT_EQUAL(tcp_flow_count(harness.w), 0);
}

/* The peer closes (after data we read, or not); the layer above answers with
 * a last message (a TLS alert, say) or not, and its own FIN; the peer then
 * acknowledges, or, gone, resets. Whatever the path, every mbuf comes back
 * to the pool: a RST used to keep its own. */
static int reply_fin_leak(int with_data, int with_reply, int with_rst)
{
	struct peer p;
	struct seg out;
	unsigned int before;
	uint8_t buf[64];

	fresh();
	before = rte_mempool_in_use_count(harness.pool);
	p = new_peer(4, true);
	handshake(&p, 7);
	app.autoclose = true;
	app.reply_on_fin = with_reply ? "close_notify" : NULL;
	if (with_data) {
		peer_send(&p, F_ACK | F_PSH, "finished", 8);
		CU_ASSERT_EQUAL(tcp_read(harness.w, conn_of(&p), buf, sizeof(buf)), 8);
	}
	peer_send(&p, F_ACK | F_FIN, NULL, 0);
	CU_ASSERT_EQUAL(app.peer_fin, 1);
	while (take(&out) == 0)
		if (out.len || (out.flags & F_FIN))
			p.rcv_nxt = out.seq + out.len + ((out.flags & F_FIN) ? 1 : 0);
	peer_send(&p, with_rst ? F_RST : F_ACK, NULL, 0);
	CU_ASSERT_EQUAL(with_rst ? app.reset : app.closed, 1);
	clock_advance_ms(1000);
	harness_reset();
	app.reply_on_fin = NULL;
	return (int)rte_mempool_in_use_count(harness.pool) - (int)before;
}

static void test_close_paths_free_every_mbuf(void)
{
	for (int v = 0; v < 8; v++)
		CU_ASSERT_EQUAL(reply_fin_leak(v & 1, (v >> 1) & 1, (v >> 2) & 1), 0);
}

/* A RST that ends an established connection, and a SYN that draws a challenge ACK, free their mbufs. */
static void test_rst_and_challenged_syn_free_their_mbufs(void)
{
	struct peer p;
	unsigned int before;
	struct seg syn;

	fresh();
	before = rte_mempool_in_use_count(harness.pool);
	p = new_peer(4, true);
	handshake(&p, 7);
	syn = syn_of(&p, true, true, true, 7);
	syn.seq = p.snd_nxt + 100;
	inject(&syn);
	CU_ASSERT_EQUAL(counter(harness.w, tcp_challenge_acks), 1);
	peer_send(&p, F_RST, NULL, 0);
	CU_ASSERT_EQUAL(app.reset, 1);
	harness_reset();
	CU_ASSERT_EQUAL(rte_mempool_in_use_count(harness.pool), before);
}

/* A timeout's go-back-N clears "FIN sent"; when the peer then acknowledges the
 * FIN it already had, the FIN counts as acknowledged and no second FIN goes
 * out one sequence number further (the LAST-ACK hang seen in CI). */
static void test_fin_acked_after_go_back_n(void)
{
	struct peer p;
	struct seg out;
	uint8_t data[3000];
	uint32_t fin_end = 0;
	int fins_after = 0;

	fresh();
	p = new_peer(4, true);
	handshake(&p, 7);
	memset(data, 'x', sizeof(data));
	CU_ASSERT_EQUAL(tcp_write(harness.w, conn_of(&p), data, sizeof(data)), sizeof(data));
	tcp_shutdown(harness.w, conn_of(&p));
	while (take(&out) == 0)
		if (out.flags & F_FIN)
			fin_end = out.seq + out.len + 1;
	CU_ASSERT_FATAL(fin_end != 0);
	CU_ASSERT_EQUAL(conn_of(&p)->state, TCP_FIN_WAIT_1);
	/* No ACK comes back: the RTO fires and resends from snd_una, one MSS of cwnd. */
	clock_advance_ms(1100);
	CU_ASSERT_TRUE(counter(harness.w, tcp_rto_expired) >= 1);
	while (take(&out) == 0)
		;
	/* The peer had everything: it acknowledges data and FIN at once. */
	p.rcv_nxt = fin_end;
	peer_send(&p, F_ACK, NULL, 0);
	CU_ASSERT_EQUAL(conn_of(&p)->state, TCP_FIN_WAIT_2);
	CU_ASSERT_EQUAL(conn_of(&p)->snd_una, fin_end);
	CU_ASSERT_EQUAL(conn_of(&p)->snd_max, fin_end);
	clock_advance_ms(5000);
	while (take(&out) == 0)
		fins_after += (out.flags & F_FIN) != 0;
	CU_ASSERT_EQUAL(fins_after, 0);
}

static void test_simultaneous_close(void)
{
	struct peer p = established(true);
	struct tcp_conn *c = conn_of(&p);
	struct seg out;

	tcp_shutdown(harness.w, c);
	CU_ASSERT_EQUAL_FATAL(expect(&out, F_ACK | F_FIN, p.rcv_nxt, p.snd_nxt), 0);
	/* The peer's FIN crosses ours: it does not acknowledge our FIN. */
	peer_send(&p, F_ACK | F_FIN, NULL, 0);
	CU_ASSERT_EQUAL(c->state, TCP_CLOSING);
	CU_ASSERT_EQUAL_FATAL(expect(&out, F_ACK, p.rcv_nxt + 1, p.snd_nxt), 0);
	p.rcv_nxt++;
	peer_send(&p, F_ACK, NULL, 0);
	CU_ASSERT_EQUAL(c->state, TCP_TIME_WAIT);
	CU_ASSERT_EQUAL(app.closed, 1);
}

static void test_fin_ack_in_fin_wait_1_goes_to_time_wait(void)
{
	struct peer p = established(true);
	struct tcp_conn *c = conn_of(&p);
	struct seg out;

	tcp_shutdown(harness.w, c);
	CU_ASSERT_EQUAL_FATAL(expect(&out, F_ACK | F_FIN, p.rcv_nxt, p.snd_nxt), 0);
	p.rcv_nxt++;
	peer_send(&p, F_ACK | F_FIN, NULL, 0); /* acks our FIN and closes in one segment */
	CU_ASSERT_EQUAL(c->state, TCP_TIME_WAIT);
	CU_ASSERT_EQUAL_FATAL(expect(&out, F_ACK, p.rcv_nxt, p.snd_nxt), 0);
}

static void test_fin_again_in_time_wait_is_acked(void)
{
	struct peer p = established(true);
	struct tcp_conn *c = conn_of(&p);
	struct seg out, fin;

	tcp_shutdown(harness.w, c);
	CU_ASSERT_EQUAL_FATAL(take(&out), 0);
	p.rcv_nxt++;
	fin = peer_seg(&p, F_ACK | F_FIN);
	inject(&fin);
	p.snd_nxt++;
	CU_ASSERT_EQUAL_FATAL(expect(&out, F_ACK, p.rcv_nxt, p.snd_nxt), 0);
	clock_advance_ms(10000);
	fin.options_len = opt_ts(fin.options, ++p.tsval, p.last_tsval_seen);
	inject(&fin); /* our ACK was lost: the FIN again */
	CU_ASSERT_EQUAL_FATAL(expect(&out, F_ACK, p.rcv_nxt, p.snd_nxt), 0);
	clock_advance_ms(2u * TCP_MSL_MS - 1); /* 2 MSL restarted from the repeat */
	CU_ASSERT_EQUAL(tcp_flow_count(harness.w), 1);
}

static void test_fin_beyond_a_hole_waits(void)
{
	struct peer p = established(true);
	struct seg s, out;

	s = peer_seg(&p, F_ACK | F_FIN);
	s.seq = p.snd_nxt + 4; /* 4 bytes are missing before it */
	inject(&s);
	CU_ASSERT_EQUAL_FATAL(expect(&out, F_ACK, p.rcv_nxt, p.snd_nxt), 0);
	CU_ASSERT_EQUAL(conn_of(&p)->state, TCP_ESTABLISHED);
	CU_ASSERT_EQUAL(app.peer_fin, 0);
}

/* ---- keepalive and abort ---- */

static void test_keepalive_probes_then_timeout(void)
{
	struct peer p = established(false);
	struct seg out;

	clock_advance_ms(TCP_KEEPALIVE_IDLE_MS);
	CU_ASSERT_EQUAL_FATAL(expect(&out, F_ACK, p.rcv_nxt - 1, p.snd_nxt), 0); /* snd_una - 1 */
	for (unsigned int i = 1; i < TCP_KEEPALIVE_PROBES; i++) {
		clock_advance_ms(TCP_KEEPALIVE_INTERVAL_MS);
		CU_ASSERT_EQUAL_FATAL(take(&out), 0);
	}
	clock_advance_ms(TCP_KEEPALIVE_INTERVAL_MS);
	CU_ASSERT_EQUAL_FATAL(take(&out), 0);
	CU_ASSERT(out.flags & F_RST);
	CU_ASSERT_EQUAL(app.timed_out, 1);
	CU_ASSERT_EQUAL(tcp_flow_count(harness.w), 0);
}

static void test_keepalive_answered_keeps_connection(void)
{
	struct peer p = established(false);
	struct seg out;

	clock_advance_ms(TCP_KEEPALIVE_IDLE_MS);
	CU_ASSERT_EQUAL_FATAL(take(&out), 0);
	peer_send(&p, F_ACK, NULL, 0); /* the answer */
	clock_advance_ms(TCP_KEEPALIVE_INTERVAL_MS * (TCP_KEEPALIVE_PROBES + 1));
	CU_ASSERT_EQUAL(app.timed_out, 0);
	CU_ASSERT_EQUAL(tcp_flow_count(harness.w), 1);
}

static void test_abort_sends_rst(void)
{
	struct peer p = established(false);
	struct seg out;

	tcp_abort(harness.w, conn_of(&p));
	CU_ASSERT_EQUAL_FATAL(expect(&out, F_RST | F_ACK, p.rcv_nxt, p.snd_nxt), 0);
	CU_ASSERT_EQUAL(tcp_flow_count(harness.w), 0);
	CU_ASSERT_EQUAL(app.closed + app.reset, 0); /* no upcall for our own abort */
}

int main(void)
{
	static const struct harness_test tests[] = {
		{ "closing after the peer's FIN, with or without a reply, ACK or RST: every mbuf returns",
		  test_close_paths_free_every_mbuf },
		{ "the peer acknowledging our FIN after a go-back-N ends it; no second FIN",
		  test_fin_acked_after_go_back_n },
		{ "a RST ending a connection and a challenged SYN free their mbufs",
		  test_rst_and_challenged_syn_free_their_mbufs },
		{ "peer FIN: CLOSE-WAIT, then our FIN: LAST-ACK, then closed", test_peer_fin_then_our_fin },
		{ "our FIN: FIN-WAIT-1, -2, then TIME-WAIT for 2 MSL", test_our_fin_then_peer_fin_time_wait },
		{ "simultaneous close goes through CLOSING", test_simultaneous_close },
		{ "FIN+ACK in FIN-WAIT-1 goes straight to TIME-WAIT", test_fin_ack_in_fin_wait_1_goes_to_time_wait },
		{ "a repeated FIN in TIME-WAIT is acked and restarts 2 MSL", test_fin_again_in_time_wait_is_acked },
		{ "a FIN beyond a hole is not taken", test_fin_beyond_a_hole_waits },
		{ "keepalive probes, then the connection times out", test_keepalive_probes_then_timeout },
		{ "an answered keepalive keeps the connection", test_keepalive_answered_keeps_connection },
		{ "abort sends RST and no upcall", test_abort_sends_rst },
	};

	return tcp_test_run("tcp_close", tests, sizeof(tests) / sizeof(tests[0]));
}
