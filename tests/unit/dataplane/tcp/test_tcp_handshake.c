/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The TCP handshake: options, refusals, RSTs for no connection, SYN-RECEIVED
 * and TIME-WAIT corners, SYN cookies, the per-source cap.
 * One behaviour per case: exact segments in, exact segments out, time moved
 * by hand (tcp_script.h, tcp_test_app.h).
 */
#include "tcp_test_app.h"

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
	CU_ASSERT_EQUAL(out.opts.wscale, tcp_rcv_wscale(harness.w));
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
	CU_ASSERT_EQUAL(counter(harness.w, tcp_established), 1);
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
	CU_ASSERT_EQUAL(counter(harness.w, drop_tcp_no_listener), 1);
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
	CU_ASSERT_EQUAL(counter(harness.w, drop_tcp_no_connection), 1);
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

/* ---- handshake corners ---- */

static void test_synack_retransmitted_then_given_up(void)
{
	struct peer p;
	struct seg syn, out;
	uint32_t rto = TCP_RTO_INITIAL_MS;

	fresh();
	p = new_peer(4, false);
	syn = syn_of(&p, true, false, false, -1);
	inject(&syn);
	CU_ASSERT_EQUAL_FATAL(take(&out), 0);
	for (unsigned int k = 0; k < TCP_SYNACK_RETRIES; k++) {
		rto *= 2;
		clock_advance_ms(rto / 2 > TCP_RTO_MAX_MS ? TCP_RTO_MAX_MS : rto / 2);
		CU_ASSERT_EQUAL_FATAL(take(&out), 0);
		CU_ASSERT_EQUAL(out.flags, F_SYN | F_ACK);
	}
	CU_ASSERT_EQUAL(tcp_worker_of(harness.w)->half_open, 1);
	clock_advance_ms(TCP_RTO_MAX_MS);
	CU_ASSERT_EQUAL(tcp_flow_count(harness.w), 0);
	CU_ASSERT_EQUAL(tcp_worker_of(harness.w)->half_open, 0);
}

static void test_repeated_syn_gets_synack_again(void)
{
	struct peer p;
	struct seg syn, out1, out2;

	fresh();
	p = new_peer(4, false);
	syn = syn_of(&p, true, false, false, -1);
	inject(&syn);
	CU_ASSERT_EQUAL_FATAL(take(&out1), 0);
	inject(&syn);
	CU_ASSERT_EQUAL_FATAL(take(&out2), 0);
	CU_ASSERT_EQUAL(out2.flags, F_SYN | F_ACK);
	CU_ASSERT_EQUAL(out2.seq, out1.seq);
	CU_ASSERT_EQUAL(tcp_flow_count(harness.w), 1);
}

static void test_wrong_ack_in_syn_received_gets_rst(void)
{
	struct peer p;
	struct seg syn, out, ack;

	fresh();
	p = new_peer(4, false);
	syn = syn_of(&p, true, false, false, -1);
	inject(&syn);
	CU_ASSERT_EQUAL_FATAL(take(&out), 0);
	p.snd_nxt++;
	p.rcv_nxt = out.seq + 7; /* not what we sent */
	ack = peer_seg(&p, F_ACK);
	inject(&ack);
	CU_ASSERT_EQUAL_FATAL(expect(&out, F_RST, p.rcv_nxt, 0), 0);
	CU_ASSERT_EQUAL(app.accepted, 0);
	CU_ASSERT_EQUAL(counter(harness.w, drop_tcp_bad_syn_ack_ack), 1);
}

static void test_time_wait_taken_over_by_new_syn(void)
{
	struct peer p = established(false);
	struct tcp_conn *c = conn_of(&p);
	struct seg out, syn;

	tcp_shutdown(harness.w, c);
	CU_ASSERT_EQUAL_FATAL(take(&out), 0);
	p.rcv_nxt++;
	peer_send(&p, F_ACK | F_FIN, NULL, 0);
	CU_ASSERT_EQUAL_FATAL(take(&out), 0);
	CU_ASSERT_EQUAL(c->state, TCP_TIME_WAIT);
	p.snd_nxt += 100000;
	memset(&app, 0, sizeof(app));
	syn = syn_of(&p, true, false, false, -1);
	inject(&syn);
	CU_ASSERT_EQUAL_FATAL(take(&out), 0);
	CU_ASSERT_EQUAL(out.flags, F_SYN | F_ACK);
	CU_ASSERT_EQUAL(out.ack, p.snd_nxt + 1);
	CU_ASSERT_EQUAL(counter(harness.w, tcp_time_wait_reused), 1);
}

