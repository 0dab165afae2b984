/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Per-worker flow table and connection slots. The flow table is an rte_hash
 * keyed by the 4-tuple; the position rte_hash gives a key is also the index
 * of the connection's slot in conns[], so one lookup finds both and a slot
 * is free exactly when its key is. Owned by one worker: no lock, no RCU.
 * Listeners are global, set before the workers start and read-only after.
 */
#include <stdio.h>
#include <string.h>

#include <rte_hash_crc.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include "log.h"
#include "appliance_config.h"
#include "tcp_conn.h"
#include "tcp_counters.h"
#include "tcp_memory.h"
#include "worker.h"

struct tcp_worker tcp_workers[CONFIG_MAX_WORKERS];

static struct tcp_listener listeners[TCP_MAX_LISTENERS];
static unsigned int listener_count;

int tcp_listen(uint16_t port, const struct tcp_upcalls *up, void *listener_ctx)
{
	uint16_t port_be = rte_cpu_to_be_16(port);

	if (listener_count == TCP_MAX_LISTENERS || tcp_listener_find(port_be))
		return -1;
	listeners[listener_count].port = port_be;
	listeners[listener_count].up = up;
	listeners[listener_count].ctx = listener_ctx;
	listener_count++;
	return 0;
}

void tcp_listeners_clear(void)
{
	listener_count = 0;
}

const struct tcp_listener *tcp_listener_find(uint16_t port_be)
{
	for (unsigned int i = 0; i < listener_count; i++)
		if (listeners[i].port == port_be)
			return &listeners[i];
	return NULL;
}

const char *tcp_state_name(enum tcp_state state)
{
	static const char *const names[TCP_STATE_COUNT] = {
		[TCP_CLOSED] = "CLOSED",           [TCP_SYN_RECEIVED] = "SYN-RECEIVED",
		[TCP_ESTABLISHED] = "ESTABLISHED", [TCP_FIN_WAIT_1] = "FIN-WAIT-1",
		[TCP_FIN_WAIT_2] = "FIN-WAIT-2",   [TCP_CLOSING] = "CLOSING",
		[TCP_TIME_WAIT] = "TIME-WAIT",     [TCP_CLOSE_WAIT] = "CLOSE-WAIT",
		[TCP_LAST_ACK] = "LAST-ACK",
	};

	return state < TCP_STATE_COUNT ? names[state] : "?";
}

uint8_t tcp_rcv_wscale(const struct worker *w)
{
	/* Chosen at the SYN for the largest the window may grow to: it cannot change later. */
	uint32_t bytes = RTE_MAX(w->config->limits.tcp_recv_queue_bytes, w->config->limits.tcp_recv_queue_max_bytes);
	uint8_t shift = 0;

	while (shift < TCP_MAX_WSCALE && (bytes >> shift) > 0xffff)
		shift++;
	return shift;
}

int tcp_worker_init(struct worker *w, const struct iphttps_config *config)
{
	struct tcp_worker *t = tcp_worker_of(w);
	char name[RTE_HASH_NAMESIZE];
	struct rte_hash_parameters params = {
		.name = name,
		.entries = config->limits.max_connections_per_worker,
		.key_len = sizeof(struct tcp_key),
		.hash_func = rte_hash_crc,
		.socket_id = (int)rte_lcore_to_socket_id(w->lcore),
	};

	struct rte_malloc_socket_stats before, after;

	memset(t, 0, sizeof(*t));
	rte_malloc_get_socket_stats(params.socket_id, &before);
	snprintf(name, sizeof(name), "tcp_flows_%u", w->id);
	t->flows = rte_hash_create(&params);
	if (!t->flows) {
		log_error("worker %u: cannot create a flow table of %u entries: %s", w->id, params.entries,
			  rte_strerror(rte_errno));
		return -1;
	}
	/* Positions run to max_key_id (entries rounded up, plus per-lcore caches). */
	t->capacity = (uint32_t)rte_hash_max_key_id(t->flows) + 1;
	t->conns = rte_zmalloc_socket("tcp_conns", (size_t)t->capacity * sizeof(struct tcp_conn),
				      RTE_CACHE_LINE_SIZE, params.socket_id);
	if (!t->conns) {
		log_error("worker %u: cannot allocate %u connection slots (%zu bytes)", w->id, t->capacity,
			  (size_t)t->capacity * sizeof(struct tcp_conn));
		rte_hash_free(t->flows);
		t->flows = NULL;
		return -1;
	}
	snprintf(name, sizeof(name), "tcp_sources_%u", w->id);
	params.key_len = sizeof(struct tcp_source_key);
	t->sources = rte_hash_create(&params);
	t->source_count = rte_zmalloc_socket("tcp_source_count",
					     ((size_t)rte_hash_max_key_id(t->sources) + 1) * sizeof(uint32_t),
					     RTE_CACHE_LINE_SIZE, params.socket_id);
	if (!t->sources || !t->source_count) {
		log_error("worker %u: cannot create the per-source connection table", w->id);
		rte_hash_free(t->sources);
		rte_free(t->conns);
		rte_hash_free(t->flows);
		t->flows = NULL;
		return -1;
	}
	/* Measured, not estimated: what the tables and the slots really took from the heap. */
	rte_malloc_get_socket_stats(params.socket_id, &after);
	t->table_bytes = after.heap_allocsz_bytes - before.heap_allocsz_bytes;
	for (unsigned int i = 0; i <= TCP_TIMER_WHEEL_SLOTS; i++)
		t->wheel[i] = TCP_NO_INDEX;
	tcp_memory_init(w, config);
	worker_clock_update(w);
	t->wheel_tick = w->now_ms;
	return 0;
}

