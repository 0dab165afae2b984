/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_CLIENT_TABLE_H
#define IPHTTPS_CLIENT_TABLE_H

/*
 * The Client Table ([MS-IPHTTPS] §3.2.1), sharded by worker: each worker owns
 * the sessions of the connections it serves, in a fixed array of slots
 * allocated at start-up (no allocation per connection, no lock). A session
 * is a Client Table entry from its accepted request (§3.2.5.1) until its
 * connection ends (§3.2.7.2); before that it only holds a slot.
 *
 * limits.max_clients (read from the published config at every add) caps
 * the entries across all workers: the one shared word is an atomic count, touched when an entry is added or removed, never
 * per packet. The address index (client_index.h) maps client addresses to
 * (worker, slot, generation) for the router.
 */

#include <stdint.h>

#include <rte_common.h>

#include "appliance_config.h"
#include "session.h"
#include "worker.h"

struct worker;
struct iphttps_config;

struct client_table_shard {
	struct session *slots;
	uint32_t *free_slots; /* a stack of free slot indexes */
	uint32_t free_count;
	uint32_t capacity;
	uint32_t entries; /* sessions of this worker in the Client Table */
} __rte_cache_aligned;

/* Each worker's shard, indexed by worker id, touched only by that worker. */
extern struct client_table_shard client_table_shards[CONFIG_MAX_WORKERS];

static inline struct client_table_shard *client_table_shard_of(const struct worker *w)
{
	return &client_table_shards[w->id];
}

/** Allocate a worker's shard: a slot per connection the worker may hold (limits.max_connections_per_worker). */
int client_table_shard_init(struct worker *w, const struct iphttps_config *config);

/** Free a worker's shard (every session already released). */
void client_table_shard_free(struct worker *w);

/** Take a free slot, zeroed except for slot and generation. @return NULL when the shard is full. */
struct session *client_table_session_alloc(struct worker *w);

/** Return a session's slot (its entry, if any, must have been removed). */
void client_table_session_release(struct worker *w, struct session *s);

/**
 * Make s a Client Table entry, counted under its certificate subject
 * (subject_sessions.h: which may end the subject's oldest session).
 * @return 0, -ENOSPC when limits.max_clients entries exist, -EDQUOT when
 * its subject has limits.sessions_per_subject and the action is refuse.
 */
int client_table_add(struct worker *w, struct session *s);

/** Remove s's entry (and its addresses from the index). */
void client_table_remove(struct worker *w, struct session *s);

enum client_table_limits {
	CLIENT_TABLE_ADDRESS_EVICTIONS_PER_SECOND = 4, /* per client at its cap */
};

/**
 * Record that s's client uses addr now (the router learns it), in the
 * session and the global index. A client at iphttps.addresses_per_client
 * gives up its least recently used address for it (link_address_evicted),
 * at most CLIENT_TABLE_ADDRESS_EVICTIONS_PER_SECOND a second.
 * @return 0, -EEXIST (another session has it), -EADDRINUSE (held for
 * another client after its disconnect: address_hold.h), -ENOSPC (the index
 * is full, or the client replaces addresses faster than that).
 */
int client_table_bind_address(struct worker *w, struct session *s, const struct in6_addr *addr);

/** Forget s's addresses unused for iphttps.address_idle_timeout_s (link_address_aged_out). */
void client_table_age_addresses(struct worker *w, struct session *s);

/** The session in a slot if its generation still matches, else NULL. */
struct session *client_table_find(struct worker *w, uint32_t slot, uint32_t generation);

/** Entries across all workers. */
uint32_t client_table_entries(void);

#endif