/* ---- SYN cookies ---- */

static void test_syncookie_round_trip(void)
{
	struct peer p1, p2;
	struct seg syn, out;

	fresh();
	harness.config.limits.syn_cookie_threshold = 1;
	p1 = new_peer(4, true);
	syn = syn_of(&p1, true, true, true, 7);
	inject(&syn); /* one half-open: the threshold */
	CU_ASSERT_EQUAL_FATAL(take(&out), 0);
	peer_port++;
	p2 = new_peer(4, true);
	syn = syn_of(&p2, true, true, true, 6);
	inject(&syn);
	CU_ASSERT_EQUAL_FATAL(take(&out), 0);
	CU_ASSERT_EQUAL(out.flags, F_SYN | F_ACK);
	CU_ASSERT_EQUAL(counter(harness.w, tcp_syncookies_sent), 1);
	CU_ASSERT_EQUAL(tcp_flow_count(harness.w), 1); /* no state for the second */
	CU_ASSERT_TRUE(out.opts.sack_permitted);
	CU_ASSERT_TRUE(out.opts.has_wscale);
	p2.snd_nxt++;
	p2.rcv_nxt = out.seq + 1;
	p2.last_tsval_seen = out.opts.tsval;
	peer_send(&p2, F_ACK, "hi", 2);
	CU_ASSERT_EQUAL(counter(harness.w, tcp_syncookies_accepted), 1);
	CU_ASSERT_EQUAL_FATAL(app.accepted, 1);
	CU_ASSERT_EQUAL(app.conn->state, TCP_ESTABLISHED);
	CU_ASSERT_EQUAL(app.conn->snd_wscale, 6);        /* recovered from our TSval */
	CU_ASSERT_TRUE(app.conn->flags & TCPF_SACK_OK);
	CU_ASSERT_EQUAL(app.conn->mss, 1460);
	CU_ASSERT_EQUAL(tcp_readable_bytes(app.conn), 2);
}

static void test_bad_syncookie_gets_rst(void)
{
	struct peer p1, p2;
	struct seg syn, out;

	fresh();
	harness.config.limits.syn_cookie_threshold = 1;
	p1 = new_peer(4, false);
	syn = syn_of(&p1, true, false, false, -1);
	inject(&syn);
	CU_ASSERT_EQUAL_FATAL(take(&out), 0);
	peer_port++;
	p2 = new_peer(4, false);
	syn = syn_of(&p2, true, false, false, -1);
	inject(&syn);
	CU_ASSERT_EQUAL_FATAL(take(&out), 0);
	p2.snd_nxt++;
	p2.rcv_nxt = out.seq + 1 + 12345; /* a forged cookie */
	peer_send(&p2, F_ACK, NULL, 0);
	CU_ASSERT_EQUAL_FATAL(expect(&out, F_RST, p2.rcv_nxt, 0), 0);
	CU_ASSERT_EQUAL(app.accepted, 0);
	CU_ASSERT_EQUAL(counter(harness.w, drop_tcp_bad_syncookie), 1);
}

/* Puts one connection half-open (the cookie threshold is 1) and sends p's SYN:
 * the SYN-ACK carries a cookie. Returns it in *synack. */
static void cookie_synack(struct peer *p, bool ts, struct seg *synack)
{
	struct peer first;
	struct seg syn;

	harness.config.limits.syn_cookie_threshold = 1;
	if (tcp_worker_of(harness.w)->half_open == 0) {
		first = new_peer(4, false);
		syn = syn_of(&first, true, false, false, -1);
		inject(&syn);
		CU_ASSERT_EQUAL_FATAL(take(synack), 0);
		peer_port++;
	}
	*p = new_peer(4, ts);
	syn = syn_of(p, true, ts, ts, ts ? 7 : -1);
	inject(&syn);
	CU_ASSERT_EQUAL_FATAL(take(synack), 0);
	p->snd_nxt++;
	p->rcv_nxt = synack->seq + 1;
	p->last_tsval_seen = synack->opts.tsval;
}

