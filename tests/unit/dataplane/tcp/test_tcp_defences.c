/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP against a hostile peer: RFC 5961 (RST, SYN, ACK checks, challenge ACK
 * budgets), PAWS, window and checksum checks.
 * One behaviour per case: exact segments in, exact segments out, time moved
 * by hand (tcp_script.h, tcp_test_app.h).
 */
#include "tcp_test_app.h"

/* ---- RFC 5961 and friends ---- */

static void test_rst_with_exact_sequence_resets(void)
{
	struct peer p = established(true);

	peer_send(&p, F_RST, NULL, 0);
	CU_ASSERT_EQUAL(app.reset, 1);
	CU_ASSERT_EQUAL(tcp_flow_count(harness.w), 0);
	CU_ASSERT_EQUAL(harness_pending(EXT), 0);
}

static void test_rst_in_window_gets_challenge_ack(void)
{
	struct peer p = established(true);
	struct seg s, out;

	s = peer_seg(&p, F_RST);
	s.seq = p.snd_nxt + 100;
	inject(&s);
	CU_ASSERT_EQUAL_FATAL(expect(&out, F_ACK, p.rcv_nxt, p.snd_nxt), 0);
	CU_ASSERT_EQUAL(app.reset, 0);
	CU_ASSERT_EQUAL(counter(harness.w, tcp_challenge_acks), 1);
}

static void test_rst_outside_window_ignored(void)
{
	struct peer p = established(true);
	struct seg s;

	s = peer_seg(&p, F_RST);
	s.seq = p.snd_nxt + 10000000;
	inject(&s);
	CU_ASSERT_EQUAL(harness_pending(EXT), 0);
	CU_ASSERT_EQUAL(app.reset, 0);
	CU_ASSERT_EQUAL(counter(harness.w, drop_tcp_rst_out_of_window), 1);
}

/* One connection under a flood of in-window RSTs gets one challenge ACK per
 * interval: it cannot use up the worker's budget for the others. */
static void test_challenge_acks_limited_per_connection(void)
{
	struct peer p = established(true);
	struct seg s;

	for (unsigned int i = 0; i < 100; i++) {
		s = peer_seg(&p, F_RST);
		s.seq = p.snd_nxt + 1 + i; /* in the window, never exact */
		inject(&s);
	}
	CU_ASSERT_EQUAL(harness_pending(EXT), 1);
	CU_ASSERT_EQUAL(counter(harness.w, drop_tcp_challenge_ack_conn_limit), 99);
	CU_ASSERT_EQUAL(app.reset, 0);
	clock_advance_ms(TCP_CHALLENGE_ACK_INTERVAL_MS);
	s = peer_seg(&p, F_RST);
	s.seq = p.snd_nxt + 7;
	inject(&s);
	CU_ASSERT_EQUAL(harness_pending(EXT), 2); /* the interval passed: one more */
}

/* Across connections, the worker's budget per second is drawn at random
 * between half and 1.5 times the nominal rate (RFC 5961 7, CVE-2016-5696):
 * an attacker cannot count ACKs against a known limit. */
