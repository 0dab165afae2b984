/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP input: one segment, run to completion.
 *
 * Order of checks (RFC 9293 3.10.7, with RFC 7323 PAWS and RFC 5961):
 *   header, checksum, flags → connection lookup
 *   no connection:  RST ignored; SYN to a listener opens (or, when too many
 *                   are half-open, answers with a SYN cookie); an ACK may
 *                   carry a valid cookie; anything else draws a RST
 *   SYN-RECEIVED:   RST, SYN, then the ACK that completes the handshake
 *   synchronized:   PAWS → RST (exact seq resets, in-window challenges) →
 *                   SYN (challenge ACK) → trim to the window → ACK field
 *                   (RFC 5961 range, new data acked, dupacks, window update,
 *                   our FIN acked) → data (in order to the receive queue, else
 *                   to the out-of-order list) → FIN
 *   then tcp_output sends what is owed (data, FIN, ACK) in one pass.
 */
#include <string.h>

#include <rte_ip.h>
#include <rte_random.h>
#include <rte_tcp.h>

#include "appliance_config.h"
#include "checksum.h"
#include "l4_input.h"
#include "iface.h"
#include "tcp_conn.h"
#include "tcp_counters.h"
#include "tcp_memory.h"
#include "worker.h"

struct tcp_seg {
	uint32_t seq, ack, len; /* len: payload bytes */
	uint32_t wnd;           /* as sent: unscaled */
	uint8_t flags;
	struct tcp_opts opts;
	struct rte_mbuf *m;     /* payload only, or NULL once consumed */
	struct rte_ether_addr src_mac;
	uint16_t headers_bytes; /* Ethernet, IP and TCP headers, trimmed off m: restored to hand the frame over */
	unsigned int hops;      /* workers this segment was handed to already */
};


static void seg_free(struct tcp_seg *s)
{
	if (s->m) {
		rte_pktmbuf_free(s->m);
		s->m = NULL;
	}
}

/* RST for a segment that has no connection (RFC 9293 3.10.7.1). */
static void reset_for(struct worker *w, const struct iface *ifc, const struct tcp_key *key, const struct tcp_seg *s)
{
	if (s->flags & RTE_TCP_RST_FLAG)
		return;
	if (s->flags & RTE_TCP_ACK_FLAG)
		tcp_send_reply(w, ifc->role, key, &s->src_mac, s->ack, 0, RTE_TCP_RST_FLAG, 0, NULL, 0);
	else
		tcp_send_reply(w, ifc->role, key, &s->src_mac, 0,
			       s->seq + s->len + !!(s->flags & RTE_TCP_SYN_FLAG) + !!(s->flags & RTE_TCP_FIN_FLAG),
			       RTE_TCP_RST_FLAG | RTE_TCP_ACK_FLAG, 0, NULL, 0);
}

/*
 * RFC 5961 7: challenge ACKs are limited, so that forged RSTs and SYNs cannot
 * turn the appliance into an ACK amplifier, in two ways. Per connection: one
 * per TCP_CHALLENGE_ACK_INTERVAL_MS (Linux's tcp_invalid_ratelimit), so one
 * attacked connection cannot use up the worker's budget for the others. Per
 * worker: a budget per second drawn anew each second between half and one
 * and a half times TCP_CHALLENGE_ACKS_PER_SECOND, so an off-path attacker
 * cannot count the ACKs a connection sends against a known limit to learn
 * its sequence numbers (CVE-2016-5696).
 */
static void challenge_ack(struct worker *w, struct tcp_conn *c)
{
	struct tcp_worker *t = tcp_worker_of(w);
	uint32_t now = (uint32_t)w->now_ms;

	if (c->last_challenge_ms && now - c->last_challenge_ms < TCP_CHALLENGE_ACK_INTERVAL_MS) {
		counter(w, drop_tcp_challenge_ack_conn_limit)++;
		return;
	}
	if (w->now_ms / 1000 != t->challenge_acks.second || t->challenge_limit == 0)
		t->challenge_limit = TCP_CHALLENGE_ACKS_PER_SECOND / 2 +
				     (uint32_t)rte_rand_max(TCP_CHALLENGE_ACKS_PER_SECOND);
	if (!rate_budget_take(&t->challenge_acks, w->now_ms, t->challenge_limit)) {
		counter(w, drop_tcp_challenge_ack_limit)++;
		return;
	}
	c->last_challenge_ms = now ? now : 1;
	counter(w, tcp_challenge_acks)++;
	tcp_send_ack(w, c);
}

static unsigned int mss_index_for(uint16_t mss)
{
	unsigned int i = 7;

	while (i > 0 && tcp_syncookie_mss[i] > mss)
		i--;
	return i;
}

/* Negotiated options of a SYN, shared by the stateful and cookie paths. */
static void apply_syn_options(struct worker *w, struct tcp_conn *c, const struct tcp_opts *o, uint16_t our_mss)
{
	uint16_t peer_mss = o->has_mss ? o->mss : (c->key.family == 4 ? TCP_DEFAULT_MSS_IPV4 : TCP_DEFAULT_MSS_IPV6);

	c->mss = RTE_MIN(peer_mss, our_mss);
	if (c->mss < 64)
		c->mss = 64; /* a peer announcing a tiny MSS would make us send a flood of runts */
	if (o->has_wscale) {
		c->flags |= TCPF_WS_OK;
		c->snd_wscale = o->wscale;
		c->rcv_wscale = tcp_rcv_wscale(w);
	}
	if (o->sack_permitted)
		c->flags |= TCPF_SACK_OK;
	if (o->has_ts) {
		c->flags |= TCPF_TS_OK;
		c->ts_recent = o->tsval;
		c->ts_recent_age_ms = (uint32_t)w->now_ms;
	}
}

