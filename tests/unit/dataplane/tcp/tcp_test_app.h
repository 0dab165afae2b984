/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_TCP_TEST_APP_H
#define IPHTTPS_TCP_TEST_APP_H

/*
 * What every TCP test binary (test_tcp_*.c) shares: a recording layer above
 * TCP listening on TEST_PORT, the worker reset between cases (fresh(), which
 * also checks that no mbuf was left counted in a TCP queue), and the peer's
 * side of a handshake. The test plays the peer with exact segments
 * (tcp_script.h) and moves the clock by hand.
 *
 * Functions here are static inline so that a binary that does not use one
 * does not warn about it.
 */
#include <CUnit/Basic.h>

#define EXT CONFIG_PORT_EXTERNAL
#define INT CONFIG_PORT_INTERNAL

#include "harness.h"
#include "tcp_memory.h"
#include "tcp_script.h"
#include "worker_counters.h"

enum { TEST_PORT = 443, CLOSED_PORT = 444, T0_MS = 1000000 };

/* A recording layer above TCP: what it was told, and what it does back. */

struct app {
	struct tcp_conn *conn;
	int accepted, readable, writable, peer_fin, closed, reset, timed_out;
	bool refuse;
	bool autoclose; /* shut down when the peer does */
	bool drain;     /* take everything as it becomes readable, as the session layer does */
	const char *reply_on_fin; /* written just before that shutdown (a TLS alert, say) */
};

static struct app app;

static inline void *app_accepted(struct worker *w, struct tcp_conn *c, void *listener_ctx)
{
	(void)w;
	(void)listener_ctx;
	if (app.refuse)
		return NULL;
	app.conn = c;
	app.accepted++;
	return &app;
}

static inline void app_readable(struct worker *w, struct tcp_conn *c, void *ctx)
{
	static uint8_t sink[64 * 1024];

	(void)ctx;
	app.readable++;
	while (app.drain && tcp_read(w, c, sink, sizeof(sink)) > 0)
		;
}

static inline void app_writable(struct worker *w, struct tcp_conn *c, void *ctx)
{
	(void)w, (void)c, (void)ctx;
	app.writable++;
}

static inline void app_closed(struct worker *w, struct tcp_conn *c, void *ctx, enum tcp_event event)
{
	(void)ctx;
	switch (event) {
	case TCP_EVENT_PEER_FIN:
		app.peer_fin++;
		if (app.reply_on_fin)
			tcp_write(w, c, app.reply_on_fin, (uint32_t)strlen(app.reply_on_fin));
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
static inline void fresh(void)
{
	struct worker *w = harness.w;

	for (uint32_t i = 0; i < tcp_worker_of(w)->capacity; i++)
		if (tcp_worker_of(w)->conns[i].state != TCP_CLOSED)
			tcp_conn_destroy(w, &tcp_worker_of(w)->conns[i]);
	/* Every test ends here: with every connection gone, the worker's count of
	 * mbufs in TCP queues is back to zero, or some path lost count of one. */
	CU_ASSERT_EQUAL(tcp_worker_of(w)->queued_mbufs, 0);
	tcp_worker_of(w)->queued_mbufs = 0;
	harness_reset();
	memset(&app, 0, sizeof(app));
	tcp_worker_of(w)->half_open = 0;
	tcp_worker_of(w)->syncookies_used_ms = 0;
	tcp_worker_of(w)->challenge_acks = (struct rate_budget){ 0 };
	harness.config.limits.syn_cookie_threshold = LIMIT_SYN_COOKIE_THRESHOLD_DEFAULT;
	harness.config.limits.max_connections_per_source = LIMIT_CONNECTIONS_PER_SOURCE_DEFAULT;
	clock_set_ms(T0_MS);
	tcp_worker_of(w)->wheel_tick = T0_MS;
	peer_port++;
}

static inline struct peer new_peer(int family, bool ts)
{
	struct peer p = { .family = family, .sport = peer_port, .dport = TEST_PORT, .iss = 1000000,
			  .ts = ts, .tsval = 5000, .win = 65535 };

	p.snd_nxt = p.iss;
	return p;
}

static inline struct seg syn_of(struct peer *p, bool mss, bool sack, bool ts, int ws)
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
static inline void handshake(struct peer *p, int ws)
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

static inline struct tcp_conn *conn_of(const struct peer *p)
{
	(void)p;
	return app.conn;
}

/* The peer's side. */

/* Take the next segment and check its flags, sequence and acknowledgement numbers. */
static inline int expect(struct seg *out, uint8_t flags, uint32_t seq, uint32_t ack)
{
	if (take(out) != 0) {
		CU_FAIL("expected a segment, none was sent");
		return -1;
	}
	CU_ASSERT_EQUAL(out->flags, flags);
	CU_ASSERT_EQUAL(out->seq, seq);
	CU_ASSERT_EQUAL(out->ack, ack);
	CU_ASSERT_TRUE(out->checksum_ok);
	return 0;
}

static inline struct peer established(bool ts)
{
	struct peer p;

	fresh();
	p = new_peer(4, ts);
	handshake(&p, 7);
	return p;
}

/*
 * The out-of-order list is sorted, disjoint and counted; ooo_tail is its last
 * segment and ooo_tail_run a point of the contiguous run that ends there.
 */
static inline bool ooo_consistent(const struct tcp_conn *c)
{
	const struct rte_mbuf *m, *last = NULL;
	uint32_t count = 0, run = 0;

	for (m = c->ooo; m; last = m, m = m->next) {
		if (last && tcp_seq_lt(m->hash.usr, last->hash.usr + last->data_len))
			return false;
		if (!last || m->hash.usr != last->hash.usr + last->data_len)
			run = m->hash.usr;
		count++;
	}
	if (count != c->ooo_count || c->ooo_tail != last)
		return false;
	return !last || (tcp_seq_leq(run, c->ooo_tail_run) && tcp_seq_leq(c->ooo_tail_run, last->hash.usr));
}

/* Start the harness (EAL, ring ports, one worker), listen on TEST_PORT, run the cases. */
static inline int tcp_test_run(const char *suite, const struct harness_test *tests, size_t count)
{
	if (harness_start() != 0) {
		fprintf(stderr, "%s: harness setup failed (run from the repository root after make)\n", suite);
		return 1;
	}
	if (tcp_listen(TEST_PORT, &app_upcalls, NULL) != 0 || tcp_services_start(&harness.config) != 0)
		return 1;
	return harness_run(suite, tests, count);
}

#endif
