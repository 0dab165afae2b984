/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_EVENT_FEED_H
#define IPHTTPS_EVENT_FEED_H

/*
 * What happens on the appliance, as events for `iphttpsctl monitor` and
 * records for the accounting file, on the main lcore. Session events come
 * from the workers (session_events.h): a client connects (LinkUp) and
 * disconnects (with the reason); the control plane adds its own (reload,
 * auth-mode change, link enable/disable, drain, shutdown). Each event is one
 * JSON object with "event" and "time" (UTC, ms).
 *
 * A connect is kept (by session id) until its disconnect, so the accounting
 * record holds both ends: start, certificate subject and TLS from the one,
 * addresses, bytes and reason from the other.
 */

#include <jansson.h>

/** Take every session event the workers posted, and pass them on. */
void event_feed_poll(void);

/** A control-plane event: fields (stolen) get "event" and "time" added, then go to the monitors. */
void event_feed_note(const char *event, json_t *fields);

/** Forget the connects still held (at exit). */
void event_feed_free(void);

#endif
