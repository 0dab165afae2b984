/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The appliance's TCP, one behaviour per case: exact segments in, exact
 * segments out, time moved by hand (tests/unit/tcp_script.h).
 */
#include <CUnit/Basic.h>

#define EXT CONFIG_PORT_EXTERNAL
#define INT CONFIG_PORT_INTERNAL

#include "harness.h"
#include "tcp_script.h"

enum { TEST_PORT = 443, CLOSED_PORT = 444, T0_MS = 1000000 };

/* ---- a recording layer above ---- */

struct app {
	struct tcp_conn *conn;
	int accepted, readable, writable, peer_fin, closed, reset, timed_out;
	bool refuse;
	bool autoclose; /* shut down when the peer does */
};

static struct app app;

static void *app_accepted(struct worker *w, struct tcp_conn *c, void *listener_ctx)
{
	(void)w;
	(void)listener_ctx;
	if (app.refuse)
		return NULL;
	app.conn = c;
	app.accepted++;
	return &app;
}

static void app_readable(struct worker *w, struct tcp_conn *c, void *ctx)
{
	(void)w, (void)c, (void)ctx;
	app.readable++;
}

static void app_writable(struct worker *w, struct tcp_conn *c, void *ctx)
{
	(void)w, (void)c, (void)ctx;
	app.writable++;
}

static void app_closed(struct worker *w, struct tcp_conn *c, void *ctx, enum tcp_event event)
{
	(void)ctx;
	switch (event) {
	case TCP_EVENT_PEER_FIN:
		app.peer_fin++;
		if (app.autoclose)
			tcp_shutdown(w, c);
		break;
	case TCP_EVENT_CLOSED: app.closed++; app.conn = NULL; break;
	case TCP_EVENT_RESET: app.reset++; app.conn = NULL; break;
	case TCP_EVENT_TIMED_OUT: app.timed_out++; app.conn = NULL; break;
	default: break;
	}
}

static const struct tcp_upcalls app_upcalls = {
	.accepted = app_accepted,
	.readable = app_readable,
	.writable = app_writable,
	.closed = app_closed,
};

/* Every test starts from nothing: no connections, no frames, counters zero, a known clock. */
static void fresh(void)
{
	struct worker *w = harness.w;

	for (uint32_t i = 0; i < w->tcp.capacity; i++)
		if (w->tcp.conns[i].state != TCP_CLOSED)
			tcp_conn_destroy(w, &w->tcp.conns[i]);
	harness_reset();
	memset(&app, 0, sizeof(app));
	w->tcp.half_open = 0;
	w->tcp.syncookies_used_ms = 0;
	harness.config.limits.syn_cookie_threshold = LIMIT_SYN_COOKIE_THRESHOLD_DEFAULT;
	clock_set_ms(T0_MS);
	w->tcp.wheel_tick = T0_MS;
	peer_port++;
}

static struct peer new_peer(int family, bool ts)
{
	struct peer p = { .family = family, .sport = peer_port, .dport = TEST_PORT, .iss = 1000000,
			  .ts = ts, .tsval = 5000, .win = 65535 };

	p.snd_nxt = p.iss;
	return p;
}

static struct seg syn_of(struct peer *p, bool mss, bool sack, bool ts, int ws)
{
	struct seg s = peer_seg(p, F_SYN);

	s.options_len = 0;
	s.ack = 0;
	if (mss)
		s.options_len += opt_mss(s.options + s.options_len, 1460);
	if (sack)
		s.options_len += opt_sack_permitted(s.options + s.options_len);
	if (ts)
		s.options_len += opt_ts(s.options + s.options_len, p->tsval, 0);
	if (ws >= 0)
		s.options_len += opt_ws(s.options + s.options_len, (uint8_t)ws);
	return s;
}

/* Three-way handshake with every option; the peer's view of our numbers is filled in. */
static void handshake(struct peer *p, int ws)
{
	struct seg syn = syn_of(p, true, true, p->ts, ws), out;

	inject(&syn);
	p->snd_nxt++;
	CU_ASSERT_EQUAL_FATAL(take(&out), 0);
	CU_ASSERT_EQUAL_FATAL(out.flags, F_SYN | F_ACK);
	p->our_iss = out.seq;
	p->rcv_nxt = out.seq + 1;
	if (out.opts.has_ts)
		p->last_tsval_seen = out.opts.tsval;
	peer_send(p, F_ACK, NULL, 0);
	CU_ASSERT_EQUAL_FATAL(app.accepted, 1);
}