static void test_challenge_ack_budget_is_random(void)
{
	enum { CONNS = 1600, SECONDS = 4 };
	static struct peer peers[CONNS];
	unsigned int budgets[SECONDS];
	struct seg syn, out, s;

	fresh();
	harness.config.limits.max_connections_per_source = CONNS;
	for (unsigned int i = 0; i < CONNS; i++) {
		peers[i] = new_peer(4, false);
		peers[i].sport = (uint16_t)(20000 + i);
		syn = syn_of(&peers[i], true, false, false, -1);
		inject(&syn);
		peers[i].snd_nxt++;
		CU_ASSERT_EQUAL_FATAL(take(&out), 0);
		peers[i].rcv_nxt = out.seq + 1;
		peer_send(&peers[i], F_ACK, NULL, 0);
	}
	CU_ASSERT_EQUAL_FATAL(tcp_flow_count(harness.w), CONNS);
	for (unsigned int second = 0; second < SECONDS; second++) {
		clock_advance_ms(1000);
		harness_reset(); /* drains what the timers sent, zeroes the counters */
		budgets[second] = 0;
		for (unsigned int i = 0; i < CONNS; i++) {
			s = peer_seg(&peers[i], F_SYN); /* a SYN on a synchronized connection: challenged */
			inject(&s);
			while (take(&out) == 0)
				budgets[second]++;
		}
		CU_ASSERT(budgets[second] >= TCP_CHALLENGE_ACKS_PER_SECOND / 2);
		CU_ASSERT(budgets[second] < TCP_CHALLENGE_ACKS_PER_SECOND * 3 / 2);
		CU_ASSERT_EQUAL(counter(harness.w, drop_tcp_challenge_ack_limit), CONNS - budgets[second]);
	}
	CU_ASSERT_FALSE(budgets[0] == budgets[1] && budgets[1] == budgets[2] && budgets[2] == budgets[3]);
}

static void test_syn_on_established_gets_challenge_ack(void)
{
	struct peer p = established(true);
	struct seg s, out;

	s = peer_seg(&p, F_SYN);
	s.seq = p.snd_nxt + 5;
	inject(&s);
	CU_ASSERT_EQUAL_FATAL(expect(&out, F_ACK, p.rcv_nxt, p.snd_nxt), 0);
	CU_ASSERT_EQUAL(conn_of(&p)->state, TCP_ESTABLISHED);
	CU_ASSERT_EQUAL(counter(harness.w, tcp_challenge_acks), 1);
}

static void test_ack_of_unsent_data_dropped(void)
{
	struct peer p = established(true);
	struct seg s, out;

	s = peer_seg(&p, F_ACK);
	s.ack = p.rcv_nxt + 5000;
	memcpy(s.payload, "zz", 2);
	s.len = 2;
	inject(&s);
	CU_ASSERT_EQUAL_FATAL(expect(&out, F_ACK, p.rcv_nxt, p.snd_nxt), 0); /* data not taken */
	CU_ASSERT_EQUAL(tcp_readable_bytes(conn_of(&p)), 0);
	CU_ASSERT_EQUAL(counter(harness.w, drop_tcp_ack_unsent), 1);
}

static void test_paws_drops_old_timestamp(void)
{
	struct peer p = established(true);
	struct seg s, out;

	peer_send(&p, F_ACK, "new", 3);
	s = peer_seg(&p, F_ACK);
	s.options_len = opt_ts(s.options, p.tsval - 100, p.last_tsval_seen); /* from long ago */
	memcpy(s.payload, "old", 3);
	s.len = 3;
	inject(&s);
	CU_ASSERT_EQUAL_FATAL(expect(&out, F_ACK, p.rcv_nxt, p.snd_nxt), 0);
	CU_ASSERT_EQUAL(tcp_readable_bytes(conn_of(&p)), 3);
	CU_ASSERT_EQUAL(counter(harness.w, drop_tcp_paws), 1);
}

/* Spoofed ACKs from someone who knows only the 4-tuple: an old sequence number
 * and a timestamp far ahead. They must not move TS.Recent (RFC 7323 4.3 takes
 * it only from acceptable segments), or PAWS would drop every real segment
 * after them and the connection would die. */
static void test_old_segments_do_not_move_ts_recent(void)
{
	struct peer p = established(true);
	struct seg s, out;
	uint32_t ts_recent;

	peer_send(&p, F_ACK, "abc", 3);
	clock_advance_ms(TCP_DELACK_MS + 1); /* our ACK goes out: Last.ACK.sent = rcv_nxt */
	CU_ASSERT_EQUAL_FATAL(expect(&out, F_ACK, p.rcv_nxt, p.snd_nxt), 0);
	ts_recent = conn_of(&p)->ts_recent;
	for (int i = 0; i < 4; i++) {
		s = peer_seg(&p, F_ACK);
		s.seq = p.snd_nxt - 2 - (uint32_t)i * 1000; /* before rcv_nxt: old */
		s.options_len = opt_ts(s.options, p.tsval + 0x40000000u, p.last_tsval_seen);
		inject(&s);
	}
	CU_ASSERT_EQUAL(conn_of(&p)->ts_recent, ts_recent);
	while (take(&out) == 0)
		;
	peer_send(&p, F_ACK, "real", 4);
	CU_ASSERT_EQUAL(tcp_readable_bytes(conn_of(&p)), 7); /* the real segment is taken */
	CU_ASSERT_EQUAL(counter(harness.w, drop_tcp_paws), 0);
}