static void syncookie_synack(struct worker *w, const struct iface *ifc, const struct tcp_key *key,
			     const struct tcp_seg *s)
{
	uint16_t our_mss = iface_tcp_mss(ifc, key->family);
	uint16_t peer_mss = s->opts.has_mss ? s->opts.mss : TCP_DEFAULT_MSS_IPV4;
	unsigned int index = mss_index_for(RTE_MIN(our_mss, peer_mss));
	uint32_t cookie = tcp_syncookie_make(key, s->seq, index, w->now_ms);
	uint8_t options[40], len;
	uint32_t tsval = 0;

	if (s->opts.has_ts) {
		/* The peer's window scale (0xf: none) and SACK-permitted ride in the
		 * low 6 bits of our TSval. It is taken below the clock, never above:
		 * a TSval ahead of the ones that follow would have the peer's PAWS
		 * drop our first data (RFC 7323 5). */
		tsval = ((tcp_tsval(w) - 64) & ~0x3fu) | (s->opts.has_wscale ? s->opts.wscale : 0xfu) |
			(s->opts.sack_permitted ? 0x10u : 0);
	}
	len = tcp_synack_options(options, tcp_syncookie_mss[index], s->opts.has_ts && s->opts.sack_permitted,
				 s->opts.has_ts, tsval, s->opts.tsval,
				 s->opts.has_ts && s->opts.has_wscale ? tcp_rcv_wscale(w) : -1);
	tcp_worker_of(w)->syncookies_used_ms = w->now_ms ? w->now_ms : 1;
	counter(w, tcp_syncookies_sent)++;
	tcp_send_reply(w, ifc->role, key, &s->src_mac, cookie, s->seq + 1, RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG,
		       (uint16_t)RTE_MIN(w->config->limits.tcp_recv_queue_bytes, 0xffffu), options, len);
}

/*
 * A connection's control block from its SYN, for both ways in: a SYN kept
 * as SYN-RECEIVED, and the ACK of a SYN cookie. Checks the per-source and
 * per-worker limits first. @return the connection, or NULL (counted).
 */
static struct tcp_conn *conn_open(struct worker *w, const struct iface *ifc, const struct tcp_key *key,
				  const struct tcp_listener *l, const struct rte_ether_addr *peer_mac, uint32_t irs,
				  uint32_t iss, const struct tcp_opts *syn_opts)
{
	struct tcp_conn *c;

	if (tcp_source_over_limit(w, key)) {
		counter(w, drop_tcp_source_limit)++;
		return NULL;
	}
	c = tcp_flow_create(w, key);
	if (!c) {
		counter(w, drop_tcp_conn_limit)++;
		return NULL;
	}
	c->role = (uint8_t)ifc->role;
	c->peer_mac = *peer_mac;
	c->listener = l;
	c->irs = irs;
	c->rcv_nxt = irs + 1;
	c->rcv_epoch_seq = c->rcv_nxt;
	c->rcv_epoch_us = (uint32_t)w->now_us;
	c->iss = iss;
	c->snd_una = iss;
	c->snd_nxt = c->snd_max = iss + 1;
	c->recover = iss;
	c->rto_ms = TCP_RTO_INITIAL_MS;
	apply_syn_options(w, c, syn_opts, iface_tcp_mss(ifc, key->family));
	tcp_cc_init(c);
	return c;
}

static void passive_open(struct worker *w, const struct iface *ifc, const struct tcp_key *key,
			 const struct tcp_listener *l, struct tcp_seg *s)
{
	uint32_t threshold = w->config->limits.syn_cookie_threshold;
	struct tcp_conn *c;

	seg_free(s); /* data on a SYN waits for the peer to send it again */
	if (threshold && tcp_worker_of(w)->half_open >= threshold) {
		syncookie_synack(w, ifc, key, s);
		return;
	}
	c = conn_open(w, ifc, key, l, &s->src_mac, s->seq, tcp_isn(key, w->now_us), &s->opts);
	if (!c)
		return;
	c->snd_wnd = c->max_snd_wnd = s->wnd; /* never scaled in a SYN (RFC 7323 2.2) */
	c->state = TCP_SYN_RECEIVED;
	tcp_worker_of(w)->half_open++;
	counter(w, tcp_passive_opens)++;
	c->rtt_start_us = w->now_us;
	tcp_send_synack(w, c);
	tcp_rexmt_restart(w, c);
	tcp_timer_update(w, c);
}

/* The connection is up: hand it to the layer above. Returns false if it refused (reset sent, freed). */
static bool establish(struct worker *w, struct tcp_conn *c)
{
	void *ctx;

	c->state = TCP_ESTABLISHED;
	c->t_keep = w->now_ms + TCP_KEEPALIVE_IDLE_MS;
	counter(w, tcp_established)++;
	c->up = c->listener->up;
	ctx = c->up->accepted ? c->up->accepted(w, c, c->listener->ctx) : NULL;
	if (c->state == TCP_CLOSED)
		return false; /* the layer above aborted it from inside accepted */
	if (!ctx) {
		tcp_send_rst_conn(w, c);
		tcp_conn_destroy(w, c);
		return false;
	}
	c->ctx = ctx;
	c->flags |= TCPF_ACCEPTED;
	return true;
}

