/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Client Table (dataplane/session/client_table.c) and the global client index
 * (dataplane/session/client_index.c): slots and generations, the max_clients cap
 * across workers, addresses bound and removed with their session, and the
 * index read lock-free on another lcore while the main lcore deletes and
 * re-adds every key: with RCU reclaiming key slots only after the reader's
 * quiescent state, a reader never sees a value under the wrong key.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "appliance_config.h"
#include "client_index.h"
#include "client_table.h"
#include "session_counters.h"
#include "subject_sessions.h"
#include "unit_runner.h"
#include "worker.h"

static struct iphttps_config config;
static struct rte_mempool *pool; /* the workers' (the subject limit's orders to end a session) */

static struct in6_addr addr_of(uint32_t i)
{
	struct in6_addr a = {{{0x20, 0x01, 0x0d, 0xb8, 0, 0xc1}}};

	a.s6_addr[12] = (uint8_t)(i >> 24);
	a.s6_addr[13] = (uint8_t)(i >> 16);
	a.s6_addr[14] = (uint8_t)(i >> 8);
	a.s6_addr[15] = (uint8_t)i;
	return a;
}

static void test_slots_and_generations(void)
{
	struct worker *w = &workers[0];
	struct session *s[8], *extra;
	uint32_t slot, generation;

	for (int i = 0; i < 8; i++) {
		s[i] = client_table_session_alloc(w);
		CU_ASSERT_PTR_NOT_NULL_FATAL(s[i]);
		s[i]->conn = (struct tcp_conn *)1; /* marks the slot in use, as a connection would */
	}
	CU_ASSERT_PTR_NULL(client_table_session_alloc(w)); /* max_connections_per_worker = 8 */
	slot = s[3]->slot;
	generation = s[3]->generation;
	CU_ASSERT_PTR_EQUAL(client_table_find(w, slot, generation), s[3]);
	client_table_session_release(w, s[3]);
	CU_ASSERT_PTR_NULL(client_table_find(w, slot, generation)); /* a stale handle misses */
	extra = client_table_session_alloc(w);
	CU_ASSERT_PTR_EQUAL(extra, s[3]);
	CU_ASSERT_NOT_EQUAL(extra->generation, generation);
	for (int i = 0; i < 8; i++)
		client_table_session_release(w, s[i]);
	CU_ASSERT_EQUAL(client_table_shard_of(w)->free_count, 8);
}

static void test_max_clients_across_workers(void)
{
	struct session *a = client_table_session_alloc(&workers[0]);
	struct session *b = client_table_session_alloc(&workers[1]);
	struct session *c = client_table_session_alloc(&workers[1]);

	config.limits.max_clients = 2;
	CU_ASSERT_EQUAL(client_table_add(&workers[0], a), 0);
	CU_ASSERT_EQUAL(client_table_add(&workers[1], b), 0);
	CU_ASSERT_EQUAL(client_table_add(&workers[1], c), -ENOSPC); /* the table is full, whichever worker asks */
	CU_ASSERT_EQUAL(client_table_entries(), 2);
	CU_ASSERT_EQUAL(client_table_shard_of(&workers[1])->entries, 1);
	client_table_remove(&workers[0], a);
	CU_ASSERT_EQUAL(client_table_add(&workers[1], c), 0);
	client_table_remove(&workers[1], b);
	client_table_remove(&workers[1], c);
	client_table_remove(&workers[1], c); /* twice is harmless */
	CU_ASSERT_EQUAL(client_table_entries(), 0);
	client_table_session_release(&workers[0], a);
	client_table_session_release(&workers[1], b);
	client_table_session_release(&workers[1], c);
	config.limits.max_clients = LIMIT_MAX_CLIENTS_DEFAULT;
}

