/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP timers, on one wheel per worker (1 ms slots, a 4 s horizon; a later
 * deadline waits in the last slot and is placed again when reached).
 *
 * Every timer, and what arms it:
 *   t_rexmt    retransmission (RFC 6298): armed when a SYN-ACK, data or FIN is
 *              outstanding, restarted on an ACK of new data, stopped when all is
 *              acknowledged. Fires: back off, go back to snd_una, cwnd to one
 *              segment; after TCP_SYNACK_RETRIES / TCP_DATA_RETRIES, give up.
 *              While TCPF_TLP_PENDING it is the tail loss probe timeout
 *              (RFC 8985 7): fires once, sends a probe, becomes the RTO.
 *   t_persist  zero-window probe (RFC 9293 3.8.6.1): armed when the peer's
 *              window is 0, data waits and nothing is in flight. Fires: send
 *              one byte beyond the window, back off; a connection we have shut
 *              down gives up after TCP_ORPHAN_PROBES (Linux's
 *              tcp_orphan_retries).
 *   t_delack   delayed ACK (RFC 9293 3.8.6.3, RFC 5681 4.2): armed on the first
 *              unacknowledged full segment; the second one ACKs at once. Fires:
 *              send the ACK.
 *   t_keep     keepalive (RFC 9293 3.8.4): armed on every segment received in a
 *              synchronized state. Fires: probe; after TCP_KEEPALIVE_PROBES, give up.
 *              Once the layer above has shut down (TCPF_FIN_QUEUED) it is the
 *              close deadline instead: armed by tcp_shutdown, never pushed back.
 *              Fires (the connection is neither in FIN-WAIT-2 nor TIME-WAIT,
 *              which have their own bounds): RST, give up. So a peer that
 *              holds a closing connection with a zero window or by never
 *              acknowledging our FIN keeps its slot, its TLS state and its send
 *              queue for TCP_CLOSE_TIMEOUT_MS at most, as Linux bounds orphans.
 *   t_2msl     TIME-WAIT (2 MSL), and FIN-WAIT-2 when the peer never closes.
 *              Fires: free the connection.
 *
 * A connection sits in the wheel once, at its earliest deadline
 * (tcp_timer_update); when that slot is run, every due timer fires.
 */
#include <rte_cycles.h>

#include "tcp_conn.h"
#include "tcp_counters.h"
#include "tcp_memory.h"
#include "worker.h"

void tcp_clock_update(struct worker *w)
{
	uint64_t us = rte_get_tsc_cycles() / (rte_get_tsc_hz() / 1000000);

	w->now_us = us;
	w->now_ms = us / 1000;
}

static uint32_t *slot_head(struct tcp_worker *t, uint16_t slot)
{
	return &t->wheel[slot];
}

void tcp_timer_remove(struct worker *w, struct tcp_conn *c)
{
	struct tcp_worker *t = tcp_worker_of(w);

	if (c->wheel_at == 0)
		return;
	if (c->wheel_prev != TCP_NO_INDEX)
		t->conns[c->wheel_prev].wheel_next = c->wheel_next;
	else
		*slot_head(t, c->wheel_slot) = c->wheel_next;
	if (c->wheel_next != TCP_NO_INDEX)
		t->conns[c->wheel_next].wheel_prev = c->wheel_prev;
	c->wheel_prev = c->wheel_next = TCP_NO_INDEX;
	c->wheel_at = 0;
}

static void insert(struct tcp_worker *t, struct tcp_conn *c, uint64_t at)
{
	uint64_t slot_time = at <= t->wheel_tick ? t->wheel_tick + 1 : at;
	uint32_t *head;

	if (slot_time - t->wheel_tick >= TCP_TIMER_WHEEL_SLOTS)
		slot_time = t->wheel_tick + TCP_TIMER_WHEEL_SLOTS - 1;
	c->wheel_slot = (uint16_t)(slot_time % TCP_TIMER_WHEEL_SLOTS);
	c->wheel_at = at;
	head = slot_head(t, c->wheel_slot);
	c->wheel_prev = TCP_NO_INDEX;
	c->wheel_next = *head;
	if (*head != TCP_NO_INDEX)
		t->conns[*head].wheel_prev = c->index;
	*head = c->index;
}

