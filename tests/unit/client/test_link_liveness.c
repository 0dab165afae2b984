/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The client's liveness probes (client/link_liveness.c) on a fake clock:
 * quiet while the server talks; after idle_s of silence a probe, then one
 * every interval_s; lost after `probes` unanswered; any byte heard starts
 * it over; the defaults find a dead path within 30 s (issue #22); idle_s 0
 * turns it off.
 */
#include "link_liveness.h"
#include "unit_runner.h"

#include <CUnit/Basic.h>

static const struct link_liveness_config defaults = {
	LIVENESS_DEFAULT_IDLE_S, LIVENESS_DEFAULT_INTERVAL_S, LIVENESS_DEFAULT_PROBES,
};

static void test_quiet_while_the_server_talks(void)
{
	struct link_liveness l;

	link_liveness_start(&l, &defaults, 100);
	for (double t = 100; t < 200; t += 1) {
		link_liveness_heard(&l, t);
		CU_ASSERT_EQUAL(link_liveness_poll(&l, t + 0.5), LIVENESS_QUIET);
	}
	CU_ASSERT_EQUAL(l.probes_sent, 0);
}

static void test_probes_then_lost(void)
{
	struct link_liveness l;

	link_liveness_start(&l, &defaults, 0);
	CU_ASSERT_EQUAL(link_liveness_poll(&l, 9.9), LIVENESS_QUIET);
	CU_ASSERT_EQUAL(link_liveness_poll(&l, 10), LIVENESS_PROBE);
	CU_ASSERT_EQUAL(link_liveness_poll(&l, 10.1), LIVENESS_QUIET); /* one probe per interval */
	CU_ASSERT_EQUAL(link_liveness_poll(&l, 14.9), LIVENESS_QUIET);
	CU_ASSERT_EQUAL(link_liveness_poll(&l, 15), LIVENESS_PROBE);
	CU_ASSERT_EQUAL(link_liveness_poll(&l, 20), LIVENESS_PROBE);
	CU_ASSERT_EQUAL(link_liveness_poll(&l, 24.9), LIVENESS_QUIET);
	CU_ASSERT_EQUAL(link_liveness_poll(&l, 25), LIVENESS_LOST);
	CU_ASSERT_EQUAL(l.probes_sent, 3);
}

static void test_an_answer_starts_over(void)
{
	struct link_liveness l;

	link_liveness_start(&l, &defaults, 0);
	CU_ASSERT_EQUAL(link_liveness_poll(&l, 10), LIVENESS_PROBE);
	CU_ASSERT_EQUAL(link_liveness_poll(&l, 15), LIVENESS_PROBE);
	link_liveness_heard(&l, 15.2); /* the router's NA */
	CU_ASSERT_EQUAL(link_liveness_poll(&l, 20), LIVENESS_QUIET);
	CU_ASSERT_EQUAL(link_liveness_poll(&l, 25.2), LIVENESS_PROBE);
	CU_ASSERT_EQUAL(l.unanswered, 1);
}

static void test_the_defaults_find_a_dead_path_within_30_s(void)
{
	struct link_liveness l;
	double t;

	CU_ASSERT(link_liveness_deadline_s(&defaults) <= 30);
	link_liveness_start(&l, &defaults, 0);
	for (t = 0; t <= 60 && link_liveness_poll(&l, t) != LIVENESS_LOST; t += 0.1)
		;
	CU_ASSERT(t <= 30.0);
	CU_ASSERT(t >= link_liveness_deadline_s(&defaults) - 0.01);
}

static void test_off(void)
{
	const struct link_liveness_config off = {0, 5, 3};
	struct link_liveness l;

	link_liveness_start(&l, &off, 0);
	CU_ASSERT_EQUAL(link_liveness_poll(&l, 1e6), LIVENESS_QUIET);
	CU_ASSERT_EQUAL(link_liveness_deadline_s(&off), 0);
}

int main(void)
{
	static const struct unit_test tests[] = {
		{ "no probe while the server sends", test_quiet_while_the_server_talks },
		{ "after idle_s a probe every interval_s, lost after `probes` unanswered", test_probes_then_lost },
		{ "any byte heard starts it over", test_an_answer_starts_over },
		{ "the defaults declare a dead path lost within 30 s", test_the_defaults_find_a_dead_path_within_30_s },
		{ "idle_s 0: off", test_off },
	};

	return unit_run("link_liveness", tests, sizeof(tests) / sizeof(tests[0]));
}
