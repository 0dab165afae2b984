/* SPDX-License-Identifier: BSD-3-Clause */
#include "service_notify.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>

#include "appliance_state.h"
#include "log.h"
#include "session_admin.h"
#include "worker.h"

enum { STATUS_EVERY_MS = 1000 };

static struct {
	uint64_t watchdog_every_ms;   /* 0: no watchdog */
	uint64_t next_watchdog_ms;
	uint64_t loops_at_last_ping[CONFIG_MAX_WORKERS];
	int stalled_worker;           /* the worker that held the last ping back, or -1 */
	uint64_t next_status_ms;
	char last_status[128];
} notify = { .stalled_worker = -1 };

static void remember_loops(void)
{
	for (unsigned int i = 0; i < worker_count; i++)
		notify.loops_at_last_ping[i] = worker_loops(&workers[i]);
}

void service_notify_init(uint64_t now_ms)
{
	uint64_t usec = 0;

	/* Half the interval, as sd_watchdog_enabled(3) advises: one late ping is not yet a restart. */
	if (sd_watchdog_enabled(0, &usec) > 0 && usec >= 2000) {
		notify.watchdog_every_ms = usec / 2000;
		notify.next_watchdog_ms = now_ms + notify.watchdog_every_ms;
		log_info("systemd watchdog: a ping every %llu ms while every worker makes progress",
			 (unsigned long long)notify.watchdog_every_ms);
	}
	remember_loops();
}

static void status_text(char *out, size_t len)
{
	/* The Client Table's count, not the workers': asking a held worker would stall the main loop. */
	uint32_t clients = session_admin_linkup_clients();

	snprintf(out, len, "%s: %u client%s (LinkUp) on %u worker%s", appliance_state_name(), clients,
		 clients == 1 ? "" : "s", worker_count, worker_count == 1 ? "" : "s");
}

void service_notify_ready(void)
{
	status_text(notify.last_status, sizeof(notify.last_status));
	sd_notifyf(0, "READY=1\nSTATUS=%s\nMAINPID=%lu", notify.last_status, (unsigned long)getpid());
}

void service_notify_reloading(void)
{
	sd_notify(0, "RELOADING=1\nSTATUS=reloading the configuration");
}

void service_notify_reloaded(void)
{
	status_text(notify.last_status, sizeof(notify.last_status));
	sd_notifyf(0, "READY=1\nSTATUS=%s", notify.last_status);
}

void service_notify_stopping(const char *why)
{
	sd_notifyf(0, "STOPPING=1\nSTATUS=%s", why);
}

/* Whether every worker's loop has turned since the last ping; names the first that has not. */
static bool every_worker_progressed(int *stalled)
{
	for (unsigned int i = 0; i < worker_count; i++) {
		if (worker_loops(&workers[i]) == notify.loops_at_last_ping[i]) {
			*stalled = (int)i;
			return false;
		}
	}
	return true;
}

static void watchdog_tick(uint64_t now_ms)
{
	int stalled = -1;

	if (!notify.watchdog_every_ms || now_ms < notify.next_watchdog_ms)
		return;
	notify.next_watchdog_ms = now_ms + notify.watchdog_every_ms;
	if (!every_worker_progressed(&stalled)) {
		if (notify.stalled_worker != stalled)
			log_error("worker %d has made no progress for %llu ms: the systemd watchdog is not pinged", stalled,
				  (unsigned long long)notify.watchdog_every_ms);
		notify.stalled_worker = stalled;
		return;
	}
	if (notify.stalled_worker >= 0)
		log_warn("worker %d makes progress again: the systemd watchdog is pinged again", notify.stalled_worker);
	notify.stalled_worker = -1;
	remember_loops();
	sd_notify(0, "WATCHDOG=1");
}

void service_notify_tick(void)
{
	/* Its own clock: the main loop's may be a second old after a worker that did not answer. */
	uint64_t now_ms = appliance_now_ms();
	char status[sizeof(notify.last_status)];

	watchdog_tick(now_ms);
	if (now_ms < notify.next_status_ms)
		return;
	notify.next_status_ms = now_ms + STATUS_EVERY_MS;
	status_text(status, sizeof(status));
	if (strcmp(status, notify.last_status) != 0) {
		memcpy(notify.last_status, status, sizeof(status));
		sd_notifyf(0, "STATUS=%s", status);
	}
}
