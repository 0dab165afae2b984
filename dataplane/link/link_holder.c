/* SPDX-License-Identifier: BSD-3-Clause */
#include "link_holder.h"

#include <string.h>

#include <rte_lcore.h>
#include <rte_malloc.h>

#include "appliance_config.h"
#include "client_index.h"
#include "client_table.h"
#include "link_counters.h"
#include "link_nd.h"
#include "session.h"
#include "worker.h"

struct waiter {
	struct client_ref session; /* the client owed an RA */
	struct in6_addr addr;      /* the source its dropped packet had */
	uint64_t since_ms;
};

/* A worker's waiters, touched by that worker only. */
struct holder_waits {
	uint32_t capacity;     /* one per session the worker can have, at most LINK_HOLDER_WAITERS */
	uint32_t count;
	uint32_t cursor;       /* where the next tick's slice starts */
	uint64_t next_tick_ms;
	struct waiter waiters[];
};

static struct holder_waits *holder_waits[CONFIG_MAX_WORKERS]; /* by worker id */

int link_holder_worker_init(struct worker *w, const struct iphttps_config *config)
{
	uint32_t capacity = LINK_HOLDER_WAITERS;

	/* No more waiters than sessions: a session waits once at most. */
	if (config->limits.max_clients < capacity)
		capacity = config->limits.max_clients;
	if (config->limits.max_connections_per_worker < capacity)
		capacity = config->limits.max_connections_per_worker;
	link_holder_worker_free(w);
	holder_waits[w->id] = rte_zmalloc_socket("link_holder_waits", sizeof(struct holder_waits) +
						 (size_t)capacity * sizeof(struct waiter), RTE_CACHE_LINE_SIZE,
						 (int)rte_lcore_to_socket_id(w->lcore));
	if (!holder_waits[w->id])
		return -1;
	holder_waits[w->id]->capacity = capacity;
	return 0;
}

void link_holder_worker_free(struct worker *w)
{
	rte_free(holder_waits[w->id]);
	holder_waits[w->id] = NULL;
}

static void probe(struct worker *w, const struct session *s, const struct in6_addr *addr)
{
	struct client_ref ref;
	struct session *holder;

	if (!client_index_lookup(addr, &ref) || ref.worker != w->id)
		return;
	holder = client_table_find(w, ref.slot, ref.generation);
	if (!holder || holder == s || holder->state != SESSION_LINK_UP ||
	    (holder->holder_probe_ms && w->now_ms - holder->holder_probe_ms < LINK_HOLDER_PROBE_INTERVAL_MS))
		return;
	holder->holder_probe_ms = w->now_ms;
	if (link_nd_send_ra(w, holder) == 0)
		counter(w, link_holder_probed)++;
}

static void wait_for(struct worker *w, struct session *s, const struct in6_addr *addr)
{
	struct holder_waits *h = holder_waits[w->id];

	if (s->awaiting_holder)
		return; /* one wait a session: its first held source is what its RS used */
	if (!h || h->count == h->capacity) {
		counter(w, link_holder_wait_full)++;
		return;
	}
	h->waiters[h->count++] = (struct waiter){
		.session = { .worker = w->id, .slot = s->slot, .generation = s->generation },
		.addr = *addr,
		.since_ms = w->now_ms,
	};
	s->awaiting_holder = true;
}

void link_holder_met(struct worker *w, struct session *s, const struct in6_addr *addr, bool owe_ra)
{
	probe(w, s, addr);
	if (owe_ra)
		wait_for(w, s, addr);
}

/* Whether waiter v is done with (its RA sent, its session gone, or its time up). */
static bool settle(struct worker *w, const struct waiter *v)
{
	struct session *s = client_table_find(w, v->session.slot, v->session.generation);
	struct client_ref holder;

	if (!s || s->state != SESSION_LINK_UP)
		return true;
	if (client_index_lookup(&v->addr, &holder) &&
	    !(holder.worker == w->id && holder.slot == s->slot && holder.generation == s->generation)) {
		if (w->now_ms - v->since_ms < LINK_HOLDER_WAIT_MS)
			return false; /* held still */
		counter(w, link_holder_wait_expired)++;
	} else if (link_nd_send_ra(w, s) == 0) {
		counter(w, link_holder_gone_ra_sent)++; /* the address is free (or the client's own by now) */
	}
	s->awaiting_holder = false;
	return true;
}

void link_holder_poll(struct worker *w)
{
	struct holder_waits *h = holder_waits[w->id];
	uint32_t checks, budget;

	if (!h)
		return;
	/* Due when the tick came, or when the clock is behind it by more than a
	 * tick (a test's clock set back: the worker's own never is). */
	if (h->count == 0 || (w->now_ms < h->next_tick_ms && h->next_tick_ms <= w->now_ms + LINK_HOLDER_WAIT_TICK_MS))
		return;
	budget = h->count < LINK_HOLDER_WAIT_CHECKS_PER_TICK ? h->count : LINK_HOLDER_WAIT_CHECKS_PER_TICK;
	h->next_tick_ms = w->now_ms + LINK_HOLDER_WAIT_TICK_MS;
	/* A slice a tick, from where the last one stopped: a storm's thousands
	 * of waiters cost the worker a bounded share of each tick. */
	for (checks = 0; h->count > 0 && checks < budget; checks++) {
		if (h->cursor >= h->count)
			h->cursor = 0;
		if (settle(w, &h->waiters[h->cursor]))
			h->waiters[h->cursor] = h->waiters[--h->count]; /* the last one is looked at next */
		else
			h->cursor++;
	}
}