/* The cookie's TSval carries option bits in its low bits: it must never be
 * ahead of the TSvals that follow, or the peer's PAWS drops our first data.
 * Tried at 64 clock values so every value of the low bits comes up. */
static void test_syncookie_tsval_never_runs_ahead(void)
{
	for (int i = 0; i < 64; i++) {
		struct peer p;
		struct seg synack, out;

		fresh();
		clock_set_ms(T0_MS + (uint64_t)i);
		cookie_synack(&p, true, &synack);
		peer_send(&p, F_ACK, NULL, 0);
		CU_ASSERT_PTR_NOT_NULL_FATAL(app.conn);
		CU_ASSERT_EQUAL_FATAL(tcp_write(harness.w, app.conn, "x", 1), 1);
		CU_ASSERT_EQUAL_FATAL(take(&out), 0);
		CU_ASSERT_EQUAL_FATAL(out.len, 1);
		CU_ASSERT_TRUE((int32_t)(out.opts.tsval - synack.opts.tsval) >= 0);
	}
}

/* The MSS bits of a cookie are inside its MAC: an ACK that changes them is forged. */
static void test_syncookie_mss_bits_are_authenticated(void)
{
	struct peer p;
	struct seg synack, out;

	fresh();
	cookie_synack(&p, false, &synack);
	p.rcv_nxt ^= 1u << 24; /* another MSS index, the rest of the cookie kept */
	peer_send(&p, F_ACK, NULL, 0);
	CU_ASSERT_EQUAL_FATAL(expect(&out, F_RST, p.rcv_nxt, 0), 0);
	CU_ASSERT_EQUAL(app.accepted, 0);
	CU_ASSERT_EQUAL(counter(harness.w, drop_tcp_bad_syncookie), 1);
}

/* Cookies are checked only while ones sent lately can be valid: long after the
 * last one, a stray ACK is a stray ACK, not a bad cookie. */
static void test_syncookie_checking_ends(void)
{
	struct peer p;
	struct seg synack, out;

	fresh();
	cookie_synack(&p, false, &synack);
	clock_advance_ms(2 * TCP_SYNCOOKIE_PERIOD_MS + 1);
	while (take(&out) == 0)
		; /* the half-open connection's retransmissions and reset */
	peer_send(&p, F_ACK, NULL, 0);
	CU_ASSERT_EQUAL_FATAL(expect(&out, F_RST, p.rcv_nxt, 0), 0);
	CU_ASSERT_EQUAL(counter(harness.w, drop_tcp_bad_syncookie), 0);
	CU_ASSERT_EQUAL(counter(harness.w, drop_tcp_no_connection), 1);
}

/* A valid cookie refused by a limit is counted under that limit, not as a bad
 * cookie, and the peer (which believes it is connected) gets one RST. */
static void test_valid_syncookie_refused_by_a_limit(void)
{
	struct peer p;
	struct seg synack, out;

	fresh();
	cookie_synack(&p, false, &synack);
	harness.config.limits.max_connections_per_source = 1; /* the half-open one is from the same address */
	peer_send(&p, F_ACK, NULL, 0);
	CU_ASSERT_EQUAL_FATAL(expect(&out, F_RST, p.rcv_nxt, 0), 0);
	CU_ASSERT_NOT_EQUAL(take(&out), 0); /* one RST, not two */
	CU_ASSERT_EQUAL(counter(harness.w, drop_tcp_source_limit), 1);
	CU_ASSERT_EQUAL(counter(harness.w, drop_tcp_bad_syncookie), 0);
	CU_ASSERT_EQUAL(app.accepted, 0);
}


static void test_data_on_syn_is_not_delivered(void)
{
	struct peer p;
	struct seg syn, out;

	fresh();
	p = new_peer(4, false);
	syn = syn_of(&p, true, false, false, -1);
	memcpy(syn.payload, "early", 5);
	syn.len = 5;
	inject(&syn);
	CU_ASSERT_EQUAL_FATAL(take(&out), 0);
	CU_ASSERT_EQUAL(out.ack, p.iss + 1); /* the data is not acknowledged: the peer sends it again */
}

