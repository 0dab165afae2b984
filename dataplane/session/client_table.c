/* SPDX-License-Identifier: BSD-3-Clause */
#include "client_table.h"

#include <errno.h>
#include <string.h>

#include <rte_lcore.h>
#include <rte_malloc.h>

#include "address_hold.h"
#include "appliance_config.h"
#include "ipv6_addr.h"
#include "session_counters.h"
#include "subject_sessions.h"
#include "worker.h"

struct client_table_shard client_table_shards[CONFIG_MAX_WORKERS];

static uint32_t entries_total; /* __atomic: added/removed by any worker */

uint32_t client_table_entries(void)
{
	return __atomic_load_n(&entries_total, __ATOMIC_RELAXED);
}

int client_table_shard_init(struct worker *w, const struct iphttps_config *config)
{
	struct client_table_shard *t = client_table_shard_of(w);
	int socket = (int)rte_lcore_to_socket_id(w->lcore);
	/* Every session rides a connection, so a worker needs a slot per
	 * connection it may hold: sessions still in their handshake count too,
	 * which is why the slots are not capped by max_clients (entries are). */
	uint32_t capacity = config->limits.max_connections_per_worker;

	memset(t, 0, sizeof(*t));
	t->slots = rte_zmalloc_socket("sessions", (size_t)capacity * sizeof(*t->slots), RTE_CACHE_LINE_SIZE, socket);
	t->free_slots = rte_malloc_socket("session_free", (size_t)capacity * sizeof(uint32_t), 0, socket);
	if (!t->slots || !t->free_slots) {
		client_table_shard_free(w);
		return -1;
	}
	t->capacity = capacity;
	for (uint32_t i = 0; i < capacity; i++)
		t->free_slots[i] = capacity - 1 - i; /* slot 0 is handed out first */
	t->free_count = capacity;
	return 0;
}

void client_table_shard_free(struct worker *w)
{
	struct client_table_shard *t = client_table_shard_of(w);

	__atomic_fetch_sub(&entries_total, t->entries, __ATOMIC_RELAXED);
	rte_free(t->slots);
	rte_free(t->free_slots);
	memset(t, 0, sizeof(*t));
}

struct session *client_table_session_alloc(struct worker *w)
{
	struct client_table_shard *t = client_table_shard_of(w);
	struct session *s;
	uint32_t slot, generation;

	if (t->free_count == 0)
		return NULL;
	slot = t->free_slots[--t->free_count];
	s = &t->slots[slot];
	generation = s->generation + 1;
	memset(s, 0, sizeof(*s));
	s->slot = slot;
	s->generation = generation;
	return s;
}

void client_table_session_release(struct worker *w, struct session *s)
{
	struct client_table_shard *t = client_table_shard_of(w);

	s->conn = NULL;
	s->generation++; /* handles to the old session no longer match */
	t->free_slots[t->free_count++] = s->slot;
}

static struct client_ref ref_of(const struct worker *w, const struct session *s)
{
	return (struct client_ref){.worker = w->id, .slot = s->slot, .generation = s->generation};
}

/* Whether s's client has a verified certificate subject (*key): certificates mode, verified here or by a TLS offloader. */
static bool has_subject(const struct worker *w, struct session *s, uint64_t *key)
{
	return w->config->iphttps.authentication == CONFIG_AUTH_CERTIFICATES && session_subject(s, key);
}

/* Count s under its subject (limits.sessions_per_subject). @return 0, or -1 when refused. */
static int subject_join(struct worker *w, struct session *s)
{
	const struct config_limits *l = &w->config->limits;
	struct client_ref ref = ref_of(w, s), oldest;
	uint64_t subject;

	if (!has_subject(w, s, &subject))
		return 0;
	switch (subject_sessions_join(subject, &ref, l->sessions_per_subject,
				      l->sessions_per_subject_action == CONFIG_SUBJECT_REPLACE_OLDEST, &oldest)) {
	case SUBJECT_SESSIONS_REFUSED:
		counter(w, session_subject_refused)++;
		return -1;
	case SUBJECT_SESSIONS_REPLACED:
		counter(w, session_subject_replaced)++;
		session_end_by_ref(w, &oldest, SESSION_END_REPLACED);
		s->subject_counted = true;
		break;
	case SUBJECT_SESSIONS_JOINED:
		s->subject_counted = true;
		break;
	case SUBJECT_SESSIONS_UNTRACKED:
		counter(w, session_subject_untracked)++;
		break;
	}
	return 0;
}

int client_table_add(struct worker *w, struct session *s)
{
	uint32_t limit = w->config->limits.max_clients;
	uint32_t now = __atomic_load_n(&entries_total, __ATOMIC_RELAXED);

	/* Compare-and-swap so that workers racing for the last entries never overshoot. */
	do {
		if (now >= limit)
			return -ENOSPC;
	} while (!__atomic_compare_exchange_n(&entries_total, &now, now + 1, true, __ATOMIC_RELAXED,
					      __ATOMIC_RELAXED));
	if (subject_join(w, s) != 0) {
		__atomic_fetch_sub(&entries_total, 1, __ATOMIC_RELAXED);
		return -EDQUOT;
	}
	s->in_client_table = true;
	client_table_shard_of(w)->entries++;
	return 0;
}