/* Whether an ACK for no connection may complete a cookie: only while cookies
 * sent lately can still be valid (a cookie lives at most two periods). */
static bool syncookies_recent(const struct worker *w)
{
	uint64_t used = tcp_worker_of(w)->syncookies_used_ms;

	return used && w->now_ms - used < 2 * (uint64_t)TCP_SYNCOOKIE_PERIOD_MS;
}

enum syncookie_verdict { SYNCOOKIE_INVALID, SYNCOOKIE_REFUSED, SYNCOOKIE_OPENED };

/*
 * An ACK that may complete a SYN cookie. INVALID: not a valid cookie (the
 * caller counts and resets); REFUSED: valid, but a limit or the layer above
 * refused it (counted, and reset once, here or by establish); OPENED: *out.
 */
static enum syncookie_verdict syncookie_open(struct worker *w, const struct iface *ifc, const struct tcp_key *key,
					     const struct tcp_listener *l, struct tcp_seg *s, struct tcp_conn **out)
{
	unsigned int index;
	struct tcp_conn *c;
	struct tcp_opts o;

	if (tcp_syncookie_check(key, s->seq - 1, s->ack - 1, w->now_ms, &index) != 0)
		return SYNCOOKIE_INVALID;
	/* The SYN's options, as far as the cookie and our TSval carried them. */
	memset(&o, 0, sizeof(o));
	o.has_mss = true;
	o.mss = tcp_syncookie_mss[index];
	if (s->opts.has_ts) {
		uint32_t bits = s->opts.tsecr & 0x3f;

		o.has_ts = true;
		o.tsval = s->opts.tsval;
		o.has_wscale = (bits & 0xf) != 0xf;
		o.wscale = (uint8_t)(bits & 0xf);
		o.sack_permitted = bits & 0x10;
	}
	c = conn_open(w, ifc, key, l, &s->src_mac, s->seq - 1, s->ack - 1, &o);
	if (!c) {
		reset_for(w, ifc, key, s); /* the peer believes it is connected: tell it once */
		return SYNCOOKIE_REFUSED;
	}
	c->snd_una = s->ack; /* our SYN is acknowledged by this very segment */
	c->snd_wnd = c->max_snd_wnd = s->wnd << c->snd_wscale;
	c->snd_wl1 = s->seq;
	c->snd_wl2 = s->ack;
	c->rcv_adv = c->rcv_nxt + RTE_MIN(w->config->limits.tcp_recv_queue_bytes, 0xffffu);
	counter(w, tcp_syncookies_accepted)++;
	if (!establish(w, c))
		return SYNCOOKIE_REFUSED; /* establish sent the RST */
	*out = c;
	return SYNCOOKIE_OPENED;
}

/* Leave for TIME-WAIT: the layer above is told the connection is closed. */
static void enter_time_wait(struct worker *w, struct tcp_conn *c)
{
	const struct tcp_upcalls *up = c->up;
	void *ctx = c->ctx;
	bool accepted = c->flags & TCPF_ACCEPTED;

	c->state = TCP_TIME_WAIT;
	c->t_rexmt = c->t_persist = c->t_keep = c->t_delack = 0;
	c->t_2msl = w->now_ms + 2u * TCP_MSL_MS;
	c->flags &= (uint16_t)~TCPF_ACCEPTED;
	c->up = NULL;
	c->ctx = NULL;
	tcp_bufq_free(&c->sndq);
	tcp_bufq_free(&c->rcvq);
	tcp_reass_free(w, c);
	counter(w, tcp_closed)++;
	if (accepted && up && up->closed)
		up->closed(w, c, ctx, TCP_EVENT_CLOSED);
}

static bool paws_reject(struct worker *w, struct tcp_conn *c, const struct tcp_seg *s)
{
	if (!(c->flags & TCPF_TS_OK) || !s->opts.has_ts || (s->flags & RTE_TCP_RST_FLAG))
		return false;
	if ((int32_t)(s->opts.tsval - c->ts_recent) >= 0)
		return false;
	/* RFC 7323 5.5: a TS.Recent idle for 24 days is invalid, not a reason to drop. */
	if ((uint32_t)w->now_ms - c->ts_recent_age_ms > TCP_TS_RECENT_MAX_AGE_MS) {
		c->ts_recent = s->opts.tsval;
		return false;
	}
	return true;
}