void tcp_worker_free(struct worker *w)
{
	struct tcp_worker *t = tcp_worker_of(w);

	if (!t->flows)
		return;
	for (uint32_t i = 0; i < t->capacity; i++)
		if (t->conns[i].state != TCP_CLOSED)
			tcp_conn_destroy(w, &t->conns[i]);
	rte_free(t->conns);
	rte_hash_free(t->flows);
	rte_free(t->source_count);
	rte_hash_free(t->sources);
	t->conns = NULL;
	t->flows = NULL;
	t->sources = NULL;
	t->source_count = NULL;
}

struct tcp_conn *tcp_flow_lookup(struct worker *w, const struct tcp_key *key)
{
	int32_t pos = rte_hash_lookup(tcp_worker_of(w)->flows, key);

	return pos < 0 ? NULL : &tcp_worker_of(w)->conns[pos];
}

static void source_key(const struct tcp_key *key, struct tcp_source_key *s)
{
	memset(s, 0, sizeof(*s));
	s->family = key->family;
	memcpy(s->addr, key->remote, sizeof(s->addr));
}

/* Whether one more connection from this address would pass limits.max_connections_per_source. */
bool tcp_source_over_limit(struct worker *w, const struct tcp_key *key)
{
	struct tcp_source_key s;
	int32_t pos;

	source_key(key, &s);
	pos = rte_hash_lookup(tcp_worker_of(w)->sources, &s);
	return pos >= 0 && tcp_worker_of(w)->source_count[pos] >= w->config->limits.max_connections_per_source;
}

static void source_add(struct worker *w, const struct tcp_key *key, int delta)
{
	struct tcp_source_key s;
	int32_t pos;

	source_key(key, &s);
	pos = delta > 0 ? rte_hash_add_key(tcp_worker_of(w)->sources, &s) : rte_hash_lookup(tcp_worker_of(w)->sources, &s);
	if (pos < 0)
		return;
	if (delta > 0) {
		tcp_worker_of(w)->source_count[pos]++;
	} else if (--tcp_worker_of(w)->source_count[pos] == 0) {
		rte_hash_del_key(tcp_worker_of(w)->sources, &s);
	}
}

struct tcp_conn *tcp_flow_create(struct worker *w, const struct tcp_key *key)
{
	int32_t pos = rte_hash_add_key(tcp_worker_of(w)->flows, key);
	struct tcp_conn *c;

	if (pos < 0 || (uint32_t)pos >= tcp_worker_of(w)->capacity) {
		if (pos >= 0)
			rte_hash_del_key(tcp_worker_of(w)->flows, key);
		return NULL;
	}
	source_add(w, key, +1);
	c = &tcp_worker_of(w)->conns[pos];
	memset(c, 0, sizeof(*c));
	c->key = *key;
	c->index = (uint32_t)pos;
	c->wheel_prev = c->wheel_next = TCP_NO_INDEX;
	tcp_bufq_init(&c->sndq, &tcp_worker_of(w)->queued_mbufs);
	tcp_bufq_init(&c->rcvq, &tcp_worker_of(w)->queued_mbufs);
	return c;
}

void tcp_conn_destroy(struct worker *w, struct tcp_conn *c)
{
	if (c->state == TCP_SYN_RECEIVED && tcp_worker_of(w)->half_open > 0)
		tcp_worker_of(w)->half_open--;
	tcp_timer_remove(w, c);
	tcp_bufq_free(&c->sndq);
	tcp_bufq_free(&c->rcvq);
	tcp_reass_free(w, c);
	source_add(w, &c->key, -1);
	rte_hash_del_key(tcp_worker_of(w)->flows, &c->key);
	c->state = TCP_CLOSED;
	c->up = NULL;
	c->ctx = NULL;
}

/* The connection ends: tell the layer above (if it ever had it), then free the slot. */
void tcp_conn_finish(struct worker *w, struct tcp_conn *c, enum tcp_event event)
{
	const struct tcp_upcalls *up = c->up;
	void *ctx = c->ctx;
	bool accepted = c->flags & TCPF_ACCEPTED;

	switch (event) {
	case TCP_EVENT_CLOSED: counter(w, tcp_closed)++; break;
	case TCP_EVENT_RESET: counter(w, tcp_resets_received)++; break;
	case TCP_EVENT_TIMED_OUT: counter(w, tcp_timeouts)++; break;
	default: break;
	}
	tcp_conn_destroy(w, c);
	if (accepted && up && up->closed)
		up->closed(w, c, ctx, event);
}

uint32_t tcp_flow_count(const struct worker *w)
{
	return (uint32_t)rte_hash_count(tcp_worker_of(w)->flows);
}