static struct tcp_conn *conn_of(const struct peer *p)
{
	(void)p;
	return app.conn;
}

/* ---- handshake ---- */

static void test_handshake_ipv4_all_options(void)
{
	struct peer p;
	struct seg syn, out;

	fresh();
	p = new_peer(4, true);
	syn = syn_of(&p, true, true, true, 7);
	inject(&syn);
	CU_ASSERT_EQUAL_FATAL(take(&out), 0);
	CU_ASSERT_TRUE(out.checksum_ok);
	CU_ASSERT_EQUAL(out.flags, F_SYN | F_ACK);
	CU_ASSERT_EQUAL(out.ack, p.iss + 1);
	CU_ASSERT_EQUAL(out.sport, TEST_PORT);
	CU_ASSERT_EQUAL(out.dport, p.sport);
	CU_ASSERT_EQUAL(out.len, 0);
	CU_ASSERT_TRUE(out.opts.has_mss);
	CU_ASSERT_EQUAL(out.opts.mss, 1460);
	CU_ASSERT_TRUE(out.opts.sack_permitted);
	CU_ASSERT_TRUE(out.opts.has_ts);
	CU_ASSERT_EQUAL(out.opts.tsecr, p.tsval);
	CU_ASSERT_TRUE(out.opts.has_wscale);
	CU_ASSERT_EQUAL(out.opts.wscale, harness.w->tcp.rcv_wscale);
	CU_ASSERT_EQUAL(out.win, 65535); /* never scaled in a SYN */
	CU_ASSERT_EQUAL(harness_pending(EXT), 0);
	CU_ASSERT_EQUAL(app.accepted, 0); /* not before the handshake completes */
	p.snd_nxt++;
	p.rcv_nxt = out.seq + 1;
	p.last_tsval_seen = out.opts.tsval;
	peer_send(&p, F_ACK, NULL, 0);
	CU_ASSERT_EQUAL(app.accepted, 1);
	CU_ASSERT_EQUAL_FATAL(app.conn != NULL, 1);
	CU_ASSERT_EQUAL(app.conn->state, TCP_ESTABLISHED);
	CU_ASSERT_EQUAL(app.conn->snd_wscale, 7);
	CU_ASSERT_EQUAL(app.conn->mss, 1460);
	CU_ASSERT_EQUAL(harness_pending(EXT), 0); /* nothing to say yet */
	CU_ASSERT_EQUAL(harness.w->counters.tcp_established, 1);
}

static void test_handshake_without_options(void)
{
	struct peer p;
	struct seg syn, out;

	fresh();
	p = new_peer(4, false);
	syn = syn_of(&p, false, false, false, -1);
	inject(&syn);
	CU_ASSERT_EQUAL_FATAL(take(&out), 0);
	CU_ASSERT_TRUE(out.opts.has_mss); /* we always send ours */
	CU_ASSERT_FALSE(out.opts.sack_permitted);
	CU_ASSERT_FALSE(out.opts.has_ts);
	CU_ASSERT_FALSE(out.opts.has_wscale);
	p.snd_nxt++;
	p.rcv_nxt = out.seq + 1;
	peer_send(&p, F_ACK, NULL, 0);
	CU_ASSERT_EQUAL_FATAL(app.accepted, 1);
	CU_ASSERT_EQUAL(app.conn->mss, TCP_DEFAULT_MSS_IPV4); /* RFC 9293 3.7.1 */
	CU_ASSERT_EQUAL(app.conn->snd_wscale, 0);
	CU_ASSERT_EQUAL(app.conn->rcv_wscale, 0);
}

static void test_handshake_ipv6(void)
{
	struct peer p;
	struct seg syn, out;

	fresh();
	p = new_peer(6, true);
	syn = syn_of(&p, true, true, true, 2);
	inject(&syn);
	CU_ASSERT_EQUAL_FATAL(take(&out), 0);
	CU_ASSERT_EQUAL(out.family, 6);
	CU_ASSERT_TRUE(out.checksum_ok);
	CU_ASSERT_EQUAL(out.flags, F_SYN | F_ACK);
	CU_ASSERT_EQUAL(out.opts.mss, 1440); /* 1500 - 40 - 20 */
	p.snd_nxt++;
	p.rcv_nxt = out.seq + 1;
	p.last_tsval_seen = out.opts.tsval;
	peer_send(&p, F_ACK, NULL, 0);
	CU_ASSERT_EQUAL(app.accepted, 1);
}

