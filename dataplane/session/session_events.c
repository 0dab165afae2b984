/* SPDX-License-Identifier: BSD-3-Clause */
#include "session_events.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_ring.h>

#include "rate_budget.h"
#include "session_counters.h"
#include "worker.h"

static struct rte_ring *events;

int session_events_init(void)
{
	if (events)
		return 0;
	events = rte_ring_create("session_events", SESSION_EVENTS_RING_SIZE, SOCKET_ID_ANY, RING_F_SC_DEQ);
	return events ? 0 : -1;
}

void session_events_free(void)
{
	struct session_event *e;

	while ((e = session_events_take()) != NULL)
		free(e);
	rte_ring_free(events);
	events = NULL;
}

/* A new event about s: who, where from, when. NULL when there is no ring or no memory (counted). */
static struct session_event *event_new(struct worker *w, const struct session *s, enum session_event_kind kind)
{
	struct session_event *e;
	struct timespec now;

	if (!events)
		return NULL;
	e = calloc(1, sizeof(*e));
	if (!e) {
		counter(w, session_events_dropped)++;
		return NULL;
	}
	clock_gettime(CLOCK_REALTIME, &now);
	e->kind = kind;
	e->id = s->id;
	e->worker = w->id;
	e->time_ms = (uint64_t)now.tv_sec * 1000 + (uint64_t)now.tv_nsec / 1000000;
	e->outer_address = s->client;
	e->outer_port = s->client_port;
	return e;
}

/* Into the ring, or freed and counted when it is full (the control plane stalled). */
static void event_post(struct worker *w, struct session_event *e)
{
	if (rte_ring_mp_enqueue(events, e) != 0) {
		counter(w, session_events_dropped)++;
		free(e);
	}
}

void session_events_post(struct worker *w, const struct session *s, enum session_event_kind kind)
{
	struct session_event *e = event_new(w, s, kind);

	if (!e)
		return;
	e->reason = (enum session_end_reason)s->end_reason;
	/* Both carry the TLS description: a disconnect is then a whole accounting record by itself. */
	session_tls_describe(s, &e->tls);
	if (kind == SESSION_EVENT_DOWN) {
		e->link_up_ms = s->link_up_ms ? w->now_ms - s->link_up_ms : 0;
		e->address_count = s->address_count;
		memcpy(e->addresses, s->addresses, sizeof(e->addresses));
		e->rx_bytes = s->rx_bytes;
		e->tx_bytes = s->tx_bytes;
		e->rx_packets = s->rx_packets;
		e->tx_packets = s->tx_packets;
	}
	event_post(w, e);
}

void session_events_refused(struct worker *w, const struct session *s, const char *reason, const char *text,
			    const char *certificate)
{
	struct session_event *e;

	if (!events)
		return;
	if (!rate_budget_take(&w->refusal_events, w->now_ms, SESSION_REFUSAL_EVENTS_PER_SECOND)) {
		counter(w, session_refusal_events_limited)++;
		return;
	}
	e = event_new(w, s, SESSION_EVENT_REFUSED);
	if (!e)
		return;
	e->refusal.reason = reason;
	e->refusal.text = text;
	snprintf(e->refusal.certificate, sizeof(e->refusal.certificate), "%s", certificate ? certificate : "");
	event_post(w, e);
}

struct session_event *session_events_take(void)
{
	void *e;

	if (!events || rte_ring_sc_dequeue(events, &e) != 0)
		return NULL;
	return e;
}
