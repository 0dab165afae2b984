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
		t->first_failure_ms = now_ms;
		t->timeout_ms = RECONNECT_FIRST_TIMEOUT_MS;
	} else {
		elapsed = now_ms - t->first_failure_ms;
		t->timeout_ms = elapsed < RECONNECT_MAX_TIMEOUT_MS ? elapsed : RECONNECT_MAX_TIMEOUT_MS;
	}
	t->due_ms = now_ms + t->timeout_ms;
}

void reconnect_timer_success(struct reconnect_timer *t)
{
	reconnect_timer_init(t);
}

bool reconnect_timer_due(const struct reconnect_timer *t, uint64_t now_ms)
{
	return !t->running || now_ms >= t->due_ms;
}