static uint64_t earliest(const struct tcp_conn *c)
{
	uint64_t at = 0;
	const uint64_t timers[] = { c->t_rexmt, c->t_persist, c->t_delack, c->t_keep, c->t_2msl };

	for (unsigned int i = 0; i < RTE_DIM(timers); i++)
		if (timers[i] && (at == 0 || timers[i] < at))
			at = timers[i];
	return at;
}

void tcp_timer_update(struct worker *w, struct tcp_conn *c)
{
	uint64_t at;

	/* The invariant, kept here because every path that touches a timer ends
	 * here: whatever is in flight (data, FIN, a window probe) has a
	 * retransmission timer, unless the persist timer stands for it while the
	 * peer's window is shut (a persist timer can outlive the zero window it
	 * was armed for, and fire_persist then arms nothing). */
	if (tcp_flight(c) > 0 && !c->t_rexmt && (!c->t_persist || c->snd_wnd != 0) &&
	    c->state != TCP_CLOSED && c->state != TCP_TIME_WAIT) {
		c->t_persist = 0;
		tcp_rexmt_restart(w, c);
	}
	at = earliest(c);

	if (at == c->wheel_at)
		return;
	tcp_timer_remove(w, c);
	if (at)
		insert(tcp_worker_of(w), c, at);
}

/* RFC 6298 2.2-2.4 (times in µs; RTO in ms, clamped). */
void tcp_rcv_rtt_sample(struct worker *w, struct tcp_conn *c, uint32_t tsecr)
{
	uint32_t elapsed_ms = tcp_tsval(w) - tsecr, sample_us;

	if (elapsed_ms > TCP_RCV_RTT_MAX_MS)
		return; /* not a TSval of ours this connection could echo: ignored */
	/* Our TSval ticks in milliseconds: a sub-millisecond RTT reads as one tick. */
	sample_us = (elapsed_ms ? elapsed_ms : 1) * 1000;
	c->rcv_rtt_us = c->rcv_rtt_us ? c->rcv_rtt_us - c->rcv_rtt_us / 8 + sample_us / 8 : sample_us;
}

void tcp_rtt_sample(struct tcp_conn *c, uint32_t rtt_us)
{
	uint32_t rto_us;

	if (c->srtt_us == 0) {
		c->srtt_us = rtt_us ? rtt_us : 1;
		c->rttvar_us = rtt_us / 2;
	} else {
		uint32_t delta = c->srtt_us > rtt_us ? c->srtt_us - rtt_us : rtt_us - c->srtt_us;

		c->rttvar_us = c->rttvar_us - c->rttvar_us / 4 + delta / 4;
		c->srtt_us = c->srtt_us - c->srtt_us / 8 + rtt_us / 8;
	}
	rto_us = c->srtt_us + RTE_MAX(1000u, 4 * c->rttvar_us);
	c->rto_ms = RTE_MIN(RTE_MAX(rto_us / 1000, (uint32_t)TCP_RTO_MIN_MS), (uint32_t)TCP_RTO_MAX_MS);
}

static uint32_t backed_off_rto(const struct tcp_conn *c)
{
	uint64_t rto = (uint64_t)c->rto_ms << RTE_MIN(c->backoff, 16);

	return (uint32_t)RTE_MIN(rto, (uint64_t)TCP_RTO_MAX_MS);
}

void tcp_rexmt_restart(struct worker *w, struct tcp_conn *c)
{
	c->flags &= (uint16_t)~TCPF_TLP_PENDING;
	c->t_rexmt = w->now_ms + backed_off_rto(c);
}

/*
 * Arm the timer for data in flight: a tail loss probe first when the RTT is
 * known and no recovery is running (RFC 8985 7.2), else the RTO. A probe
 * makes the peer's SACK reveal a lost tail in about two RTTs instead of one
 * RTO (200 ms or more).
 */