/* Process the ACK field (RFC 9293 3.10.7.4 "fifth"). Returns false when the segment must go no further. */
static bool ack_input(struct worker *w, struct tcp_conn *c, struct tcp_seg *s)
{
	uint32_t ack = s->ack;
	uint32_t window = s->wnd << c->snd_wscale;
	bool window_update = tcp_seq_lt(c->snd_wl1, s->seq) || (c->snd_wl1 == s->seq && tcp_seq_leq(c->snd_wl2, ack));

	if (tcp_seq_gt(ack, c->snd_max)) {
		counter(w, drop_tcp_ack_unsent)++;
		c->flags |= TCPF_ACK_NOW;
		return false;
	}
	if (tcp_seq_lt(ack, c->snd_una - RTE_MAX(c->max_snd_wnd, 1u))) {
		counter(w, drop_tcp_ack_too_old)++;
		c->flags |= TCPF_ACK_NOW;
		return false;
	}
	if (tcp_seq_gt(ack, c->snd_una)) {
		uint32_t acked = ack - c->snd_una;
		uint32_t data = RTE_MIN(acked, c->sndq.bytes);
		/* Our FIN is acknowledged when the ACK covers more than the data
		 * queued. Not "FIN_SENT and ack == snd_max": a timeout's go-back-N
		 * clears FIN_SENT, and if the peer then acknowledges the FIN it had
		 * already received, that test missed it and a second FIN went out one
		 * sequence number further, which no peer ever acknowledges (a
		 * connection stuck in LAST-ACK). */
		bool fin_acked = (c->flags & (TCPF_FIN_SENT | TCPF_FIN_QUEUED)) && acked > c->sndq.bytes;

		uint32_t flight_before = tcp_flight(c);

		if ((c->flags & TCPF_RTT_TIMING) && tcp_seq_gt(ack, c->rtt_seq)) {
			tcp_rtt_sample(c, (uint32_t)(w->now_us - c->rtt_start_us));
			c->flags &= (uint16_t)~TCPF_RTT_TIMING;
		}
		tcp_bufq_drop(&c->sndq, data);
		c->snd_una = ack;
		if (c->flags & TCPF_SACK_OK)
			tcp_sack_update(c, &s->opts); /* also forgets what is now below snd_una */
		if (tcp_seq_lt(c->snd_nxt, c->snd_una))
			c->snd_nxt = c->snd_una;
		c->backoff = 0;
		c->retries = 0;
		if (!(c->flags & TCPF_IN_RECOVERY) || !tcp_cc_recovery_ack(w, c, acked)) {
			c->dupacks = 0;
			if (!(c->flags & TCPF_IN_RECOVERY)) {
				uint32_t start = w->config->limits.tcp_send_queue_bytes, grown = c->sndq_grown;

				tcp_cc_ack(c, acked, flight_before);
				if (grown <= start && c->sndq_grown > start)
					counter(w, tcp_send_queue_grown)++;
			}
		}
		if (c->snd_una == c->snd_max) {
			c->t_rexmt = 0;
			c->flags &= (uint16_t)~TCPF_TLP_PENDING;
		} else if (!(c->flags & TCPF_IN_RECOVERY)) {
			tcp_rexmt_arm(w, c);
		}
		if (fin_acked) {
			c->flags |= TCPF_FIN_SENT;
			switch (c->state) {
			case TCP_FIN_WAIT_1:
				c->state = TCP_FIN_WAIT_2;
				c->t_2msl = w->now_ms + TCP_FIN_WAIT_2_TIMEOUT_MS;
				break;
			case TCP_CLOSING:
				enter_time_wait(w, c);
				return false;
			case TCP_LAST_ACK:
				tcp_conn_finish(w, c, TCP_EVENT_CLOSED);
				return false;
			default:
				break;
			}
		}
		if ((c->flags & TCPF_WANT_WRITABLE) && tcp_send_space(w, c) > 0) {
			tcp_notify_writable(w, c);
			if (c->state == TCP_CLOSED)
				return false;
		}
	} else if (ack == c->snd_una && tcp_flight(c) > 0) {
		/* RFC 5681 2: a duplicate ACK carries no data and no window change. RFC 6675 2
		 * also counts any ACK that SACKs new data: in a two-way stream the peer's ACKs
		 * ride on its data, and would never count otherwise. */
		bool duplicate = s->len == 0 && !(s->flags & (RTE_TCP_FIN_FLAG | RTE_TCP_SYN_FLAG)) &&
				 window == c->snd_wnd;

		/* An ACK that shuts the window answers a zero-window probe: it says
		 * nothing of loss, and a fast retransmit into a shut window is waste. */
		if (window == 0) {
			if ((c->flags & TCPF_SACK_OK) && s->opts.sack_count)
				tcp_sack_update(c, &s->opts);
			goto window;
		}

		if ((c->flags & TCPF_SACK_OK) && s->opts.sack_count) {
			uint32_t before = tcp_sack_bytes(c);

			tcp_sack_update(c, &s->opts);
			duplicate |= tcp_sack_bytes(c) != before;
		}
		if (duplicate)
			tcp_cc_dupack(w, c);
	}
window:
	if (window_update) {
		c->snd_wnd = window;
		c->snd_wl1 = s->seq;
		c->snd_wl2 = ack;
		if (window > c->max_snd_wnd)
			c->max_snd_wnd = window;
		if (window > 0 && c->t_persist) {
			c->t_persist = 0;
			c->backoff = 0;
		}
	}
	return true;
}

static void data_input(struct worker *w, struct tcp_conn *c, struct tcp_seg *s)
{
	struct rte_mbuf *m = s->m;

	s->m = NULL;
	if (c->state != TCP_ESTABLISHED && c->state != TCP_FIN_WAIT_1 && c->state != TCP_FIN_WAIT_2) {
		rte_pktmbuf_free(m); /* after the peer's FIN: nothing more can be data */
		return;
	}
	if (s->seq != c->rcv_nxt) {
		tcp_reass_insert(w, c, m, s->seq);
		c->flags |= TCPF_ACK_NOW; /* a duplicate ACK with SACK tells the peer what is missing */
		return;
	}
	if (!tcp_memory_rcv_allowed(w, c)) {
		/* Not taken (counted): the peer sends it again once memory frees. */
		rte_pktmbuf_free(m);
		c->flags |= TCPF_ACK_NOW;
		return;
	}
	c->rcv_nxt += s->len;
	counter(w, tcp_rx_bytes) += s->len;
	tcp_bufq_append(&c->rcvq, m);
	if (c->ooo) {
		tcp_reass_pull(w, c);
		c->flags |= TCPF_ACK_NOW; /* a hole filled: tell the peer now (RFC 5681 4.2) */
	} else if (c->flags & TCPF_DELACK) {
		c->flags |= TCPF_ACK_BATCH; /* every second segment, at the end of the batch */
	} else {
		c->flags |= TCPF_DELACK;
		c->t_delack = w->now_ms + TCP_DELACK_MS;
	}
	c->flags |= TCPF_READABLE_PENDING;
}

