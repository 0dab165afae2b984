/* SPDX-License-Identifier: BSD-3-Clause */
#include "tcp_memory.h"

#include <rte_mbuf.h>

#include "appliance_config.h"
#include "log.h"
#include "tcp_conn.h"
#include "tcp_counters.h"
#include "worker.h"

/* Written at start-up, read-only after. */
static uint32_t reserve_mbufs;

static uint32_t mbufs_for(const struct tcp_worker *t, uint32_t bytes)
{
	return bytes / t->mbuf_truesize;
}

void tcp_memory_init(struct worker *w, const struct iphttps_config *config)
{
	struct tcp_worker *t = tcp_worker_of(w);
	uint32_t workers = config->eal.worker_count ? config->eal.worker_count : 1;
	uint32_t pool = w->pool->size, rings = 0, usable;

	for (int role = 0; role < CONFIG_PORT_COUNT; role++)
		rings += config->ports[role].rx_descriptors + config->ports[role].tx_descriptors;
	reserve_mbufs = rings * workers + MBUF_POOL_CACHE_COUNT * (workers + 1) + TCP_MEMORY_RESERVE_MBUFS;
	if (pool > reserve_mbufs + TCP_MEMORY_MIN_BUDGET_MBUFS * workers) {
		usable = pool - reserve_mbufs;
	} else {
		/* A pool this small cannot keep the reserve: keep what it can. */
		usable = TCP_MEMORY_MIN_BUDGET_MBUFS * workers;
		log_warn("worker %u: a pool of %u mbufs leaves TCP %u after a reserve of %u (eal.mbufs)", w->id, pool,
			 usable, reserve_mbufs);
	}
	t->mbuf_hard_limit = usable / workers;
	t->mbuf_budget = t->mbuf_hard_limit - t->mbuf_hard_limit / 8;
	t->mbuf_high_water = t->mbuf_budget - t->mbuf_budget / 4;
	t->mbuf_truesize = (uint32_t)(rte_pktmbuf_data_room_size(w->pool) + sizeof(struct rte_mbuf));
}

uint32_t tcp_memory_reserve_mbufs(void)
{
	return reserve_mbufs;
}

/* The window's cap c has grown to, whatever the pressure. */
static uint32_t rcv_cap_grown(const struct config_limits *limits, const struct tcp_conn *c)
{
	return RTE_MAX(limits->tcp_recv_queue_bytes, RTE_MIN(c->rcvq_grown, limits->tcp_recv_queue_max_bytes));
}

/*
 * Mbufs c's receive side may hold: 2 x the cap it has grown to (tcp_memory.h).
 * Not the cap under pressure: data inside a window already advertised stays
 * welcome, and the worker's budget still bounds the sum.
 */
static bool rcv_side_full(const struct worker *w, const struct tcp_conn *c)
{
	const struct tcp_worker *t = tcp_worker_of(w);

	return c->rcvq.segments + c->ooo_count + 1u > mbufs_for(t, 2 * rcv_cap_grown(&w->config->limits, c));
}

bool tcp_memory_rcv_allowed(struct worker *w, const struct tcp_conn *c)
{
	const struct tcp_worker *t = tcp_worker_of(w);

	if (rcv_side_full(w, c)) {
		counter(w, drop_tcp_rcv_memory)++;
		return false;
	}
	if (t->queued_mbufs >= t->mbuf_budget) {
		counter(w, drop_tcp_rcv_pressure)++;
		return false;
	}
	return true;
}

/* Free c's out-of-order data: the peer sends it again. */
static void prune(struct worker *w, struct tcp_conn *c)
{
	counter(w, tcp_ooo_pruned) += c->ooo_count;
	tcp_reass_free(w, c);
}

bool tcp_memory_ooo_allowed(struct worker *w, struct tcp_conn *c)
{
	const struct tcp_worker *t = tcp_worker_of(w);

	if (rcv_side_full(w, c)) {
		counter(w, drop_tcp_rcv_memory)++;
		return false;
	}
	if (t->queued_mbufs >= t->mbuf_high_water) {
		if (c->ooo)
			prune(w, c);
		return false;
	}
	return true;
}