void tcp_rexmt_arm(struct worker *w, struct tcp_conn *c)
{
	uint32_t pto_ms, rto = backed_off_rto(c);

	if (c->srtt_us == 0 || (c->flags & TCPF_IN_RECOVERY) || c->backoff || c->state == TCP_SYN_RECEIVED) {
		tcp_rexmt_restart(w, c);
		return;
	}
	pto_ms = RTE_MAX(2 * c->srtt_us / 1000, (uint32_t)TCP_TLP_MIN_MS);
	if (tcp_flight(c) <= c->mss)
		pto_ms += TCP_TLP_DELACK_MS;
	if (pto_ms >= rto) {
		tcp_rexmt_restart(w, c);
		return;
	}
	c->flags |= TCPF_TLP_PENDING;
	c->t_rexmt = w->now_ms + pto_ms;
}

static void fire_rexmt(struct worker *w, struct tcp_conn *c)
{
	c->t_rexmt = 0;
	if (c->flags & TCPF_TLP_PENDING) {
		/* RFC 8985 7.3: one probe, then the real RTO; no back-off, cwnd kept. */
		c->flags &= (uint16_t)~TCPF_TLP_PENDING;
		if (tcp_send_tail_probe(w, c)) {
			counter(w, tcp_tail_loss_probes)++;
			tcp_rexmt_restart(w, c);
			return;
		}
	}
	counter(w, tcp_rto_expired)++;
	if (c->state == TCP_SYN_RECEIVED) {
		if (++c->retries > TCP_SYNACK_RETRIES) {
			tcp_conn_finish(w, c, TCP_EVENT_TIMED_OUT);
			return;
		}
		c->backoff++;
		tcp_send_synack(w, c);
		tcp_rexmt_restart(w, c);
		return;
	}
	if (++c->retries > TCP_DATA_RETRIES) {
		tcp_send_rst_conn(w, c);
		tcp_conn_finish(w, c, TCP_EVENT_TIMED_OUT);
		return;
	}
	c->backoff++;
	tcp_cc_timeout(c);
	/* Go back N: everything from snd_una is sent again (Karn: no RTT sample from it). */
	c->snd_nxt = c->snd_una;
	c->flags &= (uint16_t)~(TCPF_RTT_TIMING | TCPF_FIN_SENT);
	c->dupacks = 0;
	tcp_output(w, c);
}

/* We shut down and the peer will not let the connection finish: reset it. */
static void give_up_closing(struct worker *w, struct tcp_conn *c)
{
	counter(w, tcp_close_timeouts)++;
	tcp_send_rst_conn(w, c);
	tcp_conn_finish(w, c, TCP_EVENT_TIMED_OUT);
}

static void fire_persist(struct worker *w, struct tcp_conn *c)
{
	c->t_persist = 0;
	if (c->snd_wnd != 0 || c->sndq.bytes <= tcp_flight(c))
		return; /* the window opened, or there is nothing to push */
	if ((c->flags & TCPF_FIN_QUEUED) && ++c->keep_probes > TCP_ORPHAN_PROBES) {
		give_up_closing(w, c);
		return;
	}
	tcp_send_probe(w, c);
	counter(w, tcp_persist_probes)++;
	c->backoff = (uint8_t)RTE_MIN(c->backoff + 1, 16);
	/* The interval doubles from max(RTO, TCP_PERSIST_MIN_MS), up to TCP_PERSIST_MAX_MS. */
	c->t_persist = w->now_ms +
		       RTE_MIN((uint64_t)RTE_MAX(c->rto_ms, (uint32_t)TCP_PERSIST_MIN_MS) << c->backoff,
			       (uint64_t)TCP_PERSIST_MAX_MS);
}

