/* SPDX-License-Identifier: BSD-3-Clause */
#include "client_index.h"

#include <errno.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_jhash.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>
#include <rte_spinlock.h>

static struct rte_hash *index_hash;
static struct rte_rcu_qsbr *index_qsbr;
/* Live keys (rte_hash_count would also count deleted keys whose slots wait for RCU). */
static uint32_t index_keys;
/* Held by a writer across its look-up and change (client_index_add). */
static rte_spinlock_t writer_lock = RTE_SPINLOCK_INITIALIZER;

/* The value is the hash's 64-bit data word: worker:8 | slot:24 | generation:32. */
static void *pack(const struct client_ref *ref)
{
	return (void *)(uintptr_t)((uint64_t)ref->worker << 56 | (uint64_t)(ref->slot & 0xffffff) << 32 |
				   ref->generation);
}

static void unpack(const void *data, struct client_ref *ref)
{
	uint64_t v = (uint64_t)(uintptr_t)data;

	ref->worker = (uint32_t)(v >> 56);
	ref->slot = (uint32_t)(v >> 32) & 0xffffff;
	ref->generation = (uint32_t)v;
}

int client_index_create(uint32_t max_clients, uint32_t per_client, unsigned int readers)
{
	struct rte_hash_parameters params = {
		.name = "client_index",
		.entries = max_clients * per_client,
		.key_len = sizeof(struct in6_addr),
		.hash_func = rte_jhash,
		.socket_id = (int)rte_socket_id(),
		.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF | RTE_HASH_EXTRA_FLAGS_MULTI_WRITER_ADD,
	};
	struct rte_hash_rcu_config rcu = {.mode = RTE_HASH_QSBR_MODE_DQ};
	size_t qsbr_size;

	if (readers == 0)
		readers = 1;
	qsbr_size = rte_rcu_qsbr_get_memsize(readers);
	index_qsbr = rte_zmalloc("client_index_qsbr", qsbr_size, RTE_CACHE_LINE_SIZE);
	if (!index_qsbr || rte_rcu_qsbr_init(index_qsbr, readers) != 0)
		goto err;
	index_hash = rte_hash_create(&params);
	if (!index_hash)
		goto err;
	rcu.v = index_qsbr;
	if (rte_hash_rcu_qsbr_add(index_hash, &rcu) != 0)
		goto err;
	return 0;
err:
	client_index_destroy();
	return -1;
}

void client_index_destroy(void)
{
	rte_hash_free(index_hash); /* also frees the defer queue */
	index_hash = NULL;
	index_keys = 0;
	rte_free(index_qsbr);
	index_qsbr = NULL;
}

void client_index_reader_online(unsigned int id)
{
	if (!index_qsbr)
		return;
	rte_rcu_qsbr_thread_register(index_qsbr, id);
	rte_rcu_qsbr_thread_online(index_qsbr, id);
}

void client_index_reader_offline(unsigned int id)
{
	if (!index_qsbr)
		return;
	rte_rcu_qsbr_thread_offline(index_qsbr, id);
	rte_rcu_qsbr_thread_unregister(index_qsbr, id);
}

void client_index_quiescent(unsigned int id)
{
	rte_rcu_qsbr_quiescent(index_qsbr, id);
}

int client_index_add(const struct in6_addr *addr, const struct client_ref *ref)
{
	struct client_ref held;
	int rc = 0;

	/* rte_hash_add_key_data on a key that exists replaces its value: the
	 * look-up and the add must be one step, or two workers binding one
	 * address at once would both succeed and the second take it from the
	 * first. */
	rte_spinlock_lock(&writer_lock);
	if (client_index_lookup(addr, &held)) {
		rc = memcmp(&held, ref, sizeof(held)) == 0 ? 0 : -EEXIST;
	} else if (rte_hash_add_key_data(index_hash, addr, pack(ref)) != 0) {
		rc = -ENOSPC;
	} else {
		__atomic_fetch_add(&index_keys, 1, __ATOMIC_RELAXED);
	}
	rte_spinlock_unlock(&writer_lock);
	return rc;
}

int client_index_remove(const struct in6_addr *addr, const struct client_ref *ref)
{
	struct client_ref held;
	int rc = -ENOENT;

	rte_spinlock_lock(&writer_lock);
	if (client_index_lookup(addr, &held) && memcmp(&held, ref, sizeof(held)) == 0 &&
	    rte_hash_del_key(index_hash, addr) >= 0) {
		__atomic_fetch_sub(&index_keys, 1, __ATOMIC_RELAXED);
		rc = 0;
	}
	rte_spinlock_unlock(&writer_lock);
	return rc;
}

bool client_index_lookup(const struct in6_addr *addr, struct client_ref *ref)
{
	void *data;

	if (rte_hash_lookup_data(index_hash, addr, &data) < 0)
		return false;
	unpack(data, ref);
	return true;
}

uint32_t client_index_count(void)
{
	return __atomic_load_n(&index_keys, __ATOMIC_RELAXED);
}