/*
 * Addresses are held for a gone client only where it has an identity that
 * survives a reconnect: its certificate's subject. In mode none there is
 * none (a laptop that roams comes back from another outer address), and a
 * hold by outer address would take a roaming client's address from it.
 */
static bool holds_apply(const struct worker *w)
{
	return w->config->iphttps.authentication == CONFIG_AUTH_CERTIFICATES && w->config->iphttps.address_grace_s > 0;
}


/* Drop s's address i from the index and the session (the last one takes its place). */
static void forget_address(struct session *s, unsigned int i, const struct client_ref *ref)
{
	client_index_remove(&s->addresses[i], ref);
	s->address_count--;
	s->addresses[i] = s->addresses[s->address_count];
	s->address_used_s[i] = s->address_used_s[s->address_count];
}

int client_table_bind_address(struct worker *w, struct session *s, const struct in6_addr *addr)
{
	struct client_ref ref = ref_of(w, s);
	uint32_t now_s = (uint32_t)(w->now_ms / 1000);
	uint32_t cap = RTE_MIN(w->config->iphttps.addresses_per_client, (uint32_t)CLIENT_INDEX_ADDRESSES_PER_CLIENT);
	unsigned int lru = 0;
	int rc;

	for (unsigned int i = 0; i < s->address_count; i++)
		if (memcmp(&s->addresses[i], addr, sizeof(*addr)) == 0) {
			s->address_used_s[i] = now_s; /* a store per packet: what ages it */
			return 0;
		}
	/* A client at its cap that sends from a new address every packet would
	 * make two index writes (under the writers' lock) per packet: a few
	 * replacements a second is what a real host needs. */
	if (s->address_count >= cap &&
	    !rate_budget_take(&s->address_evictions, w->now_ms, CLIENT_TABLE_ADDRESS_EVICTIONS_PER_SECOND))
		return -ENOSPC;
	switch (!holds_apply(w) ? ADDRESS_HOLD_NONE : address_hold_claim(addr, session_owner_key(s), w->now_ms)) {
	case ADDRESS_HOLD_OTHER:
		counter(w, link_address_hold_refused)++;
		return -EADDRINUSE;
	case ADDRESS_HOLD_RETURNED:
		counter(w, link_address_hold_returned)++;
		break;
	case ADDRESS_HOLD_NONE:
		break;
	}
	rc = client_index_add(addr, &ref);
	if (rc != 0)
		return rc;
	if (s->address_count >= cap) {
		/* At its cap: the least recently used address makes room (a
		 * Windows host's temporary address of a week ago, say). */
		for (unsigned int i = 1; i < s->address_count; i++)
			if ((int32_t)(s->address_used_s[i] - s->address_used_s[lru]) < 0)
				lru = i;
		forget_address(s, lru, &ref);
		counter(w, link_address_evicted)++;
	}
	s->addresses[s->address_count] = *addr;
	s->address_used_s[s->address_count] = now_s;
	s->address_count++;
	return 0;
}

void client_table_age_addresses(struct worker *w, struct session *s)
{
	struct client_ref ref = ref_of(w, s);
	uint32_t now_s = (uint32_t)(w->now_ms / 1000), idle_s = w->config->iphttps.address_idle_timeout_s;

	for (unsigned int i = 0; i < s->address_count;)
		if (now_s - s->address_used_s[i] >= idle_s) {
			forget_address(s, i, &ref);
			counter(w, link_address_aged_out)++;
		} else {
			i++;
		}
}

void client_table_remove(struct worker *w, struct session *s)
{
	struct client_ref ref = ref_of(w, s);
	uint64_t until_ms = w->now_ms + (uint64_t)w->config->iphttps.address_grace_s * 1000;

	/* §3.2.7.2: the entry goes with the connection, and with it every
	 * address the router knew; each is held for the client a while, so it
	 * finds them again when it reconnects (address_hold.h). */
	for (unsigned int i = 0; i < s->address_count; i++) {
		client_index_remove(&s->addresses[i], &ref);
		/* Link-local addresses are not held: nothing beyond the link uses
		 * them (no connection to the intranet lives on them), and clients
		 * that are not Windows may share a fixed one (fe80::2). */
		if (!holds_apply(w) || ipv6_addr_is_link_local(s->addresses[i].s6_addr))
			continue;
		if (address_hold_put(&s->addresses[i], session_owner_key(s), until_ms) == 0)
			counter(w, link_address_held)++;
		else
			counter(w, link_address_hold_full)++;
	}
	s->address_count = 0;
	if (s->subject_counted) {
		subject_sessions_leave(session_owner_key(s), &ref);
		s->subject_counted = false;
	}
	if (!s->in_client_table)
		return;
	s->in_client_table = false;
	client_table_shard_of(w)->entries--;
	__atomic_fetch_sub(&entries_total, 1, __ATOMIC_RELAXED);
}

struct session *client_table_find(struct worker *w, uint32_t slot, uint32_t generation)
{
	struct client_table_shard *t = client_table_shard_of(w);

	if (slot >= t->capacity || t->slots[slot].generation != generation || !t->slots[slot].conn)
		return NULL;
	return &t->slots[slot];
}