static void fire_keep(struct worker *w, struct tcp_conn *c)
{
	c->t_keep = 0;
	if (c->flags & TCPF_FIN_QUEUED) {
		if (c->state != TCP_FIN_WAIT_2 && c->state != TCP_TIME_WAIT)
			give_up_closing(w, c);
		return;
	}
	if (c->state != TCP_ESTABLISHED && c->state != TCP_CLOSE_WAIT)
		return;
	if (c->keep_probes >= TCP_KEEPALIVE_PROBES) {
		tcp_send_rst_conn(w, c);
		tcp_conn_finish(w, c, TCP_EVENT_TIMED_OUT);
		return;
	}
	c->keep_probes++;
	counter(w, tcp_keepalive_probes)++;
	/* RFC 9293 3.8.4: a segment at snd_una - 1 with no data draws an ACK. */
	tcp_send_reply(w, c->role, &c->key, &c->peer_mac, c->snd_una - 1, c->rcv_nxt, RTE_TCP_ACK_FLAG,
		       (uint16_t)RTE_MIN(tcp_rcv_space(w, c) >> c->rcv_wscale, 0xffffu), NULL, 0);
	c->t_keep = w->now_ms + TCP_KEEPALIVE_INTERVAL_MS;
}

static void fire(struct worker *w, struct tcp_conn *c)
{
	uint64_t now = w->now_ms;

	if (c->t_2msl && c->t_2msl <= now) {
		c->t_2msl = 0;
		if (c->state == TCP_TIME_WAIT)
			tcp_conn_destroy(w, c);
		else
			tcp_conn_finish(w, c, TCP_EVENT_TIMED_OUT); /* FIN-WAIT-2 too long */
		return;
	}
	if (c->t_rexmt && c->t_rexmt <= now) {
		fire_rexmt(w, c);
		if (c->state == TCP_CLOSED)
			return;
	}
	if (c->t_persist && c->t_persist <= now) {
		fire_persist(w, c);
		if (c->state == TCP_CLOSED)
			return;
	}
	if (c->t_delack && c->t_delack <= now) {
		c->t_delack = 0;
		if (c->flags & TCPF_DELACK)
			tcp_send_ack(w, c);
	}
	if (c->t_keep && c->t_keep <= now) {
		fire_keep(w, c);
		if (c->state == TCP_CLOSED)
			return;
	}
	tcp_timer_update(w, c);
}

/* Run one slot's list: fire what is due, place the rest again. */
static void run_slot(struct worker *w, uint16_t slot)
{
	struct tcp_worker *t = tcp_worker_of(w);
	uint32_t *running = &t->wheel[TCP_TIMER_WHEEL_SLOTS];
	uint32_t index;

	/* Move the slot's list to the running list, then pop from it: a handler
	 * may remove any connection (its own or another) from wherever it is. */
	*running = t->wheel[slot];
	t->wheel[slot] = TCP_NO_INDEX;
	for (index = *running; index != TCP_NO_INDEX; index = t->conns[index].wheel_next)
		t->conns[index].wheel_slot = TCP_TIMER_WHEEL_SLOTS;
	while ((index = *running) != TCP_NO_INDEX) {
		struct tcp_conn *c = &t->conns[index];
		uint64_t at = c->wheel_at;

		tcp_timer_remove(w, c);
		if (at <= w->now_ms)
			fire(w, c);
		else
			insert(t, c, at); /* not due yet (beyond the horizon when placed) */
	}
}

void tcp_timer_run(struct worker *w)
{
	tcp_memory_reclaim(w);
	struct tcp_worker *t = tcp_worker_of(w);

	if (w->now_ms - t->wheel_tick >= TCP_TIMER_WHEEL_SLOTS) {
		/* Away for longer than the wheel turns: catch up to now first, so that
		 * what is placed again lands where the next ticks will look, then run
		 * every slot once. */
		t->wheel_tick = w->now_ms;
		for (uint16_t slot = 0; slot < TCP_TIMER_WHEEL_SLOTS; slot++)
			run_slot(w, slot);
		return;
	}
	while (t->wheel_tick < w->now_ms) {
		t->wheel_tick++;
		run_slot(w, (uint16_t)(t->wheel_tick % TCP_TIMER_WHEEL_SLOTS));
	}
}
