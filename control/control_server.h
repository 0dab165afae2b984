/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_CONTROL_SERVER_H
#define IPHTTPS_CONTROL_SERVER_H

/*
 * The control socket's server (include/control_protocol.h), on the main
 * lcore: non-blocking, at most CONTROL_MAX_CONNECTIONS at once, each with
 * CONTROL_EXCHANGE_TIMEOUT_MS to send its request and read the answer. A
 * request is handed to control_commands_run; whatever a client sends, the
 * workers never see it. A `monitor` connection stays open and receives
 * every event (event_feed.h), at most CONTROL_MONITOR_BUFFER_BYTES waiting.
 */

#include <stddef.h>

struct config_control;

/**
 * Create the socket (its directory too), with the config's mode and group.
 * A stale socket file is replaced; a live one (another iphttpsd) is not.
 * @return 0, or -1 with the reason in err.
 */
int control_server_open(const struct config_control *control, char *err, size_t err_len);

/**
 * Wait up to timeout_ms for control traffic, and serve what came. The wait
 * also ends when wake_fd (another of the main lcore's descriptors, -1 for
 * none) becomes readable; serving it is the caller's.
 */
void control_server_poll(unsigned int timeout_ms, int wake_fd);

/** Write one event line to every `monitor` connection (a slow one loses events, counted and told). */
void control_server_publish(const char *line);

/** Close every connection and remove the socket. */
void control_server_close(void);

#endif