static void test_segment_beyond_window_dropped(void)
{
	struct peer p = established(true);
	struct seg s, out;

	s = peer_seg(&p, F_ACK);
	s.seq = p.snd_nxt + 10 * 1000 * 1000;
	memcpy(s.payload, "far", 3);
	s.len = 3;
	inject(&s);
	CU_ASSERT_EQUAL_FATAL(expect(&out, F_ACK, p.rcv_nxt, p.snd_nxt), 0);
	CU_ASSERT_EQUAL(conn_of(&p)->ooo_count, 0);
	CU_ASSERT_EQUAL(counter(harness.w, drop_tcp_out_of_window), 1);
}

static void test_segment_without_ack_dropped(void)
{
	struct peer p = established(true);

	peer_send(&p, F_PSH | F_FIN, "x", 1);
	CU_ASSERT_EQUAL(tcp_readable_bytes(conn_of(&p)), 0);
	CU_ASSERT_EQUAL(app.peer_fin, 0);
	CU_ASSERT_EQUAL(counter(harness.w, drop_tcp_no_ack), 1);
}

static void test_bad_checksum_and_flags_dropped(void)
{
	struct peer p = established(true);
	struct seg s;
	uint8_t f[2200];
	size_t n;

	s = peer_seg(&p, F_ACK);
	memcpy(s.payload, "abc", 3);
	s.len = 3;
	n = build_frame(f, &s);
	f[n - 1] ^= 0xff; /* one payload byte changed after the checksum */
	harness_inject(EXT, f, n);
	CU_ASSERT_EQUAL(counter(harness.w, drop_tcp_bad_checksum), 1);
	s = peer_seg(&p, F_SYN | F_FIN);
	inject(&s);
	CU_ASSERT_EQUAL(counter(harness.w, drop_tcp_bad_flags), 1);
	CU_ASSERT_EQUAL(tcp_readable_bytes(conn_of(&p)), 0);
	CU_ASSERT_EQUAL(harness_pending(EXT), 0);
}

int main(void)
{
	static const struct harness_test tests[] = {
		{ "RST with the exact sequence number resets", test_rst_with_exact_sequence_resets },
		{ "RST in the window gets a challenge ACK", test_rst_in_window_gets_challenge_ack },
		{ "RST outside the window is ignored", test_rst_outside_window_ignored },
		{ "SYN on an established connection gets a challenge ACK", test_syn_on_established_gets_challenge_ack },
		{ "challenge ACKs: one per connection per interval (RFC 5961 7)", test_challenge_acks_limited_per_connection },
		{ "the worker's challenge ACK budget is drawn at random each second", test_challenge_ack_budget_is_random },
		{ "ACK of unsent data is dropped", test_ack_of_unsent_data_dropped },
		{ "PAWS drops a segment with an old timestamp", test_paws_drops_old_timestamp },
		{ "spoofed old segments with a timestamp far ahead do not move TS.Recent",
		  test_old_segments_do_not_move_ts_recent },
		{ "a segment beyond the window is dropped", test_segment_beyond_window_dropped },
		{ "a segment without ACK is dropped", test_segment_without_ack_dropped },
		{ "bad checksum and impossible flags are dropped", test_bad_checksum_and_flags_dropped },
	};

	return tcp_test_run("tcp_defences", tests, sizeof(tests) / sizeof(tests[0]));
}
