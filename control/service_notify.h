/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_SERVICE_NOTIFY_H
#define IPHTTPS_SERVICE_NOTIFY_H

/*
 * systemd's notify protocol (sd_notify(3), the unit's Type=notify): READY=1
 * once the ports, the workers, the control socket and the management HTTP
 * are up, RELOADING=1 around a reload, STATUS= with the client count, and
 * STOPPING=1. With WatchdogSec= set, WATCHDOG=1 every half of it, but only
 * while every worker's loop has turned since the last ping: a worker stuck in
 * one iteration (a lock, a loop that never ends) stops the pings, and systemd
 * restarts the appliance, as it would a stuck main loop. Without
 * NOTIFY_SOCKET (not under systemd) each call does nothing. Main lcore only.
 */

#include <stdint.h>

/** Read the watchdog interval systemd asked for (WATCHDOG_USEC), and remember the workers' loops. */
void service_notify_init(uint64_t now_ms);

/** Ports, workers and listeners are up: READY=1 with the first STATUS=. */
void service_notify_ready(void);

/** A reload starts (RELOADING=1) and ends (READY=1 again). */
void service_notify_reloading(void);
void service_notify_reloaded(void);

/** The appliance stops (STOPPING=1), or starts draining before it does. */
void service_notify_stopping(const char *why);

/** From the main loop: STATUS= when it changes, and the watchdog ping when it is due and earned. */
void service_notify_tick(void);

#endif