static void test_addresses_follow_their_session(void)
{
	struct session *a = client_table_session_alloc(&workers[0]);
	struct session *b = client_table_session_alloc(&workers[1]);
	struct in6_addr x = addr_of(1);
	struct client_ref ref;

	config.iphttps.addresses_per_client = CLIENT_INDEX_ADDRESSES_PER_CLIENT;
	CU_ASSERT_EQUAL(client_table_add(&workers[0], a), 0);
	for (uint32_t i = 0; i < CLIENT_INDEX_ADDRESSES_PER_CLIENT; i++) {
		struct in6_addr ai = addr_of(1 + i);

		workers[0].now_ms = 1000 * (i + 1); /* each its own second of use */
		CU_ASSERT_EQUAL(client_table_bind_address(&workers[0], a, &ai), 0);
	}
	workers[0].now_ms = 30000;
	CU_ASSERT_EQUAL(client_table_bind_address(&workers[0], a, &x), 0); /* again: no change, but used now */
	/* At the cap, a new address takes the place of the least recently used (addr_of(2)). */
	x = addr_of(100);
	CU_ASSERT_EQUAL(client_table_bind_address(&workers[0], a, &x), 0);
	CU_ASSERT_EQUAL(a->address_count, CLIENT_INDEX_ADDRESSES_PER_CLIENT);
	x = addr_of(2);
	CU_ASSERT_FALSE(client_index_lookup(&x, &ref));
	x = addr_of(1);
	CU_ASSERT_EQUAL(client_table_bind_address(&workers[1], b, &x), -EEXIST); /* another client's address */
	CU_ASSERT_TRUE(client_index_lookup(&x, &ref));
	CU_ASSERT_EQUAL(ref.worker, 0);
	CU_ASSERT_EQUAL(ref.slot, a->slot);
	CU_ASSERT_EQUAL(ref.generation, a->generation);
	CU_ASSERT_EQUAL(client_index_count(), CLIENT_INDEX_ADDRESSES_PER_CLIENT);
	client_table_remove(&workers[0], a); /* §3.2.7.2: the entry and its addresses go */
	CU_ASSERT_FALSE(client_index_lookup(&x, &ref));
	CU_ASSERT_EQUAL(client_index_count(), 0);
	CU_ASSERT_EQUAL(client_table_bind_address(&workers[1], b, &x), 0); /* now free for b */
	client_table_remove(&workers[1], b);
	client_table_session_release(&workers[0], a);
	client_table_session_release(&workers[1], b);
}

/* A client at its cap replaces at most CLIENT_TABLE_ADDRESS_EVICTIONS_PER_SECOND
 * addresses a second: one sending from a new address every packet would
 * otherwise make two index writes per packet. */
static void test_address_replacements_are_rate_limited(void)
{
	struct session *a = client_table_session_alloc(&workers[0]);
	struct client_ref ref;

	config.iphttps.addresses_per_client = CLIENT_INDEX_ADDRESSES_PER_CLIENT;
	CU_ASSERT_EQUAL(client_table_add(&workers[0], a), 0);
	for (uint32_t i = 0; i < CLIENT_INDEX_ADDRESSES_PER_CLIENT; i++) {
		struct in6_addr ai = addr_of(1 + i);

		workers[0].now_ms = 1000 * (i + 1);
		CU_ASSERT_EQUAL(client_table_bind_address(&workers[0], a, &ai), 0);
	}
	workers[0].now_ms = 100000;
	for (uint32_t i = 0; i < CLIENT_TABLE_ADDRESS_EVICTIONS_PER_SECOND + 2; i++) {
		struct in6_addr x = addr_of(200 + i);
		int want = i < CLIENT_TABLE_ADDRESS_EVICTIONS_PER_SECOND ? 0 : -ENOSPC;

		CU_ASSERT_EQUAL(client_table_bind_address(&workers[0], a, &x), want);
		CU_ASSERT_EQUAL(client_index_lookup(&x, &ref), want == 0);
	}
	CU_ASSERT_EQUAL(a->address_count, CLIENT_INDEX_ADDRESSES_PER_CLIENT);
	CU_ASSERT_EQUAL(client_index_count(), CLIENT_INDEX_ADDRESSES_PER_CLIENT);
	workers[0].now_ms = 101000; /* the next second: room again */
	{
		struct in6_addr x = addr_of(300);

		CU_ASSERT_EQUAL(client_table_bind_address(&workers[0], a, &x), 0);
	}
	client_table_remove(&workers[0], a);
	CU_ASSERT_EQUAL(client_index_count(), 0);
	client_table_session_release(&workers[0], a);
}

/* ---- lock-free readers under churn ---- */

enum { CHURN_KEYS = 1024, CHURN_SECONDS = 1 };

static volatile int churn_stop;
static uint64_t reader_lookups, reader_misses, reader_wrong;

