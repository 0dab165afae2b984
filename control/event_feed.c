/* SPDX-License-Identifier: BSD-3-Clause */
#include "event_feed.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "accounting.h"
#include "json_values.h"
#include "session_events.h"

static uint64_t now_unix_ms(void)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	return (uint64_t)now.tv_sec * 1000 + (uint64_t)now.tv_nsec / 1000000;
}

static event_feed_sink sink;

void event_feed_set_sink(event_feed_sink s)
{
	sink = s;
}

/* To the sink (the monitors) as one line. */
static void publish(json_t *event)
{
	char *line = sink ? json_dumps(event, JSON_COMPACT | JSON_REAL_PRECISION(10)) : NULL;

	if (line)
		sink(line);
	free(line);
}

static void on_connect(const struct session_event *e)
{
	json_t *event = json_pack("{ss so sI si so si ss ss ss}", "event", "connect", "time", json_time_ms(e->time_ms),
				  "id", (json_int_t)e->id, "worker", e->worker, "outer_address",
				  json_address(&e->outer_address), "outer_port", e->outer_port, "tls_version",
				  e->tls.version, "tls_suite", e->tls.suite, "certificate_subject", e->tls.peer_subject);

	if (!event)
		return;
	publish(event);
	json_decref(event);
}

static void on_disconnect(const struct session_event *e)
{
	json_t *addresses = json_array(), *event, *record;

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
	/* The accounting record: the disconnect carries the whole session (start = end - its time up). */
	record = json_deep_copy(event);
	json_object_del(record, "event");
	json_object_set(record, "end", json_object_get(event, "time"));
	json_object_del(record, "time");
	json_object_set(record, "client_addresses", json_object_get(event, "addresses"));
	json_object_del(record, "addresses");
	json_object_set_new(record, "start", json_time_ms(e->time_ms - e->link_up_ms));
	json_object_set_new(record, "certificate_subject", json_string(e->tls.peer_subject));
	json_object_set_new(record, "tls_version", json_string(e->tls.version));
	json_object_set_new(record, "tls_suite", json_string(e->tls.suite));
	accounting_write(record);
	json_decref(record);
	json_decref(event);
}

/* A client refused before LinkUp: for monitor only (the accounting file has sessions, not attempts). */
static void on_refused(const struct session_event *e)
{
	json_t *event = json_pack("{ss so si so si ss ss ss}", "event", "refused", "time", json_time_ms(e->time_ms),
				  "worker", e->worker, "outer_address", json_address(&e->outer_address), "outer_port",
				  e->outer_port, "reason", e->refusal.reason ? e->refusal.reason : "",
				  "text", e->refusal.text ? e->refusal.text : "", "certificate", e->refusal.certificate);

	if (!event)
		return;
	publish(event);
	json_decref(event);
}

void event_feed_poll(void)
{
	struct session_event *e;

	while ((e = session_events_take()) != NULL) {
		if (e->kind == SESSION_EVENT_UP)
			on_connect(e);
		else if (e->kind == SESSION_EVENT_REFUSED)
			on_refused(e);
		else
			on_disconnect(e);
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
