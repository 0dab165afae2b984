/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_SESSION_EVENTS_H
#define IPHTTPS_SESSION_EVENTS_H

/*
 * Sessions entering and leaving the Client Table, and clients refused before
 * they got there, told to the control plane (the accounting file, `iphttpsctl
 * monitor`). A worker posts an event when a session reaches LinkUp, when its
 * entry goes, and when it refuses a client (at most
 * SESSION_REFUSAL_EVENTS_PER_SECOND a second per worker: a flood of bad
 * handshakes is counted, not queued), into one
 * multi-producer ring the main lcore empties every loop. The event is
 * malloc'd by the worker (once per session, never per packet) and freed by
 * the control plane. When the ring is full (the control plane stalled) the
 * event is dropped and counted (session_events_dropped): at most
 * SESSION_EVENTS_RING_SIZE events wait, so the memory is bounded.
 */

#include <stdint.h>
#include <netinet/in.h>

#include "client_index.h"
#include "session.h"
#include "tls_session.h"

enum { SESSION_EVENTS_RING_SIZE = 65536, SESSION_REFUSAL_EVENTS_PER_SECOND = 100 };

enum session_event_kind { SESSION_EVENT_UP, SESSION_EVENT_DOWN, SESSION_EVENT_REFUSED };

struct session_event {
	enum session_event_kind kind;
	enum session_end_reason reason; /* DOWN */
	uint64_t id;
	unsigned int worker;
	uint64_t time_ms; /* wall clock (Unix ms): LinkUp, or the entry's end */
	uint64_t link_up_ms; /* DOWN: how long it was up */
	struct in6_addr outer_address; /* IPv4 v4-mapped */
	uint16_t outer_port;
	uint8_t address_count; /* DOWN: the addresses it had bound */
	struct in6_addr addresses[CLIENT_INDEX_ADDRESSES_PER_CLIENT];
	uint64_t rx_bytes, tx_bytes, rx_packets, tx_packets; /* DOWN */
	struct tls_session_description tls;
	struct tls_refusal refusal; /* REFUSED: why, in words, and the certificate presented */
};

/** Create the ring (start-up). @return 0 or -1. */
int session_events_init(void);

/** Free the ring and what waits in it (after the workers stopped). */
void session_events_free(void);

/** Post an event about s (on s's worker). */
void session_events_post(struct worker *w, const struct session *s, enum session_event_kind kind);

/**
 * Tell the control plane that s's client was refused: reason (a short name,
 * static), text (what it means, static) and the certificate it presented
 * ("" when none). Within the worker's refusal-event budget; the rest counted.
 */
void session_events_refused(struct worker *w, const struct session *s, const char *reason, const char *text,
			    const char *certificate);

/** The next event, or NULL (the control plane; the caller frees it with free()). */
struct session_event *session_events_take(void);

#endif
