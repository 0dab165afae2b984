/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker loop's quiescent point (issue #22: "A worker answers the
 * quiescent command before it has finished with the old config"). The real
 * loop (dataplane/worker_loop.c) runs on a second lcore; the control thread
 * sends it commands that play the control plane at its fastest: publish a
 * new configuration and free the old one the moment the command completes,
 * as a reload does once every worker has answered. A loop that still reads
 * w->config after answering (it once flushed its sessions and slept its
 * idle sleep after the command poll) reads freed memory: AddressSanitizer
 * stops it in the sanitizer tier (build/asan/test_worker_loop). In the plain
 * build the old configurations are poisoned and kept, so that a late read
 * sleeps for ages (idle_sleep_us 0xffffffff) and the next command times out.
 */
#define HARNESS_EAL_LCORES "0@0,1@0"
#pragma GCC diagnostic ignored "-Wunused-function" /* the harness's packet helpers: this test sends none */
#include "harness.h"

#include <stdlib.h>
#include <string.h>

#include <rte_launch.h>

#include "address_hold.h"
#include "client_index.h"
#include "link.h"
#include "session.h"
#include "unit_runner.h"
#include "worker_command.h"
#include "worker_loop.h"

#include <CUnit/Basic.h>

enum { RELOADS = 200, WORKER_LCORE = 1, COMMAND_TIMEOUT_MS = 2000 };

static struct iphttps_config *in_force;
/* The plain build keeps the poisoned configurations until the end, so a late read finds the poison, not a new one. */
static struct iphttps_config *retired[RELOADS + 1];
static unsigned int retired_count;

static struct iphttps_config *config_copy(void)
{
	struct iphttps_config *c = malloc(sizeof(*c));

	if (c) {
		*c = harness.config;
		c->workers.idle_sleep_us = 10; /* idle at once: the loop sleeps every iteration after 50 us without a packet */
	}
	return c;
}

/* On the worker's lcore, inside worker_command_poll: what a reload does once every worker has answered. */
static void publish_and_free_the_old(struct worker *w, void *arg)
{
	struct iphttps_config *next = arg, *old = in_force;

	(void)w;
	published_config_set(next);
	in_force = next;
	memset(old, 0xff, sizeof(*old)); /* a late read sleeps 71 minutes (plain build) */
#ifdef __SANITIZE_ADDRESS__
	free(old);                       /* or is a heap-use-after-free (ASan) */
#else
	retired[retired_count++] = old;
#endif
}

static void test_nothing_reads_the_config_after_the_quiescent_point(void)
{
	unsigned int done = 0;

	for (unsigned int i = 0; i < RELOADS; i++) {
		struct iphttps_config *next = config_copy();

		CU_ASSERT_PTR_NOT_NULL_FATAL(next);
		if (worker_command_run(harness.w, publish_and_free_the_old, next, COMMAND_TIMEOUT_MS) != 0) {
			free(next);
			break;
		}
		done++;
	}
	CU_ASSERT_EQUAL(done, RELOADS);
	CU_ASSERT_PTR_EQUAL(published_config_get(), in_force);
}

int main(void)
{
	static const struct unit_test tests[] = {
		{ "a command's completion is the loop's last read of the config (the reload's quiescent point)",
		  test_nothing_reads_the_config_after_the_quiescent_point },
	};
	int rc;

	if (harness_start() != 0) {
		fprintf(stderr, "test_worker_loop: harness setup failed (run from the repository root after make)\n");
		return 1;
	}
	if (harness_start_sessions("test_worker_loop") != 0)
		return 1;
	in_force = config_copy();
	if (!in_force)
		return 1;
	published_config_set(in_force);
	harness.w->lcore = WORKER_LCORE;
	__atomic_store_n(&harness.w->running, true, __ATOMIC_RELEASE);
	if (rte_eal_remote_launch(worker_loop, harness.w, WORKER_LCORE) != 0) {
		fprintf(stderr, "test_worker_loop: cannot launch the worker loop on lcore %d\n", WORKER_LCORE);
		return 1;
	}
	rc = unit_run("worker_loop", tests, sizeof(tests) / sizeof(tests[0]));
	if (rc != 0)
		return rc; /* the loop may be asleep in a poisoned idle_sleep_us: not waited for */
	worker_request_stop();
	rte_eal_wait_lcore(WORKER_LCORE);
	__atomic_store_n(&harness.w->running, false, __ATOMIC_RELEASE);
	published_config_set(&harness.config);
	free(in_force);
	for (unsigned int i = 0; i < retired_count; i++)
		free(retired[i]);
	session_worker_free(harness.w);
	client_index_destroy();
	address_hold_destroy();
	subject_sessions_destroy();
	session_listeners_stop();
	return rc;
}
