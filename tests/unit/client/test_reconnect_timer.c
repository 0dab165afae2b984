/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The client's reconnect timer ([MS-IPHTTPS] 3.1.2.1, client/reconnect_timer.c)
 * on a fake clock: 30 s after the first failure, then the time elapsed since
 * it, at most 15 minutes, every 15 minutes after that; reset by success; with
 * T, the time an attempt takes to fail, 0 and not.
 */
#include <stdint.h>

#include "reconnect_timer.h"
#include "unit_runner.h"

#include <CUnit/Basic.h>

#define S(x) ((uint64_t)(x) * 1000)

/* Attempts that each fail T ms after they start: the timeouts, in order. */
static void timeouts_with(uint64_t t_ms, uint64_t *timeouts, int n)
{
	struct reconnect_timer t;
	uint64_t now = S(1000); /* any start */

	reconnect_timer_init(&t);
	CU_ASSERT_TRUE(reconnect_timer_due(&t, now)); /* nothing failed: connect now */
	reconnect_timer_failure(&t, now);
	for (int i = 0; i < n; i++) {
		timeouts[i] = t.timeout_ms;
		CU_ASSERT_FALSE(reconnect_timer_due(&t, now + t.timeout_ms - 1));
		now += t.timeout_ms;
		CU_ASSERT_TRUE(reconnect_timer_due(&t, now));
		now += t_ms; /* the attempt runs, and fails */
		reconnect_timer_failure(&t, now);
	}
}

static void test_intervals_when_attempts_fail_at_once(void)
{
	uint64_t got[8];
	const uint64_t want[8] = { S(30), S(30), S(60), S(120), S(240), S(480), S(900), S(900) };

	timeouts_with(0, got, 8);
	for (int i = 0; i < 8; i++)
		CU_ASSERT_EQUAL(got[i], want[i]);
}

static void test_intervals_with_the_t_terms(void)
{
	const uint64_t T = S(7);
	uint64_t got[6];
	/* Each timer is the time elapsed since the first failure, at the failure that starts it. */
	const uint64_t want[6] = { S(30), S(30) + T, S(60) + 3 * T, S(120) + 7 * T, S(240) + 15 * T, S(480) + 31 * T };

	timeouts_with(T, got, 6);
	for (int i = 0; i < 6; i++)
		CU_ASSERT_EQUAL(got[i], want[i]);
}

static void test_fifteen_minutes_at_most_and_every_fifteen_after(void)
{
	uint64_t got[20];

	timeouts_with(S(45), got, 20);
	for (int i = 0; i < 20; i++)
		CU_ASSERT(got[i] <= S(900));
	CU_ASSERT_EQUAL(got[18], S(900));
	CU_ASSERT_EQUAL(got[19], S(900));
}

static void test_success_resets(void)
{
	struct reconnect_timer t;

	reconnect_timer_init(&t);
	reconnect_timer_failure(&t, S(0));
	reconnect_timer_failure(&t, S(40));
	reconnect_timer_failure(&t, S(200));
	CU_ASSERT_EQUAL(t.timeout_ms, S(200));
	reconnect_timer_success(&t);
	CU_ASSERT_TRUE(reconnect_timer_due(&t, S(201)));
	/* The next failed attempt starts the algorithm over: 30 s. */
	reconnect_timer_failure(&t, S(5000));
	CU_ASSERT_EQUAL(t.timeout_ms, S(30));
	CU_ASSERT_FALSE(reconnect_timer_due(&t, S(5029)));
	CU_ASSERT_TRUE(reconnect_timer_due(&t, S(5030)));
}

/* 3.1.5.4: "Upon loss of connectivity ... the client MUST attempt to establish
 * the HTTPS connection": at once (after the jitter), not after 30 s. */
static void test_a_lost_link_is_retried_at_once(void)
{
	struct reconnect_timer t;

	reconnect_timer_init(&t);
	reconnect_timer_success(&t);
	CU_ASSERT_TRUE(reconnect_timer_link_lost(&t, S(100), S(60), 1234));
	CU_ASSERT_EQUAL(t.timeout_ms, 1234);
	CU_ASSERT_FALSE(reconnect_timer_due(&t, S(100) + 1233));
	CU_ASSERT_TRUE(reconnect_timer_due(&t, S(100) + 1234));
	/* That attempt fails: now the algorithm starts, at 30 s. */
	reconnect_timer_failure(&t, S(102));
	CU_ASSERT_EQUAL(t.timeout_ms, S(30));
	CU_ASSERT_FALSE(reconnect_timer_due(&t, S(131)));
	CU_ASSERT_TRUE(reconnect_timer_due(&t, S(132)));
	reconnect_timer_failure(&t, S(140));
	CU_ASSERT_EQUAL(t.timeout_ms, S(38));
}

static void test_the_jitter_is_bounded(void)
{
	struct reconnect_timer t;

	reconnect_timer_init(&t);
	CU_ASSERT_TRUE(reconnect_timer_link_lost(&t, S(0), S(3600), 999999));
	CU_ASSERT_EQUAL(t.timeout_ms, RECONNECT_JITTER_MAX_MS);
	CU_ASSERT_TRUE(reconnect_timer_due(&t, RECONNECT_JITTER_MAX_MS));
}

/* A server that accepts and drops at once is retried on the timer, not in a loop. */
static void test_a_short_lived_link_counts_as_a_failure(void)
{
	struct reconnect_timer t;

	reconnect_timer_init(&t);
	CU_ASSERT_FALSE(reconnect_timer_link_lost(&t, S(50), RECONNECT_STABLE_LINK_MS - 1, 0));
	CU_ASSERT_EQUAL(t.timeout_ms, S(30));
	CU_ASSERT_FALSE(reconnect_timer_due(&t, S(79)));
	CU_ASSERT_FALSE(reconnect_timer_link_lost(&t, S(90), 500, 0));
	CU_ASSERT_EQUAL(t.timeout_ms, S(40));
}

int main(void)
{
	static const struct unit_test tests[] = {
		{ "30 s, then the time since the first failure (attempts failing at once)",
		  test_intervals_when_attempts_fail_at_once },
		{ "the T terms: each timer is the time elapsed at the failure that starts it", test_intervals_with_the_t_terms },
		{ "at most 15 minutes, and every 15 minutes thereafter", test_fifteen_minutes_at_most_and_every_fifteen_after },
		{ "a success resets the timer; the next failure starts it over", test_success_resets },
		{ "3.1.5.4 MUST attempt again: a lost LinkUp connection is retried at once, then the timer",
		  test_a_lost_link_is_retried_at_once },
		{ "the delay before that attempt is at most RECONNECT_JITTER_MAX_MS", test_the_jitter_is_bounded },
		{ "a link shorter than RECONNECT_STABLE_LINK_MS counts as a failed attempt",
		  test_a_short_lived_link_counts_as_a_failure },
	};

	return unit_run("reconnect_timer", tests, sizeof(tests) / sizeof(tests[0]));
}
