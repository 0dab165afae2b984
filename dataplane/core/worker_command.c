/* SPDX-License-Identifier: BSD-3-Clause */
#include "worker_command.h"

#include <errno.h>
#include <stdlib.h>

#include <rte_cycles.h>
#include <rte_pause.h>
#include <rte_ring.h>

#include "worker.h"

enum command_state {
	COMMAND_QUEUED,
	COMMAND_RUNNING,
	COMMAND_DONE,
	COMMAND_ABANDONED, /* the caller stopped waiting: whoever dequeues it frees it */
};

struct worker_command {
	worker_command_fn fn;
	void *arg;
	uint32_t state; /* enum command_state, changed with atomics only */
};

int worker_command_run(struct worker *w, worker_command_fn fn, void *arg, unsigned int timeout_ms)
{
	struct worker_command *cmd;
	uint64_t deadline;
	uint32_t expected = COMMAND_QUEUED;

	if (!__atomic_load_n(&w->running, __ATOMIC_ACQUIRE) || !w->commands) {
		fn(w, arg);
		return 0;
	}
	cmd = malloc(sizeof(*cmd));
	if (!cmd)
		return -ENOMEM;
	cmd->fn = fn;
	cmd->arg = arg;
	cmd->state = COMMAND_QUEUED;
	if (rte_ring_mp_enqueue(w->commands, cmd) != 0) {
		free(cmd);
		return -ENOBUFS;
	}
	deadline = rte_get_timer_cycles() + rte_get_timer_hz() / 1000 * timeout_ms;
	while (__atomic_load_n(&cmd->state, __ATOMIC_ACQUIRE) != COMMAND_DONE) {
		if (rte_get_timer_cycles() > deadline &&
		    __atomic_compare_exchange_n(&cmd->state, &expected, COMMAND_ABANDONED, false, __ATOMIC_ACQ_REL,
						__ATOMIC_ACQUIRE))
			return -ETIMEDOUT; /* the worker frees it when it gets there */
		/* Not taken yet: keep waiting; taken: it is running and ends soon. */
		expected = COMMAND_QUEUED;
		rte_delay_us_sleep(50);
	}
	free(cmd);
	return 0;
}

void worker_command_poll(struct worker *w)
{
	void *p;

	while (rte_ring_sc_dequeue(w->commands, &p) == 0) {
		struct worker_command *cmd = p;
		uint32_t expected = COMMAND_QUEUED;

		if (!__atomic_compare_exchange_n(&cmd->state, &expected, COMMAND_RUNNING, false, __ATOMIC_ACQ_REL,
						 __ATOMIC_ACQUIRE)) {
			free(cmd); /* abandoned by its caller */
			continue;
		}
		cmd->fn(w, cmd->arg);
		__atomic_store_n(&cmd->state, COMMAND_DONE, __ATOMIC_RELEASE);
	}
}