/* The layer above hears of the batch's in-order data (it may close or write). */
static void deliver_readable(struct worker *w, struct tcp_conn *c)
{
	c->flags &= (uint16_t)~TCPF_READABLE_PENDING;
	tcp_notify_readable(w, c);
}

/* What the batch deferred for c: its data to the layer above, then what is to send. */
static void batch_run(struct worker *w, struct tcp_conn *c)
{
	c->flags &= (uint16_t)~TCPF_BATCHED;
	if (c->flags & TCPF_READABLE_PENDING) {
		deliver_readable(w, c);
		if (c->state == TCP_CLOSED)
			return;
	}
	tcp_memory_rcv_measure(w, c); /* before tcp_output: a grown window goes out with this ACK */
	if (c->flags & TCPF_ACK_BATCH)
		c->flags |= TCPF_ACK_NOW;
	tcp_output(w, c);
}

static void batch_add(struct worker *w, struct tcp_conn *c)
{
	struct tcp_worker *t = tcp_worker_of(w);

	if (c->flags & TCPF_BATCHED)
		return;
	if (t->batch_count == TCP_BATCH_CONNS) {
		batch_run(w, c); /* the list is full: this one now */
		return;
	}
	c->flags |= TCPF_BATCHED;
	t->batch[t->batch_count++] = (uint32_t)(c - t->conns);
}

void tcp_input_batch_end(struct worker *w)
{
	struct tcp_worker *t = tcp_worker_of(w);

	/* A slot closed during the batch lost its flags; one reused by a new
	 * connection is run by its own entry. */
	for (uint32_t i = 0; i < t->batch_count; i++) {
		struct tcp_conn *c = &t->conns[t->batch[i]];

		if ((c->flags & TCPF_BATCHED) && c->state != TCP_CLOSED)
			batch_run(w, c);
	}
	t->batch_count = 0;
}

static void fin_input(struct worker *w, struct tcp_conn *c)
{
	c->flags |= TCPF_ACK_NOW;
	if (c->flags & TCPF_PEER_FIN) {
		if (c->state == TCP_TIME_WAIT)
			c->t_2msl = w->now_ms + 2u * TCP_MSL_MS; /* their FIN again: our ACK was lost */
		return;
	}
	c->rcv_nxt++;
	c->flags |= TCPF_PEER_FIN;
	switch (c->state) {
	case TCP_ESTABLISHED:
		c->state = TCP_CLOSE_WAIT;
		break;
	case TCP_FIN_WAIT_1:
		c->state = TCP_CLOSING;
		break;
	case TCP_FIN_WAIT_2:
		tcp_send_ack(w, c);
		enter_time_wait(w, c);
		return;
	default:
		return;
	}
	if ((c->flags & TCPF_ACCEPTED) && c->up->closed)
		c->up->closed(w, c, c->ctx, TCP_EVENT_PEER_FIN);
}

static void syn_received_input(struct worker *w, struct tcp_conn *c, struct tcp_seg *s)
{
	if (s->flags & RTE_TCP_RST_FLAG) {
		if (s->seq == c->rcv_nxt)
			tcp_conn_destroy(w, c); /* back to LISTEN (RFC 9293 3.10.7.4) */
		else
			counter(w, drop_tcp_rst_out_of_window)++;
		return;
	}
	if (s->flags & RTE_TCP_SYN_FLAG) {
		if (s->seq == c->irs)
			tcp_send_synack(w, c); /* their SYN again: our SYN-ACK was lost */
		else
			challenge_ack(w, c);
		return;
	}
	if (!(s->flags & RTE_TCP_ACK_FLAG)) {
		counter(w, drop_tcp_no_ack)++;
		return;
	}
	if (s->ack != c->snd_nxt) {
		counter(w, drop_tcp_bad_syn_ack_ack)++;
		tcp_send_reply(w, c->role, &c->key, &c->peer_mac, s->ack, 0, RTE_TCP_RST_FLAG, 0, NULL, 0);
		return;
	}
	if (tcp_worker_of(w)->half_open > 0)
		tcp_worker_of(w)->half_open--;
	if (c->retries == 0)
		tcp_rtt_sample(c, (uint32_t)(w->now_us - c->rtt_start_us));
	c->snd_una = s->ack;
	c->snd_wnd = c->max_snd_wnd = s->wnd << c->snd_wscale;
	c->snd_wl1 = s->seq;
	c->snd_wl2 = s->ack;
	c->t_rexmt = 0;
	c->backoff = c->retries = 0;
	if (!establish(w, c))
		return;
}

/*
 * Trim the segment to the receive window (RFC 9293 3.10.7.4 "first").
 * False: nothing acceptable. *in_window says whether any of it (or, for an
 * empty segment, its sequence number) was in the window: only such a segment
 * may set TS.Recent (RFC 7323 4.3). An entirely old or entirely future one
 * still has its ACK field looked at, but proves nothing about its sender.
 */
