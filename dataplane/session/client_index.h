/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_CLIENT_INDEX_H
#define IPHTTPS_CLIENT_INDEX_H

/*
 * The global client index: client IPv6 address → (owner worker, session
 * slot, generation). Any worker reads it (the router finds the session for
 * a packet from the internal network); the owner writes it when a session
 * claims or drops an address.
 *
 * It is an rte_hash with lock-free reader/writer concurrency: readers take no
 * lock and never wait. A deleted key's slot is not reused while a reader may
 * still look at it: the hash is tied to an RCU QSBR variable (defer-queue
 * mode), every worker is a registered reader that reports a quiescent state
 * once per loop iteration, and freed slots are reclaimed only after every
 * worker has passed one. The generation in the value lets the owner refuse a
 * reference to a session that ended and whose slot was reused.
 */

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>

#include "appliance_limits.h"

struct client_ref {
	uint32_t worker;
	uint32_t slot;
	uint32_t generation;
};

/* The most a session can hold (iphttps.addresses_per_client is at most this). */
enum { CLIENT_INDEX_ADDRESSES_PER_CLIENT = IPHTTPS_ADDRESSES_PER_CLIENT_MAX };

/**
 * Create the index for up to max_clients clients holding per_client
 * addresses each, and `readers` worker threads. @return 0, or -1 (rte_errno set).
 */
int client_index_create(uint32_t max_clients, uint32_t per_client, unsigned int readers);

/** Destroy the index (every reader offline). */
void client_index_destroy(void);

/** Register the calling worker as reader `id` and put it online. */
void client_index_reader_online(unsigned int id);

/** Take the calling worker offline (it stops reporting; writers stop waiting for it). */
void client_index_reader_offline(unsigned int id);

/** Report a quiescent state: the worker holds no reference into the index. Once per loop. */
void client_index_quiescent(unsigned int id);

/**
 * Map addr to ref. Atomic: of two workers adding one address at once, one
 * gets it and the other -EEXIST (writers, rare and never per packet, take a
 * spinlock; readers never wait). @return 0, -EEXIST if another session holds
 * addr, -ENOSPC when full.
 */
int client_index_add(const struct in6_addr *addr, const struct client_ref *ref);

/** Remove addr if it maps to ref. @return 0, or -ENOENT. */
int client_index_remove(const struct in6_addr *addr, const struct client_ref *ref);

/** Look addr up. @return true and *ref when present. */
bool client_index_lookup(const struct in6_addr *addr, struct client_ref *ref);

/** Addresses in the index. */
uint32_t client_index_count(void);

#endif
