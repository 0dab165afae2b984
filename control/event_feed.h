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
 * A disconnect carries the whole session (addresses, bytes, reason, TLS,
 * certificate subject, time up), so its accounting record needs nothing
 * kept from the connect: the control plane holds no state per session.
 *
 * The events go to one registered sink (the control server's monitors,
 * set by main): the feed knows nothing of sockets.
 */

#include <jansson.h>

/** Where each event goes, as one JSON line without its newline (the sink copies what it keeps). */
typedef void (*event_feed_sink)(const char *line);

/** Set the sink (NULL: events are dropped; the accounting file is written all the same). */
void event_feed_set_sink(event_feed_sink sink);

/** Take every session event the workers posted, and pass them on. */
void event_feed_poll(void);

/** A control-plane event: fields (stolen) get "event" and "time" added, then go to the monitors. */
void event_feed_note(const char *event, json_t *fields);

#endif