static bool trim_to_window(struct worker *w, struct tcp_conn *c, struct tcp_seg *s, bool *in_window)
{
	uint32_t wnd = tcp_seq_gt(c->rcv_adv, c->rcv_nxt) ? c->rcv_adv - c->rcv_nxt : 0;
	int32_t before = (int32_t)(c->rcv_nxt - s->seq);
	uint32_t end;

	*in_window = false;
	if (before > 0) {
		if ((uint32_t)before >= s->len + !!(s->flags & RTE_TCP_FIN_FLAG)) {
			/* Entirely old: a retransmission we already have. ACK it, keep the ACK field. */
			if (s->len || (s->flags & RTE_TCP_FIN_FLAG))
				c->flags |= TCPF_ACK_NOW;
			if (!(c->flags & TCPF_PEER_FIN) || (uint32_t)before > s->len + 1)
				s->flags &= (uint8_t)~RTE_TCP_FIN_FLAG;
			seg_free(s);
			s->seq = c->rcv_nxt;
			s->len = 0;
			return true;
		}
		rte_pktmbuf_adj(s->m, (uint16_t)before);
		s->seq += (uint32_t)before;
		s->len -= (uint32_t)before;
	}
	end = s->seq + s->len;
	if (tcp_seq_gt(end, c->rcv_nxt + wnd)) {
		uint32_t beyond = end - (c->rcv_nxt + wnd);

		if (beyond >= s->len) {
			c->flags |= TCPF_ACK_NOW;
			if (s->len && !(s->seq == c->rcv_nxt && wnd == 0))
				counter(w, drop_tcp_out_of_window)++;
			seg_free(s);
			s->len = 0;
			s->flags &= (uint8_t)~RTE_TCP_FIN_FLAG;
			/*
			 * RFC 9293 3.10.7.4: with the window shut, "special allowance should be
			 * made to accept valid ACKs". A peer whose data we could not take has
			 * its sequence number past our (closed) window, yet its ACKs are what
			 * frees our send queue and so, for a relay like echo, our window:
			 * ignoring them deadlocks both sides. They are taken while the sequence
			 * number lies within the largest window we can ever offer (which keeps
			 * a blind attacker guessing), and the RFC 5961 ACK range still applies.
			 */
			return tcp_seq_lt(s->seq, c->rcv_nxt + RTE_MAX(tcp_memory_rcv_cap(w, c), 1u));
		}
		rte_pktmbuf_trim(s->m, (uint16_t)beyond);
		s->len -= beyond;
		s->flags &= (uint8_t)~RTE_TCP_FIN_FLAG;
		counter(w, drop_tcp_rcvq_full)++;
	}
	*in_window = true;
	return true;
}

static void conn_segment(struct worker *w, struct tcp_conn *c, struct tcp_seg *s)
{
	bool in_window;
	uint32_t wnd;

	if (c->state == TCP_SYN_RECEIVED) {
		syn_received_input(w, c, s);
		if (c->state != TCP_ESTABLISHED)
			return;
		/* The completing ACK may carry data or FIN: go on as ESTABLISHED. */
	}
	/* What the batch holds for c goes up before a RST can end it (a FIN's data: below). */
	if ((s->flags & RTE_TCP_RST_FLAG) && (c->flags & TCPF_READABLE_PENDING)) {
		deliver_readable(w, c);
		if (c->state == TCP_CLOSED)
			return;
	}
	if (paws_reject(w, c, s)) {
		counter(w, drop_tcp_paws)++;
		c->flags |= TCPF_ACK_NOW;
		goto out;
	}
	wnd = tcp_seq_gt(c->rcv_adv, c->rcv_nxt) ? c->rcv_adv - c->rcv_nxt : 0;
	if (s->flags & RTE_TCP_RST_FLAG) {
		/* RFC 5961 3.2: only the exact next sequence number resets. */
		if (s->seq == c->rcv_nxt) {
			if (c->state == TCP_TIME_WAIT)
				tcp_conn_destroy(w, c);
			else
				tcp_conn_finish(w, c, TCP_EVENT_RESET);
		} else if (tcp_seq_geq(s->seq, c->rcv_nxt) && tcp_seq_lt(s->seq, c->rcv_nxt + RTE_MAX(wnd, 1u))) {
			challenge_ack(w, c);
		} else {
			counter(w, drop_tcp_rst_out_of_window)++;
		}
		return;
	}
	if (s->flags & RTE_TCP_SYN_FLAG) {
		/* RFC 5961 4.2: any SYN on a synchronized connection gets a challenge ACK. */
		challenge_ack(w, c);
		return;
	}
	if (!trim_to_window(w, c, s, &in_window))
		goto out;
	if (!(s->flags & RTE_TCP_ACK_FLAG)) {
		counter(w, drop_tcp_no_ack)++;
		goto out;
	}
	/* RFC 7323 4.3: remember the timestamp of the segment that our next ACK covers. */
	if (in_window && (c->flags & TCPF_TS_OK) && s->opts.has_ts && tcp_seq_leq(s->seq, c->last_ack_sent) &&
	    (int32_t)(s->opts.tsval - c->ts_recent) >= 0) {
		c->ts_recent = s->opts.tsval;
		c->ts_recent_age_ms = (uint32_t)w->now_ms;
	}
	if (in_window && s->len && (c->flags & TCPF_TS_OK) && s->opts.has_ts && s->opts.tsecr)
		tcp_rcv_rtt_sample(w, c, s->opts.tsecr);
	if (!ack_input(w, c, s))
		goto out;
	if ((c->state == TCP_ESTABLISHED || c->state == TCP_CLOSE_WAIT) && !(c->flags & TCPF_FIN_QUEUED)) {
		/* Keepalive restarts on input; once we have shut down, t_keep is the
		 * close deadline, which nothing the peer sends may push back. */
		c->t_keep = w->now_ms + TCP_KEEPALIVE_IDLE_MS;
		c->keep_probes = 0;
	}
	if (s->len) {
		data_input(w, c, s);
		if (c->state == TCP_CLOSED)
			return;
	}
	if ((s->flags & RTE_TCP_FIN_FLAG) && s->seq + s->len == c->rcv_nxt && !c->ooo) {
		if (c->flags & TCPF_READABLE_PENDING) { /* the batch's data, this segment's too, before its FIN */
			deliver_readable(w, c);
			if (c->state == TCP_CLOSED)
				return;
		}
		fin_input(w, c);
		if (c->state == TCP_CLOSED)
			return;
	} else if (s->flags & RTE_TCP_FIN_FLAG) {
		/* A FIN beyond a hole is not kept (the peer sends it again); say what is missing. */
		c->flags |= TCPF_ACK_NOW;
	}
out:
	seg_free(s);
	if (c->state == TCP_CLOSED)
		return;
	/* What must answer this segment goes now (a duplicate or challenge ACK, a
	 * hole's news); the rest waits for the end of the batch. */
	if (c->flags & TCPF_ACK_NOW)
		tcp_output(w, c);
	batch_add(w, c);
}