/* A SYN to a multicast group the appliance belongs to (all-nodes, its
 * solicited-node group) is no connection request: no SYN-ACK from a group. */
static void test_syn_to_multicast_is_dropped(void)
{
	static const char *const groups[] = { "ff02::1", "ff02::1:ff00:1" };
	struct seg syn, out;

	fresh();
	for (unsigned int i = 0; i < 2; i++) {
		struct peer p = new_peer(6, false);

		syn = syn_of(&p, true, false, false, -1);
		syn.dst = groups[i];
		inject(&syn);
		CU_ASSERT_NOT_EQUAL(take(&out), 0); /* nothing sent */
	}
	CU_ASSERT_EQUAL(counter(harness.w, drop_tcp_multicast_destination), 2);
	CU_ASSERT_EQUAL(tcp_flow_count(harness.w), 0);
}

static void test_connections_per_source_capped(void)
{
	struct seg syn, out;

	fresh();
	harness.config.limits.max_connections_per_source = 2;
	for (int i = 0; i < 3; i++) {
		struct peer p = new_peer(4, false);

		p.sport = (uint16_t)(peer_port + 100 + i);
		syn = syn_of(&p, true, false, false, -1);
		inject(&syn);
	}
	CU_ASSERT_EQUAL(take(&out), 0);
	CU_ASSERT_EQUAL(take(&out), 0);
	CU_ASSERT_EQUAL(harness_pending(EXT), 0); /* the third is refused */
	CU_ASSERT_EQUAL(counter(harness.w, drop_tcp_source_limit), 1);
	CU_ASSERT_EQUAL(tcp_flow_count(harness.w), 2);
	/* Another address is not affected. */
	{
		struct peer p = new_peer(6, false);

		syn = syn_of(&p, true, false, false, -1);
		inject(&syn);
		CU_ASSERT_EQUAL(take(&out), 0);
	}
}

int main(void)
{
	static const struct harness_test tests[] = {
		{ "handshake over IPv4 with MSS, SACK, timestamps, window scale", test_handshake_ipv4_all_options },
		{ "handshake without options", test_handshake_without_options },
		{ "handshake over IPv6", test_handshake_ipv6 },
		{ "SYN to a closed port gets RST", test_syn_to_closed_port_gets_rst },
		{ "ACK without a connection gets RST", test_ack_without_connection_gets_rst },
		{ "RST without a connection is ignored", test_rst_without_connection_ignored },
		{ "a connection the layer above refuses is reset", test_refused_by_layer_above_gets_rst },
		{ "SYN-ACK retransmitted with back-off, then given up", test_synack_retransmitted_then_given_up },
		{ "a repeated SYN gets the same SYN-ACK", test_repeated_syn_gets_synack_again },
		{ "a wrong ACK in SYN-RECEIVED gets RST", test_wrong_ack_in_syn_received_gets_rst },
		{ "a new SYN takes over a TIME-WAIT connection", test_time_wait_taken_over_by_new_syn },
		{ "SYN cookie round trip keeps MSS, SACK and window scale", test_syncookie_round_trip },
		{ "a forged SYN cookie gets RST", test_bad_syncookie_gets_rst },
		{ "a cookie's TSval never runs ahead of the TSvals after it", test_syncookie_tsval_never_runs_ahead },
		{ "a cookie's MSS bits are authenticated", test_syncookie_mss_bits_are_authenticated },
		{ "cookie checking ends two periods after the last cookie", test_syncookie_checking_ends },
		{ "a valid cookie refused by a limit: counted there, one RST", test_valid_syncookie_refused_by_a_limit },
		{ "data on a SYN is not delivered", test_data_on_syn_is_not_delivered },
		{ "connections per source address are capped", test_connections_per_source_capped },
		{ "a SYN to a multicast group gets no SYN-ACK", test_syn_to_multicast_is_dropped },
	};

	return tcp_test_run("tcp_handshake", tests, sizeof(tests) / sizeof(tests[0]));
}
