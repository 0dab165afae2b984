/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_RECONNECT_TIMER_H
#define IPHTTPS_RECONNECT_TIMER_H

/*
 * The IP-HTTPS client's reconnect timer ([MS-IPHTTPS] 3.1.2.1), on a clock
 * the caller gives (milliseconds, monotonic), so it is tested on a fake one.
 *
 * The first failure starts the algorithm and a timer of 30 s. Each later
 * failure starts a timer set to the time elapsed since the first failure,
 * at most 15 minutes; a successful connection resets it all. A failure is a
 * connection attempt that failed.
 *
 * The loss of a LinkUp connection is not a failure: 3.1.5.4 says the client
 * MUST attempt to establish the connection again, and it does, after a
 * random delay of at most RECONNECT_JITTER_MAX_MS so that the thousands of
 * clients a restarted server drops do not all come back in one millisecond.
 * Only a link that lived less than RECONNECT_STABLE_LINK_MS counts as a
 * failed attempt: a server (or a middlebox) that accepts and drops at once
 * is then retried on the timer, not in a loop.
 *
 * The text fixes the timeout ("the time elapsed since the beginning of the
 * algorithm"); the list of intervals that follows it in the specification
 * (30, 30 + T, 60 + 2T, 120 + 3T, ... where T is the time an attempt takes
 * to fail) agrees with it when T is 0 and is looser in its T terms: with
 * attempts that fail after T, the timers here are 30, 30 + T, 60 + 3T,
 * 120 + 7T, ... (each the elapsed time at the failure that starts it).
 */

#include <stdbool.h>
#include <stdint.h>

enum reconnect_timer_limits {
	RECONNECT_FIRST_TIMEOUT_MS = 30 * 1000,
	RECONNECT_MAX_TIMEOUT_MS = 15 * 60 * 1000,
	RECONNECT_JITTER_MAX_MS = 2000,
	RECONNECT_STABLE_LINK_MS = 10 * 1000,
};

struct reconnect_timer {
	bool running;           /* a failure happened since the last success */
	uint64_t first_failure_ms;
	uint64_t timeout_ms;    /* of the timer running now */
	bool retry_pending;     /* a LinkUp connection was lost: one attempt at due_ms, outside the algorithm */
	uint64_t due_ms;        /* when the next attempt is due */
};

/** A fresh timer: nothing has failed. */
void reconnect_timer_init(struct reconnect_timer *t);

/** A connection attempt failed at now_ms: start the next timer. */
void reconnect_timer_failure(struct reconnect_timer *t, uint64_t now_ms);

/**
 * A connection in LinkUp was lost at now_ms after up_ms of LinkUp: the next
 * attempt is due jitter_ms later (the caller draws it, 0..RECONNECT_JITTER_MAX_MS),
 * or, for a link shorter than RECONNECT_STABLE_LINK_MS, on the timer as a failure.
 * @return true when the attempt is the prompt one.
 */
bool reconnect_timer_link_lost(struct reconnect_timer *t, uint64_t now_ms, uint64_t up_ms, uint64_t jitter_ms);

/** A connection succeeded (LinkUp): the algorithm starts over at the next failure. */
void reconnect_timer_success(struct reconnect_timer *t);

/** Whether an attempt is due at now_ms (always, when nothing has failed). */
bool reconnect_timer_due(const struct reconnect_timer *t, uint64_t now_ms);

#endif