/* The sessions a subject holds, oldest first: each verdict of the table itself. */
static void test_sessions_per_subject_table(void)
{
	struct client_ref r[SUBJECT_SESSIONS_TRACKED + 2], oldest = { 0 };
	const uint64_t laptop = 0x1234, other = 0x5678;

	for (uint32_t i = 0; i < SUBJECT_SESSIONS_TRACKED + 2; i++)
		r[i] = (struct client_ref){ .worker = i % 2, .slot = i, .generation = 100 + i };
	/* A limit of 2 that replaces: the third session takes the first's place, then the fourth the second's. */
	CU_ASSERT_EQUAL(subject_sessions_join(laptop, &r[0], 2, true, &oldest), SUBJECT_SESSIONS_JOINED);
	CU_ASSERT_EQUAL(subject_sessions_join(laptop, &r[1], 2, true, &oldest), SUBJECT_SESSIONS_JOINED);
	CU_ASSERT_EQUAL(subject_sessions_join(other, &r[9], 2, true, &oldest), SUBJECT_SESSIONS_JOINED);
	CU_ASSERT_EQUAL(subject_sessions_join(laptop, &r[2], 2, true, &oldest), SUBJECT_SESSIONS_REPLACED);
	CU_ASSERT_EQUAL(memcmp(&oldest, &r[0], sizeof(oldest)), 0);
	CU_ASSERT_EQUAL(subject_sessions_join(laptop, &r[3], 2, true, &oldest), SUBJECT_SESSIONS_REPLACED);
	CU_ASSERT_EQUAL(memcmp(&oldest, &r[1], sizeof(oldest)), 0);
	CU_ASSERT_EQUAL(subject_sessions_of(laptop), 2);
	CU_ASSERT_EQUAL(subject_sessions_of(other), 1); /* another subject's are its own */
	/* A replaced session that ends later changes nothing: it is no longer counted. */
	subject_sessions_leave(laptop, &r[0]);
	CU_ASSERT_EQUAL(subject_sessions_of(laptop), 2);
	/* Refuse: at the limit, nothing changes. */
	CU_ASSERT_EQUAL(subject_sessions_join(laptop, &r[4], 2, false, &oldest), SUBJECT_SESSIONS_REFUSED);
	CU_ASSERT_EQUAL(subject_sessions_of(laptop), 2);
	subject_sessions_leave(laptop, &r[2]);
	CU_ASSERT_EQUAL(subject_sessions_join(laptop, &r[4], 2, false, &oldest), SUBJECT_SESSIONS_JOINED);
	/* A limit lowered to 1 under 2 sessions: the next one replaces the oldest (r[3]); one went, one came. */
	CU_ASSERT_EQUAL(subject_sessions_join(laptop, &r[5], 1, true, &oldest), SUBJECT_SESSIONS_REPLACED);
	CU_ASSERT_EQUAL(memcmp(&oldest, &r[3], sizeof(oldest)), 0);
	CU_ASSERT_EQUAL(subject_sessions_of(laptop), 2);
	subject_sessions_leave(laptop, &r[4]);
	subject_sessions_leave(laptop, &r[5]);
	CU_ASSERT_EQUAL(subject_sessions_of(laptop), 0);
	CU_ASSERT_EQUAL(subject_sessions_subjects(), 1); /* a subject with no session leaves the table */
	/* No limit: counted up to what a subject tracks, admitted untracked beyond. */
	for (uint32_t i = 0; i < SUBJECT_SESSIONS_TRACKED; i++)
		CU_ASSERT_EQUAL(subject_sessions_join(laptop, &r[i], 0, true, &oldest), SUBJECT_SESSIONS_JOINED);
	CU_ASSERT_EQUAL(subject_sessions_join(laptop, &r[SUBJECT_SESSIONS_TRACKED], 0, true, &oldest),
			SUBJECT_SESSIONS_UNTRACKED);
	CU_ASSERT_EQUAL(subject_sessions_of(laptop), SUBJECT_SESSIONS_TRACKED);
	subject_sessions_clear();
	CU_ASSERT_EQUAL(subject_sessions_subjects(), 0);
}

/* What the subject-limit ordered worker w to do: the ref of the session to end, from its inbox. */
static bool end_order_for(struct worker *w, struct client_ref *ref)
{
	struct rte_mbuf *m;

	if (rte_ring_dequeue(w->inbox, (void **)&m) != 0)
		return false;
	CU_ASSERT_EQUAL(m->hash.usr, WORKER_INBOX_END_SESSION);
	memcpy(ref, rte_pktmbuf_mtod(m, const void *), sizeof(*ref));
	rte_pktmbuf_free(m);
	return true;
}

/*
 * The Client Table counts a session under its verified subject (here one a
 * TLS offloader verified, PROXY v2 PP2_TYPE_SSL) in certificates mode only.
 * limits.sessions_per_subject 1: a second session of the subject, on
 * another worker, orders the first one's worker to end it; with the action
 * refuse, a third is refused (-EDQUOT) and leaves the Client Table as it was.
 */