uint32_t tcp_memory_snd_cap(const struct worker *w, const struct tcp_conn *c)
{
	const struct tcp_worker *t = tcp_worker_of(w);
	const struct config_limits *limits = &w->config->limits;

	if (t->queued_mbufs >= t->mbuf_high_water)
		return limits->tcp_send_queue_bytes;
	return RTE_MAX(limits->tcp_send_queue_bytes, RTE_MIN(c->sndq_grown, limits->tcp_send_queue_max_bytes));
}

uint32_t tcp_memory_rcv_cap(const struct worker *w, const struct tcp_conn *c)
{
	const struct tcp_worker *t = tcp_worker_of(w);

	if (t->queued_mbufs >= t->mbuf_high_water)
		return w->config->limits.tcp_recv_queue_bytes;
	return rcv_cap_grown(&w->config->limits, c);
}

void tcp_memory_rcv_measure(struct worker *w, struct tcp_conn *c)
{
	const struct tcp_worker *t = tcp_worker_of(w);
	const struct config_limits *limits = &w->config->limits;
	uint32_t elapsed_us = (uint32_t)w->now_us - c->rcv_epoch_us;
	uint32_t cap = rcv_cap_grown(limits, c);
	uint32_t taken_seq = c->rcv_nxt - c->rcvq.bytes; /* the first byte the layer above has not taken */
	/* The receiver's own RTT when the peer echoes timestamps; else the sender's (the handshake's, at least). */
	uint32_t rtt_us = c->rcv_rtt_us ? c->rcv_rtt_us : c->srtt_us;
	uint64_t per_rtt;

	if (rtt_us == 0 || elapsed_us < rtt_us)
		return;
	/*
	 * What the layer above took since the epoch began, scaled to one RTT (an
	 * idle spell is not a rate). Taken, not arrived: a reader that stops
	 * leaves its data in the window, and the window does not grow for it.
	 */
	per_rtt = (uint64_t)(taken_seq - c->rcv_epoch_seq) * rtt_us / elapsed_us;
	c->rcv_epoch_seq = taken_seq;
	c->rcv_epoch_us = (uint32_t)w->now_us;
	if (cap >= limits->tcp_recv_queue_max_bytes || 2 * per_rtt <= cap || t->queued_mbufs >= t->mbuf_high_water)
		return;
	if (c->rcvq_grown <= limits->tcp_recv_queue_bytes)
		counter(w, tcp_recv_window_grown)++;
	c->rcvq_grown = (uint32_t)RTE_MIN(2 * per_rtt, (uint64_t)limits->tcp_recv_queue_max_bytes);
}

uint32_t tcp_memory_snd_room(const struct worker *w, const struct tcp_conn *c)
{
	const struct tcp_worker *t = tcp_worker_of(w);
	uint32_t cap = mbufs_for(t, 2 * tcp_memory_snd_cap(w, c));
	uint32_t room = c->sndq.segments >= cap ? 0 : cap - c->sndq.segments;

	if (t->queued_mbufs >= t->mbuf_hard_limit)
		return 0;
	if (t->queued_mbufs >= t->mbuf_budget) {
		/* Past the budget only small senders grow: a handshake still gets out. */
		uint32_t small = c->sndq.segments >= TCP_MEMORY_MIN_SNDQ_MBUFS ? 0
									: TCP_MEMORY_MIN_SNDQ_MBUFS - c->sndq.segments;

		room = RTE_MIN(room, small);
	}
	return room;
}

void tcp_memory_reclaim(struct worker *w)
{
	struct tcp_worker *t = tcp_worker_of(w);

	if (t->queued_mbufs < t->mbuf_high_water || !t->conns)
		return;
	/* A bounded walk per call, from where the last one stopped. */
	for (uint32_t n = 0; n < TCP_MEMORY_PRUNE_SCAN_SLOTS && t->queued_mbufs >= t->mbuf_high_water; n++) {
		struct tcp_conn *c = &t->conns[t->prune_cursor];

		t->prune_cursor = t->prune_cursor + 1 < t->capacity ? t->prune_cursor + 1 : 0;
		if (c->state != TCP_CLOSED && c->ooo)
			prune(w, c);
	}
}