static void test_syn_to_closed_port_gets_rst(void)
{
	struct peer p;
	struct seg syn, out;

	fresh();
	p = new_peer(4, false);
	p.dport = CLOSED_PORT;
	syn = syn_of(&p, true, false, false, -1);
	inject(&syn);
	CU_ASSERT_EQUAL_FATAL(take(&out), 0);
	CU_ASSERT_EQUAL(out.flags, F_RST | F_ACK);
	CU_ASSERT_EQUAL(out.seq, 0);
	CU_ASSERT_EQUAL(out.ack, p.iss + 1);
	CU_ASSERT_EQUAL(harness.w->counters.drop_tcp_no_listener, 1);
}

static void test_ack_without_connection_gets_rst(void)
{
	struct peer p;
	struct seg s, out;

	fresh();
	p = new_peer(4, false);
	p.rcv_nxt = 777;
	s = peer_seg(&p, F_ACK);
	inject(&s);
	CU_ASSERT_EQUAL_FATAL(take(&out), 0);
	CU_ASSERT_EQUAL(out.flags, F_RST);
	CU_ASSERT_EQUAL(out.seq, 777); /* <SEQ=SEG.ACK><CTL=RST> */
}

static void test_rst_without_connection_ignored(void)
{
	struct peer p;
	struct seg s;

	fresh();
	p = new_peer(4, false);
	s = peer_seg(&p, F_RST);
	inject(&s);
	CU_ASSERT_EQUAL(harness_pending(EXT), 0);
	CU_ASSERT_EQUAL(harness.w->counters.drop_tcp_no_connection, 1);
}

static void test_refused_by_layer_above_gets_rst(void)
{
	struct peer p;
	struct seg syn, out;

	fresh();
	app.refuse = true;
	p = new_peer(4, false);
	syn = syn_of(&p, true, false, false, -1);
	inject(&syn);
	CU_ASSERT_EQUAL_FATAL(take(&out), 0);
	p.snd_nxt++;
	p.rcv_nxt = out.seq + 1;
	peer_send(&p, F_ACK, NULL, 0);
	CU_ASSERT_EQUAL_FATAL(take(&out), 0);
	CU_ASSERT(out.flags & F_RST);
	CU_ASSERT_EQUAL(tcp_flow_count(harness.w), 0);
}

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

/* ---- retransmission ---- */

static void test_rto_backs_off_and_retransmits(void)
{
	struct peer p;
	struct seg out;
	uint32_t rto;

	fresh();
	p = new_peer(4, true);
	handshake(&p, 7);
	rto = conn_of(&p)->rto_ms;
	CU_ASSERT_EQUAL(rto, TCP_RTO_MIN_MS); /* RTT ~0 here */
	CU_ASSERT_EQUAL(tcp_write(harness.w, conn_of(&p), "data", 4), 4);
	CU_ASSERT_EQUAL_FATAL(take(&out), 0);
	CU_ASSERT_EQUAL(out.len, 4);
	/* First a tail loss probe (RFC 8985): 2 SRTT, at least 10 ms, + 50 ms for a lone segment. */
	clock_advance_ms(TCP_TLP_MIN_MS + TCP_TLP_DELACK_MS - 1);
	CU_ASSERT_EQUAL(harness_pending(EXT), 0);
	clock_advance_ms(1);
	CU_ASSERT_EQUAL_FATAL(take(&out), 0);
	CU_ASSERT_EQUAL(out.seq, p.rcv_nxt);
	CU_ASSERT_EQUAL(out.len, 4);
	CU_ASSERT_EQUAL(harness.w->counters.tcp_tail_loss_probes, 1);
	for (unsigned int k = 0; k < 4; k++) {
		clock_advance_ms((rto << k) - 1);
		CU_ASSERT_EQUAL(harness_pending(EXT), 0);
		clock_advance_ms(1);
		CU_ASSERT_EQUAL_FATAL(take(&out), 0);
		CU_ASSERT_EQUAL(out.seq, p.rcv_nxt);
		CU_ASSERT_EQUAL(out.len, 4);
		CU_ASSERT(memcmp(out.payload, "data", 4) == 0);
	}
	CU_ASSERT_EQUAL(harness.w->counters.tcp_rto_expired, 4);
	/* The ACK stops it. */
	p.rcv_nxt += 4;
	peer_send(&p, F_ACK, NULL, 0);
	clock_advance_ms(10000);
	CU_ASSERT_EQUAL(harness_pending(EXT), 0);
	CU_ASSERT_EQUAL(conn_of(&p)->snd_una, p.rcv_nxt);
}