static void test_sessions_per_subject_in_the_client_table(void)
{
	struct session *a = client_table_session_alloc(&workers[0]);
	struct session *b = client_table_session_alloc(&workers[1]);
	struct session *c = client_table_session_alloc(&workers[1]);
	struct session *n = client_table_session_alloc(&workers[0]);
	struct client_ref order;

	config.limits.max_clients = 10;
	config.limits.sessions_per_subject = 1;
	config.iphttps.authentication = CONFIG_AUTH_CERTIFICATES;
	a->offload_subject = strdup("CN=laptop-42.corp.example");
	b->offload_subject = strdup("CN=laptop-42.corp.example");
	c->offload_subject = strdup("CN=laptop-42.corp.example");
	CU_ASSERT_EQUAL(client_table_add(&workers[0], a), 0);
	CU_ASSERT_EQUAL(client_table_add(&workers[1], b), 0);
	CU_ASSERT_TRUE_FATAL(end_order_for(&workers[0], &order)); /* a's worker is told */
	CU_ASSERT_EQUAL(order.worker, 0);
	CU_ASSERT_EQUAL(order.slot, a->slot);
	CU_ASSERT_EQUAL(order.generation, a->generation);
	CU_ASSERT_FALSE(end_order_for(&workers[1], &order));
	CU_ASSERT_EQUAL(counter(&workers[1], session_subject_replaced), 1);
	CU_ASSERT_EQUAL(subject_sessions_of(session_owner_key(b)), 1);
	/* Refuse: c is not added, and b stays. */
	config.limits.sessions_per_subject_action = CONFIG_SUBJECT_REFUSE;
	CU_ASSERT_EQUAL(client_table_add(&workers[1], c), -EDQUOT);
	CU_ASSERT_FALSE(c->in_client_table);
	CU_ASSERT_EQUAL(client_table_entries(), 2);
	CU_ASSERT_EQUAL(counter(&workers[1], session_subject_refused), 1);
	CU_ASSERT_FALSE(end_order_for(&workers[0], &order));
	/* a ends (its order carried out): b is still its subject's one session. */
	client_table_remove(&workers[0], a);
	CU_ASSERT_EQUAL(subject_sessions_of(session_owner_key(b)), 1);
	client_table_remove(&workers[1], b);
	CU_ASSERT_EQUAL(subject_sessions_of(session_owner_key(b)), 0);
	CU_ASSERT_EQUAL(client_table_add(&workers[1], c), 0); /* room again */
	client_table_remove(&workers[1], c);
	/* Mode none: nothing names a client across connections, nothing is counted. */
	config.iphttps.authentication = CONFIG_AUTH_NONE;
	CU_ASSERT_EQUAL(client_table_add(&workers[0], n), 0);
	CU_ASSERT_FALSE(n->subject_counted);
	CU_ASSERT_EQUAL(subject_sessions_subjects(), 0);
	client_table_remove(&workers[0], n);
	config.limits.sessions_per_subject = 0;
	config.limits.sessions_per_subject_action = CONFIG_SUBJECT_REPLACE_OLDEST;
	for (struct session **s = (struct session *[]){ a, b, c, n, NULL }; *s; s++) {
		free((*s)->offload_subject);
		(*s)->offload_subject = NULL;
		client_table_session_release(&workers[(*s == a || *s == n) ? 0 : 1], *s);
	}
}

static int reader_main(void *arg)
{
	unsigned int id = (unsigned int)(uintptr_t)arg;

	client_index_reader_online(id);
	while (!churn_stop) {
		for (uint32_t i = 0; i < CHURN_KEYS; i++) {
			struct in6_addr a = addr_of(i);
			struct client_ref ref;

			if (client_index_lookup(&a, &ref)) {
				/* Every value names the key it was stored under. */
				if (ref.slot != i || ref.worker != 1)
					reader_wrong++;
			} else {
				reader_misses++;
			}
			reader_lookups++;
		}
		client_index_quiescent(id);
	}
	client_index_reader_offline(id);
	return 0;
}