/* A segment for a connection. Whatever path it takes (a RST that ends the
 * connection, a challenged SYN, data that closes it), its mbuf is freed here
 * unless a queue kept it. */
static void conn_input(struct worker *w, struct tcp_conn *c, struct tcp_seg *s)
{
	conn_segment(w, c, s);
	seg_free(s);
}

/* IPv4 multicast (224/4) or the limited broadcast. */
static bool tcp_ipv4_is_group(rte_be32_t dst)
{
	uint32_t host = rte_be_to_cpu_32(dst);

	return (host >> 28) == 0xe || host == 0xffffffffu;
}

static bool parse(struct worker *w, struct rte_mbuf *m, struct tcp_key *key, struct tcp_seg *s)
{
	uint32_t l4_len = m->data_len - m->l2_len - m->l3_len;
	const uint8_t *l3 = rte_pktmbuf_mtod_offset(m, const uint8_t *, m->l2_len);
	struct rte_tcp_hdr *th;
	uint32_t header_len;
	uint8_t flags;

	if (l4_len < sizeof(*th)) {
		worker_drop(w, m, drop_tcp_truncated);
		return false;
	}
	th = rte_pktmbuf_mtod_offset(m, struct rte_tcp_hdr *, m->l2_len + m->l3_len);
	header_len = (uint32_t)(th->data_off >> 4) * 4;
	if (header_len < sizeof(*th) || header_len > l4_len) {
		worker_drop(w, m, drop_tcp_bad_header_length);
		return false;
	}
	/* The port's verdict when it gives one (RX checksum offload), our own otherwise. */
	switch (m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK) {
	case RTE_MBUF_F_RX_L4_CKSUM_GOOD:
		counter(w, tcp_rx_checksum_verified_by_port)++;
		break;
	case RTE_MBUF_F_RX_L4_CKSUM_BAD:
		counter(w, tcp_rx_checksum_bad_by_port)++;
		worker_drop(w, m, drop_tcp_bad_checksum);
		return false;
	default:
		if (!checksum_tcp_ok(l3, th, l4_len)) {
			worker_drop(w, m, drop_tcp_bad_checksum);
			return false;
		}
	}
	/* TCP is unicast: a segment to a group the appliance listens on (all-nodes,
	 * its solicited-node group; IPv4 broadcast and multicast never get past
	 * ipv4.c) would otherwise draw a SYN-ACK or RST from a group address. */
	if ((l3[0] >> 4) == 6 ? ipv6_addr_is_multicast(((const struct rte_ipv6_hdr *)l3)->dst_addr)
			       : tcp_ipv4_is_group(((const struct rte_ipv4_hdr *)l3)->dst_addr)) {
		worker_drop(w, m, drop_tcp_multicast_destination);
		return false;
	}
	flags = th->tcp_flags;
	if ((flags & (RTE_TCP_SYN_FLAG | RTE_TCP_FIN_FLAG)) == (RTE_TCP_SYN_FLAG | RTE_TCP_FIN_FLAG) ||
	    (flags & (RTE_TCP_SYN_FLAG | RTE_TCP_RST_FLAG)) == (RTE_TCP_SYN_FLAG | RTE_TCP_RST_FLAG) ||
	    (flags & (RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG | RTE_TCP_RST_FLAG | RTE_TCP_FIN_FLAG)) == 0) {
		worker_drop(w, m, drop_tcp_bad_flags);
		return false;
	}
	memset(key, 0, sizeof(*key));
	if ((l3[0] >> 4) == 4) {
		const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)l3;

		key->family = 4;
		memcpy(key->local, &ip->dst_addr, 4);
		memcpy(key->remote, &ip->src_addr, 4);
	} else {
		const struct rte_ipv6_hdr *ip = (const struct rte_ipv6_hdr *)l3;

		key->family = 6;
		memcpy(key->local, ip->dst_addr, 16);
		memcpy(key->remote, ip->src_addr, 16);
	}
	key->local_port = th->dst_port;
	key->remote_port = th->src_port;
	s->seq = rte_be_to_cpu_32(th->sent_seq);
	s->ack = rte_be_to_cpu_32(th->recv_ack);
	s->wnd = rte_be_to_cpu_16(th->rx_win);
	s->flags = flags;
	s->len = l4_len - header_len;
	s->src_mac = rte_pktmbuf_mtod(m, struct rte_ether_hdr *)->src_addr;
	if (tcp_options_parse((const uint8_t *)(th + 1), header_len - sizeof(*th), &s->opts) != 0)
		memset(&s->opts, 0, sizeof(s->opts)); /* a broken option list counts as none */
	/* Keep the payload only: it goes to the receive queue in this very mbuf. */
	s->headers_bytes = (uint16_t)(m->l2_len + m->l3_len + header_len);
	rte_pktmbuf_adj(m, s->headers_bytes);
	s->m = m;
	return true;
}