static void test_rto_after_many_segments_resends_first(void)
{
	struct peer p;
	struct seg out;
	static uint8_t data[20000];
	unsigned int sent = 0;

	fresh();
	p = new_peer(4, true);
	handshake(&p, 7);
	CU_ASSERT_EQUAL(tcp_write(harness.w, conn_of(&p), data, sizeof(data)), sizeof(data));
	while (take(&out) == 0)
		sent++;
	CU_ASSERT_EQUAL(sent, TCP_INITIAL_WINDOW_SEGMENTS);
	/* The tail loss probe sends new data when there is some (RFC 8985 7.3). */
	clock_advance_ms(TCP_TLP_MIN_MS);
	CU_ASSERT_EQUAL_FATAL(take(&out), 0);
	CU_ASSERT_EQUAL(out.seq, p.rcv_nxt + TCP_INITIAL_WINDOW_SEGMENTS * 1448);
	CU_ASSERT_EQUAL(harness_pending(EXT), 0);
	clock_advance_ms(TCP_RTO_MIN_MS);
	CU_ASSERT_EQUAL_FATAL(take(&out), 0);
	CU_ASSERT_EQUAL(out.seq, p.rcv_nxt);
	CU_ASSERT_EQUAL(out.len, 1448);
	CU_ASSERT_EQUAL(harness_pending(EXT), 0); /* cwnd is one segment after a timeout */
	/* The ACK of that one lets two more go (slow start). */
	p.rcv_nxt += 1448;
	peer_send(&p, F_ACK, NULL, 0);
	CU_ASSERT_EQUAL_FATAL(take(&out), 0);
	CU_ASSERT_EQUAL(out.seq, p.rcv_nxt);
	CU_ASSERT_EQUAL_FATAL(take(&out), 0);
	CU_ASSERT_EQUAL(out.seq, p.rcv_nxt + 1448);
}

int main(void)
{
	static const struct {
		const char *name;
		void (*fn)(void);
	} tests[] = {
		{ "handshake over IPv4 with MSS, SACK, timestamps, window scale", test_handshake_ipv4_all_options },
		{ "handshake without options", test_handshake_without_options },
		{ "handshake over IPv6", test_handshake_ipv6 },
		{ "SYN to a closed port gets RST", test_syn_to_closed_port_gets_rst },
		{ "ACK without a connection gets RST", test_ack_without_connection_gets_rst },
		{ "RST without a connection is ignored", test_rst_without_connection_ignored },
		{ "a connection the layer above refuses is reset", test_refused_by_layer_above_gets_rst },
		{ "in-order data, delayed ACK", test_data_in_order_with_delayed_ack },
		{ "the second segment is acknowledged at once", test_second_segment_acked_at_once },
		{ "out-of-order data: SACK, then the hole fills", test_out_of_order_then_fill },
		{ "overlapping and duplicate data", test_overlapping_and_duplicate_data },
		{ "writes go out in MSS-sized segments", test_write_sends_mss_segments },
		{ "a tail loss probe, then RTO with back-off; the ACK stops it", test_rto_backs_off_and_retransmits },
		{ "RTO after a flight resends the first segment, cwnd 1", test_rto_after_many_segments_resends_first },
	};
	CU_pSuite suite;
	unsigned int failed;

	if (harness_start() != 0) {
		fprintf(stderr, "test_tcp: harness setup failed (run from the repository root after make)\n");
		return 1;
	}
	if (tcp_listen(TEST_PORT, &app_upcalls, NULL) != 0)
		return 1;
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	suite = CU_add_suite("tcp", NULL, NULL);
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
		CU_add_test(suite, tests[i].name, tests[i].fn);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures();
	CU_cleanup_registry();
	rte_eal_cleanup();
	return failed ? 1 : 0;
}
