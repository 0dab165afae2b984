/* SPDX-License-Identifier: BSD-3-Clause */
#include "event_feed.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "accounting.h"
#include "control_server.h"
#include "json_values.h"
#include "session_events.h"

static json_t *connected; /* session id (decimal) -> its connect event */

static uint64_t now_unix_ms(void)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	return (uint64_t)now.tv_sec * 1000 + (uint64_t)now.tv_nsec / 1000000;
}

/* To the monitors as one line. */
static void publish(json_t *event)
{
	char *line = json_dumps(event, JSON_COMPACT);

	if (line)
		control_server_publish(line);
	free(line);
}

static void on_connect(const struct session_event *e, const char *key)
{
	json_t *event = json_pack("{ss so sI si so si ss ss ss}", "event", "connect", "time", json_time_ms(e->time_ms),
				  "id", (json_int_t)e->id, "worker", e->worker, "outer_address",
				  json_address(&e->outer_address), "outer_port", e->outer_port, "tls_version",
				  e->tls.version, "tls_suite", e->tls.suite, "certificate_subject", e->tls.peer_subject);

	if (!event)
		return;
	publish(event);
	json_object_set_new(connected, key, event);
}

static void on_disconnect(const struct session_event *e, const char *key)
{
	json_t *connect = json_object_get(connected, key), *addresses = json_array(), *event, *record;

	for (unsigned int i = 0; i < e->address_count; i++)
		json_array_append_new(addresses, json_address(&e->addresses[i]));
	event = json_pack("{ss so sI si ss so so si sf sI sI sI sI}", "event", "disconnect", "time",
			  json_time_ms(e->time_ms), "id", (json_int_t)e->id, "worker", e->worker, "reason",
			  session_end_reason_name(e->reason), "addresses", addresses, "outer_address",
			  json_address(&e->outer_address), "outer_port", e->outer_port, "duration_s",
			  (double)e->link_up_ms / 1000.0, "rx_bytes", (json_int_t)e->rx_bytes, "tx_bytes",
			  (json_int_t)e->tx_bytes, "rx_packets", (json_int_t)e->rx_packets, "tx_packets",
			  (json_int_t)e->tx_packets);
	if (!event)
		return;
	publish(event);
	/* The accounting record: both ends of the session in one line. */
	record = json_deep_copy(event);
	json_object_del(record, "event");
	json_object_del(record, "time");
	json_object_set(record, "end", json_object_get(event, "time"));
	json_object_set_new(record, "client_addresses", json_object_get(record, "addresses") ?
				json_incref(json_object_get(record, "addresses")) : json_array());
	json_object_del(record, "addresses");
	if (connect) {
		json_object_set(record, "start", json_object_get(connect, "time"));
		json_object_set(record, "certificate_subject", json_object_get(connect, "certificate_subject"));
		json_object_set(record, "tls_version", json_object_get(connect, "tls_version"));
		json_object_set(record, "tls_suite", json_object_get(connect, "tls_suite"));
	} else {
		json_object_set_new(record, "start", json_null()); /* its connect was lost (session_events_dropped) */
	}
	accounting_write(record);
	json_decref(record);
	json_decref(event);
	json_object_del(connected, key);
}

void event_feed_poll(void)
{
	struct session_event *e;

	if (!connected)
		connected = json_object();
	while ((e = session_events_take()) != NULL) {
		char key[24];

		snprintf(key, sizeof(key), "%" PRIu64, e->id);
		if (e->kind == SESSION_EVENT_UP)
			on_connect(e, key);
		else
			on_disconnect(e, key);
		free(e);
	}
}

void event_feed_note(const char *event, json_t *fields)
{
	if (!fields)
		return;
	json_object_set_new(fields, "event", json_string(event));
	json_object_set_new(fields, "time", json_time_ms(now_unix_ms()));
	publish(fields);
	json_decref(fields);
}

void event_feed_free(void)
{
	json_decref(connected);
	connected = NULL;
}