static void test_lockfree_readers_under_churn(void)
{
	unsigned int reader_lcore = rte_get_next_lcore(rte_lcore_id(), 1, 0);
	uint64_t end, cycles = 0, full_waits = 0;

	CU_ASSERT_FATAL(reader_lcore < RTE_MAX_LCORE);
	for (uint32_t i = 0; i < CHURN_KEYS; i++) {
		struct in6_addr a = addr_of(i);
		struct client_ref ref = {.worker = 1, .slot = i, .generation = 0};

		CU_ASSERT_EQUAL_FATAL(client_index_add(&a, &ref), 0);
	}
	churn_stop = 0;
	CU_ASSERT_EQUAL_FATAL(rte_eal_remote_launch(reader_main, (void *)(uintptr_t)0, reader_lcore), 0);
	end = rte_get_timer_cycles() + rte_get_timer_hz() * CHURN_SECONDS;
	/* Delete a batch of keys, then add them back in reverse order with a new
	 * generation, as sessions come and go: a freed key slot would be taken by
	 * a different key if it were reused at once, which is what RCU prevents
	 * while a reader may still be comparing it. */
	for (uint32_t round = 1; rte_get_timer_cycles() < end; round++) {
		for (uint32_t base = 0; base < CHURN_KEYS; base += 64) {
			for (uint32_t i = base; i < base + 64; i++) {
				struct in6_addr a = addr_of(i);
				struct client_ref old = {.worker = 1, .slot = i, .generation = round - 1};

				CU_ASSERT_EQUAL(client_index_remove(&a, &old), 0);
			}
			for (uint32_t i = base + 64; i-- > base;) {
				struct in6_addr a = addr_of(i);
				struct client_ref ref = {.worker = 1, .slot = i, .generation = round};
				uint64_t give_up = rte_get_timer_cycles() + rte_get_timer_hz();
				int rc;

				/* Freed key slots come back only after the reader's next quiescent
				 * report: a reader descheduled on a busy machine makes the table
				 * look full for a moment. That is RCU working; wait for it. */
				while ((rc = client_index_add(&a, &ref)) == -ENOSPC && rte_get_timer_cycles() < give_up) {
					full_waits++;
					rte_pause();
				}
				CU_ASSERT_EQUAL(rc, 0);
				cycles++;
			}
		}
	}
	churn_stop = 1;
	rte_eal_wait_lcore(reader_lcore);
	printf("\n    %" PRIu64 " delete+add, %" PRIu64 " lookups (%" PRIu64 " between a delete and its add), "
	       "%" PRIu64 " wrong, %" PRIu64 " waits for reclamation\n", cycles, reader_lookups, reader_misses,
	       reader_wrong, full_waits);
	CU_ASSERT_EQUAL(reader_wrong, 0);
	CU_ASSERT_TRUE(reader_lookups > 100000);
	CU_ASSERT_TRUE(cycles > 10000);
	CU_ASSERT_EQUAL(client_index_count(), CHURN_KEYS);
}

int main(void)
{
	static char *eal_argv[] = { "test", "-l", "0-1", "--no-huge", "-m", "128", "--no-pci", "--no-shconf",
				    "--no-telemetry", "--file-prefix", "iphttps-unit-ct", "--log-level", "4", NULL };
	static const struct unit_test tests[] = {
		{ "slots: a fixed pool, generations make stale handles miss", test_slots_and_generations },
		{ "max_clients caps entries across workers", test_max_clients_across_workers },
		{ "addresses are indexed with their session and removed with it", test_addresses_follow_their_session },
		{ "a client at its cap replaces a few addresses a second, no more", test_address_replacements_are_rate_limited },
		{ "sessions per subject: replaced oldest first, refused, untracked past what a subject tracks",
		  test_sessions_per_subject_table },
		{ "sessions per subject in the Client Table: the oldest's worker is told to end it; refuse leaves it",
		  test_sessions_per_subject_in_the_client_table },
		{ "lock-free lookups on another lcore never see a value under the wrong key during churn",
		  test_lockfree_readers_under_churn },
	};
	int rc;

	if (rte_eal_init((int)(sizeof(eal_argv) / sizeof(eal_argv[0])) - 1, eal_argv) < 0)
		return 1;
	config_set_defaults(&config);
	config.limits.max_connections_per_worker = 8;
	for (unsigned int i = 0; i < 2; i++) {
		workers[i].id = i;
		workers[i].lcore = 0;
		workers[i].config = &config;
		if (client_table_shard_init(&workers[i], &config) != 0)
			return 1;
	}
	pool = rte_pktmbuf_pool_create("ct_pool", 64, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	if (!pool)
		return 1;
	for (unsigned int i = 0; i < 2; i++) {
		char name[32];

		snprintf(name, sizeof(name), "ct_inbox_%u", i);
		workers[i].pool = pool;
		workers[i].inbox = rte_ring_create(name, 64, 0, RING_F_SC_DEQ);
		if (!workers[i].inbox)
			return 1;
	}
	if (client_index_create(CHURN_KEYS, 4, 1) != 0 || subject_sessions_create(16) != 0)
		return 1;
	rc = unit_run("client_table", tests, sizeof(tests) / sizeof(tests[0]));
	client_index_destroy();
	subject_sessions_destroy();
	rte_eal_cleanup();
	return rc;
}
