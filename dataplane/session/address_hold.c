/* SPDX-License-Identifier: BSD-3-Clause */
#include "address_hold.h"

#include <errno.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_jhash.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_spinlock.h>

struct hold {
	uint64_t owner;
	uint64_t until_ms;
};

static struct rte_hash *holds_hash;
static struct hold *holds;   /* by the hash's key position */
static uint32_t holds_count;
static uint32_t sweep_next;  /* rte_hash_iterate's cursor */
static rte_spinlock_t holds_lock = RTE_SPINLOCK_INITIALIZER;

int address_hold_create(uint32_t capacity)
{
	struct rte_hash_parameters params = {
		.name = "address_holds",
		.entries = capacity < 8 ? 8 : capacity,
		.key_len = sizeof(struct in6_addr),
		.hash_func = rte_jhash,
		.socket_id = (int)rte_socket_id(),
	};

	holds_hash = rte_hash_create(&params);
	if (!holds_hash)
		return -1;
	holds = rte_zmalloc("address_holds", ((size_t)rte_hash_max_key_id(holds_hash) + 1) * sizeof(*holds), 0);
	if (!holds) {
		address_hold_destroy();
		rte_errno = ENOMEM;
		return -1;
	}
	holds_count = 0;
	sweep_next = 0;
	return 0;
}

void address_hold_destroy(void)
{
	rte_hash_free(holds_hash);
	holds_hash = NULL;
	rte_free(holds);
	holds = NULL;
	holds_count = 0;
}

int address_hold_put(const struct in6_addr *addr, uint64_t owner, uint64_t until_ms)
{
	int32_t pos;
	int rc = 0;

	if (!holds_hash)
		return -1;
	rte_spinlock_lock(&holds_lock);
	pos = rte_hash_lookup(holds_hash, addr); /* held already: the newest owner wins */
	if (pos < 0) {
		pos = rte_hash_add_key(holds_hash, addr);
		if (pos >= 0)
			__atomic_fetch_add(&holds_count, 1, __ATOMIC_RELAXED);
	}
	if (pos >= 0)
		holds[pos] = (struct hold){.owner = owner, .until_ms = until_ms};
	else
		rc = -1;
	rte_spinlock_unlock(&holds_lock);
	return rc;
}

static void drop_at(const struct in6_addr *addr)
{
	if (rte_hash_del_key(holds_hash, addr) >= 0)
		__atomic_fetch_sub(&holds_count, 1, __ATOMIC_RELAXED);
}

enum address_hold_verdict address_hold_claim(const struct in6_addr *addr, uint64_t owner, uint64_t now_ms)
{
	enum address_hold_verdict v = ADDRESS_HOLD_NONE;
	int32_t pos;

	if (!holds_hash || __atomic_load_n(&holds_count, __ATOMIC_RELAXED) == 0)
		return ADDRESS_HOLD_NONE; /* the common case costs no lock */
	rte_spinlock_lock(&holds_lock);
	pos = rte_hash_lookup(holds_hash, addr);
	if (pos >= 0) {
		if (now_ms >= holds[pos].until_ms) {
			drop_at(addr);
		} else if (holds[pos].owner == owner) {
			drop_at(addr);
			v = ADDRESS_HOLD_RETURNED;
		} else {
			v = ADDRESS_HOLD_OTHER;
		}
	}
	rte_spinlock_unlock(&holds_lock);
	return v;
}

unsigned int address_hold_sweep(uint64_t now_ms, unsigned int budget)
{
	unsigned int dropped = 0;
	bool wrapped = false;
	const void *key;
	void *data;
	int32_t pos;

	if (!holds_hash)
		return 0;
	rte_spinlock_lock(&holds_lock);
	for (unsigned int seen = 0; seen < budget && holds_count > 0; seen++) {
		pos = rte_hash_iterate(holds_hash, &key, &data, &sweep_next);
		if (pos < 0) {
			/* The end: go on from the start, once, within the same budget
			 * (stopping here made an expired hold wait a sweep for nothing). */
			sweep_next = 0;
			if (wrapped)
				break;
			wrapped = true;
			pos = rte_hash_iterate(holds_hash, &key, &data, &sweep_next);
			if (pos < 0)
				break;
		}
		if (now_ms >= holds[pos].until_ms) {
			struct in6_addr a;

			memcpy(&a, key, sizeof(a));
			drop_at(&a);
			dropped++;
		}
	}
	rte_spinlock_unlock(&holds_lock);
	return dropped;
}

void address_hold_clear(void)
{
	if (!holds_hash)
		return;
	rte_spinlock_lock(&holds_lock);
	rte_hash_reset(holds_hash);
	__atomic_store_n(&holds_count, 0, __ATOMIC_RELAXED);
	sweep_next = 0;
	rte_spinlock_unlock(&holds_lock);
}

uint32_t address_hold_count(void)
{
	return __atomic_load_n(&holds_count, __ATOMIC_RELAXED);
}
