/* SPDX-License-Identifier: BSD-3-Clause */
#include "subject_sessions.h"

#include <string.h>

#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_jhash.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_spinlock.h>

struct subject {
	uint32_t count;
	struct client_ref sessions[SUBJECT_SESSIONS_TRACKED]; /* in the order they joined: the oldest first */
};

static struct rte_hash *subjects_hash;
static struct subject *subjects; /* by the hash's key position */
static uint32_t subjects_count;  /* __atomic: read without the lock */
static rte_spinlock_t subjects_lock = RTE_SPINLOCK_INITIALIZER;

int subject_sessions_create(uint32_t capacity)
{
	struct rte_hash_parameters params = {
		.name = "subject_sessions",
		.entries = capacity < 8 ? 8 : capacity,
		.key_len = sizeof(uint64_t),
		.hash_func = rte_jhash,
		.socket_id = (int)rte_socket_id(),
	};

	subjects_hash = rte_hash_create(&params);
	if (!subjects_hash)
		return -1;
	subjects = rte_zmalloc("subject_sessions", ((size_t)rte_hash_max_key_id(subjects_hash) + 1) * sizeof(*subjects),
			       0);
	if (!subjects) {
		subject_sessions_destroy();
		rte_errno = ENOMEM;
		return -1;
	}
	subjects_count = 0;
	return 0;
}

void subject_sessions_destroy(void)
{
	rte_hash_free(subjects_hash);
	subjects_hash = NULL;
	rte_free(subjects);
	subjects = NULL;
	subjects_count = 0;
}

/* Drop the session at i of e, the younger ones moving up. */
static void drop_at(struct subject *e, uint32_t i)
{
	memmove(&e->sessions[i], &e->sessions[i + 1], (e->count - i - 1) * sizeof(e->sessions[0]));
	e->count--;
}

enum subject_sessions_verdict subject_sessions_join(uint64_t subject, const struct client_ref *ref, uint32_t limit,
						    bool replace_oldest, struct client_ref *oldest)
{
	enum subject_sessions_verdict v = SUBJECT_SESSIONS_JOINED;
	struct subject *e;
	int32_t pos;

	if (!subjects_hash)
		return SUBJECT_SESSIONS_UNTRACKED;
	rte_spinlock_lock(&subjects_lock);
	pos = rte_hash_lookup(subjects_hash, &subject);
	if (pos < 0) {
		pos = rte_hash_add_key(subjects_hash, &subject);
		if (pos < 0) {
			rte_spinlock_unlock(&subjects_lock);
			return SUBJECT_SESSIONS_UNTRACKED;
		}
		subjects[pos].count = 0;
		__atomic_fetch_add(&subjects_count, 1, __ATOMIC_RELAXED);
	}
	e = &subjects[pos];
	if (limit != 0 && e->count >= limit) {
		if (!replace_oldest) {
			rte_spinlock_unlock(&subjects_lock);
			return SUBJECT_SESSIONS_REFUSED;
		}
		*oldest = e->sessions[0];
		drop_at(e, 0);
		v = SUBJECT_SESSIONS_REPLACED;
	}
	if (e->count >= SUBJECT_SESSIONS_TRACKED) {
		rte_spinlock_unlock(&subjects_lock);
		return SUBJECT_SESSIONS_UNTRACKED; /* a limit of 0, or above the sessions it has */
	}
	e->sessions[e->count++] = *ref;
	rte_spinlock_unlock(&subjects_lock);
	return v;
}

void subject_sessions_leave(uint64_t subject, const struct client_ref *ref)
{
	struct subject *e;
	int32_t pos;

	if (!subjects_hash)
		return;
	rte_spinlock_lock(&subjects_lock);
	pos = rte_hash_lookup(subjects_hash, &subject);
	if (pos >= 0) {
		e = &subjects[pos];
		for (uint32_t i = 0; i < e->count; i++)
			if (memcmp(&e->sessions[i], ref, sizeof(*ref)) == 0) {
				drop_at(e, i);
				break;
			}
		if (e->count == 0 && rte_hash_del_key(subjects_hash, &subject) >= 0)
			__atomic_fetch_sub(&subjects_count, 1, __ATOMIC_RELAXED);
	}
	rte_spinlock_unlock(&subjects_lock);
}

uint32_t subject_sessions_of(uint64_t subject)
{
	uint32_t n = 0;
	int32_t pos;

	if (!subjects_hash)
		return 0;
	rte_spinlock_lock(&subjects_lock);
	pos = rte_hash_lookup(subjects_hash, &subject);
	if (pos >= 0)
		n = subjects[pos].count;
	rte_spinlock_unlock(&subjects_lock);
	return n;
}

uint32_t subject_sessions_subjects(void)
{
	return __atomic_load_n(&subjects_count, __ATOMIC_RELAXED);
}

void subject_sessions_clear(void)
{
	if (!subjects_hash)
		return;
	rte_spinlock_lock(&subjects_lock);
	rte_hash_reset(subjects_hash);
	__atomic_store_n(&subjects_count, 0, __ATOMIC_RELAXED);
	rte_spinlock_unlock(&subjects_lock);
}
