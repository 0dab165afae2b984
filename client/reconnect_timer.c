/* SPDX-License-Identifier: BSD-3-Clause */
#include "reconnect_timer.h"

#include <string.h>

void reconnect_timer_init(struct reconnect_timer *t)
{
	memset(t, 0, sizeof(*t));
}

void reconnect_timer_failure(struct reconnect_timer *t, uint64_t now_ms)
{
	uint64_t elapsed;

	if (!t->running) {
		t->running = true;
		t->retry_pending = false;
		t->first_failure_ms = now_ms;
		t->timeout_ms = RECONNECT_FIRST_TIMEOUT_MS;
	} else {
		elapsed = now_ms - t->first_failure_ms;
		t->timeout_ms = elapsed < RECONNECT_MAX_TIMEOUT_MS ? elapsed : RECONNECT_MAX_TIMEOUT_MS;
	}
	t->due_ms = now_ms + t->timeout_ms;
}

bool reconnect_timer_link_lost(struct reconnect_timer *t, uint64_t now_ms, uint64_t up_ms, uint64_t jitter_ms)
{
	if (up_ms < RECONNECT_STABLE_LINK_MS) {
		reconnect_timer_failure(t, now_ms);
		return false;
	}
	/* Outside the algorithm: if this attempt fails, the first failure starts it at 30 s. */
	reconnect_timer_init(t);
	t->retry_pending = true;
	t->timeout_ms = jitter_ms < RECONNECT_JITTER_MAX_MS ? jitter_ms : RECONNECT_JITTER_MAX_MS;
	t->due_ms = now_ms + t->timeout_ms;
	return true;
}

void reconnect_timer_success(struct reconnect_timer *t)
{
	reconnect_timer_init(t);
}

bool reconnect_timer_due(const struct reconnect_timer *t, uint64_t now_ms)
{
	return (!t->running && !t->retry_pending) || now_ms >= t->due_ms;
}