/*
 * A segment for no connection of this worker may be for another's: with
 * several queues the port spreads flows by hash, and af_packet's fanout can
 * move a flow to another queue when one is full. It goes round the workers
 * through their inboxes (worker_inbox_post) until its owner takes it; the
 * last one to see it answers as for no connection. @return whether it was
 * handed on (s->m consumed).
 */
static bool hand_over(struct worker *w, struct tcp_seg *s)
{
	struct rte_mbuf *m = s->m;

	if (worker_count < 2 || s->hops + 1 >= worker_count || !m)
		return false;
	s->m = NULL;
	rte_pktmbuf_prepend(m, s->headers_bytes); /* the frame as it came, l2_len and l3_len still set */
	if (worker_inbox_post(&workers[(w->id + 1) % worker_count], m,
			      WORKER_INBOX_TCP_SEGMENT | (s->hops + 1) << WORKER_INBOX_HOPS_SHIFT) == 0)
		counter(w, tcp_segments_handed_over)++;
	else
		counter(w, drop_tcp_handover_full)++;
	return true;
}

static void segment_input(struct worker *w, const struct iface *ifc, struct rte_mbuf *m, unsigned int hops)
{
	const struct tcp_listener *l;
	struct tcp_conn *c;
	struct tcp_key key;
	struct tcp_seg s;

	if (!parse(w, m, &key, &s))
		return;
	s.hops = hops;
	if (hops == 0)
		counter(w, tcp_rx_segments)++;
	else
		counter(w, tcp_segments_received_from_worker)++;
	c = tcp_flow_lookup(w, &key);
	if (c && c->state == TCP_TIME_WAIT && (s.flags & RTE_TCP_SYN_FLAG) && !(s.flags & RTE_TCP_ACK_FLAG) &&
	    tcp_seq_gt(s.seq, c->rcv_nxt)) {
		/* RFC 6191 / RFC 9293 3.6.1: a new incarnation may take over a TIME-WAIT 4-tuple. */
		tcp_conn_destroy(w, c);
		counter(w, tcp_time_wait_reused)++;
		c = NULL;
	}
	if (c) {
		conn_input(w, c, &s);
		return;
	}
	l = tcp_listener_find(key.local_port);
	if (!(s.flags & RTE_TCP_SYN_FLAG) && !(l && (s.flags & RTE_TCP_ACK_FLAG) && syncookies_recent(w)) &&
	    hand_over(w, &s))
		return; /* another worker may own it */
	if (s.flags & RTE_TCP_RST_FLAG) {
		counter(w, drop_tcp_no_connection)++;
	} else if (!l) {
		counter(w, drop_tcp_no_listener)++;
		reset_for(w, ifc, &key, &s);
	} else if ((s.flags & (RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG)) == RTE_TCP_SYN_FLAG) {
		if (l->up->syn_answered && !l->up->syn_answered(l->ctx)) {
			counter(w, drop_tcp_syn_unanswered)++;
		} else {
			passive_open(w, ifc, &key, l, &s);
			return;
		}
	} else if ((s.flags & RTE_TCP_ACK_FLAG) && !(s.flags & RTE_TCP_SYN_FLAG) && syncookies_recent(w)) {
		switch (syncookie_open(w, ifc, &key, l, &s, &c)) {
		case SYNCOOKIE_OPENED:
			conn_input(w, c, &s);
			return;
		case SYNCOOKIE_REFUSED:
			break;
		case SYNCOOKIE_INVALID:
			if (hand_over(w, &s))
				return; /* not a cookie: maybe another worker's connection */
			counter(w, drop_tcp_bad_syncookie)++;
			reset_for(w, ifc, &key, &s);
			break;
		}
	} else {
		counter(w, drop_tcp_no_connection)++;
		reset_for(w, ifc, &key, &s);
	}
	seg_free(&s);
}

void tcp_input(struct worker *w, const struct iface *ifc, struct rte_mbuf *m)
{
	segment_input(w, ifc, m, 0);
}

void tcp_input_handed_over(struct worker *w, const struct iface *ifc, struct rte_mbuf *m, unsigned int hops)
{
	segment_input(w, ifc, m, hops);
}

int tcp_start(void)
{
	if (tcp_secrets_init() != 0)
		return -1;
	l4_input_register(IPPROTO_TCP, tcp_input);
	return 0;
}

void tcp_stop(void)
{
	l4_input_register(IPPROTO_TCP, NULL);
	tcp_listeners_clear();
}
