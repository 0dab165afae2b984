/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_SESSION_H
#define IPHTTPS_SESSION_H

/*
 * An IP-HTTPS session: one client's HTTP connection ([MS-IPHTTPS] §3.2.1
 * "Client Table ... HTTP Connection") on the appliance's TCP, from accept to
 * close, on the worker that owns the connection:
 *
 *   TLS_HANDSHAKE  (https listeners) tls_session_handshake until done; a
 *                  paused asynchronous job parks the session on the worker's
 *                  async list and the worker resumes it (session_poll)
 *   PROXY_HEADER   (http listeners with proxy_protocol) the balancer's PROXY
 *                  v1/v2 header names the real client (session_request.c)
 *   HTTP_REQUEST   the request header section (session_request.c);
 *                  accepted: Client Table entry, "200 OK", LinkUp; refused:
 *                  an HTTP error
 *   LINK_UP        the request body carries the client's IPv6 packets up
 *                  (framer → the registered packet handler: the link), the
 *                  response body carries the link's packets down
 *                  (session_send_packet)
 *   CLOSING        close_notify and FIN sent; input is discarded until TCP
 *                  reports the connection gone, then the session is freed
 *
 * Every state has an upper lifetime (session_timers.c lists the timers).
 *
 * The session calls down (TLS, TCP) and up only through the one packet
 * handler the link registers (session_set_packet_handler), so it knows
 * nothing of routing.
 */

#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>
#include <netinet/in.h>

#include <rte_common.h>

#include "appliance_config.h"
#include "client_index.h"
#include "framer.h"
#include "http_request.h"
#include "proxy_protocol.h"
#include "token_bucket.h"
#include "rate_budget.h"
#include "tls_session.h"
#include "worker.h"

struct worker;
struct tcp_conn;
struct rte_mbuf;

enum session_state {
	SESSION_TLS_HANDSHAKE,
	SESSION_PROXY_HEADER,
	SESSION_HTTP_REQUEST,
	SESSION_LINK_UP,
	SESSION_CLOSING,
	SESSION_STATE_COUNT
};

/* Why a session ended, as the accounting record and `iphttpsctl monitor`
 * say it. The first close decides; a session whose connection just went
 * (a reset, or TCP gave up) keeps the first, zero. */
#define SESSION_END_REASONS(X)                                                                    \
	X(SESSION_END_CONNECTION_LOST, "connection_lost")   /* reset, or TCP retransmissions gave up */ \
	X(SESSION_END_CLIENT_CLOSED, "client_closed")       /* close_notify or FIN from the client */ \
	X(SESSION_END_BODY_COMPLETE, "body_complete")       /* the request body ended where it said */ \
	X(SESSION_END_IDLE_TIMEOUT, "idle_timeout")         /* limits.idle_session_timeout_s */ \
	X(SESSION_END_BAD_PACKET, "bad_packet")             /* a framed packet not IPv6 or too big (§3.2.5.2.2) */ \
	X(SESSION_END_TLS_ERROR, "tls_error")               /* a bad record, or a write TLS refused */ \
	X(SESSION_END_DISCONNECTED, "disconnected")         /* iphttpsctl disconnect */ \
	X(SESSION_END_AUTH_MODE_CHANGE, "auth_mode_change") /* §3.2.7.1 */ \
	X(SESSION_END_LINK_DISABLED, "link_disabled")       /* §3.2.4.2 */ \
	X(SESSION_END_SHUTDOWN, "shutdown")                 /* §3.2.7.3 */ \
	X(SESSION_END_REPLACED, "replaced")                 /* its subject's newer session, limits.sessions_per_subject */

enum session_end_reason {
#define SESSION_END_ENUM(id, name) id,
	SESSION_END_REASONS(SESSION_END_ENUM)
#undef SESSION_END_ENUM
	SESSION_END_REASON_COUNT
};

/* The session layer's fixed sizes. */
enum session_limits {
	/* One TLS record's plaintext at most (RFC 8446 5.1). */
	SESSION_RECORD_PLAINTEXT_MAX_BYTES = 16384,
	/* Bytes a TLS record adds to its plaintext at most, for the suites we
	 * allow (TLS 1.2 CBC with SHA-384: 5 header + 16 IV + 48 MAC + 16 padding). */
	SESSION_TLS_RECORD_OVERHEAD_MAX_BYTES = 128,
	SESSION_TX_BATCH_BYTES = 16384,           /* the most plaintext one TLS record carries */
	/* The request buffer holds a PROXY header and then the HTTP header section. */
	SESSION_REQUEST_BUFFER_BYTES = HTTP_HEADER_SECTION_MAX_BYTES + PROXY_V2_MAX_BYTES,
};

/* A listener as the session layer sees it: its entry in config->listeners. */
struct session_listener {
	unsigned int index;
};

struct session {
	struct tcp_conn *conn;
	struct tls_session tls; /* tls.ssl is NULL on a plain HTTP listener; tls.transport always set */
	const struct session_listener *listener;
	enum session_state state;
	uint32_t slot;       /* index in the worker's shard (client_table.c) */
	uint32_t generation; /* bumped on every reuse of the slot: stale handles miss */
	bool in_client_table;
	bool subject_counted; /* in its certificate subject's sessions (subject_sessions.h) */
	bool on_async_list;
	bool on_admission_list; /* a full handshake waiting for the worker's budget (tls_admission.h) */
	uint8_t admission_queue; /* which of the worker's per-source queues (session_timers.c) */
	bool on_deadline_list;
	bool on_idle_list;
	bool orphaned; /* its connection went while an async job was paused: freed when the job ends */
	bool close_requested; /* the control plane disconnected it while an async job was paused */
	uint8_t end_reason;   /* enum session_end_reason */
	uint8_t deadline_kind; /* which list: the handshake's or the request's (session_timers.c) */
	uint64_t deadline_ms;
	TAILQ_ENTRY(session) deadline_link;
	TAILQ_ENTRY(session) async_link;
	TAILQ_ENTRY(session) admission_link;
	TAILQ_ENTRY(session) idle_link; /* LinkUp sessions, least recently active first */
	TAILQ_ENTRY(session) rotation_link; /* LinkUp sessions, whose turn for periodic work is next first */
	uint64_t rotation_ms;                /* its last turn (LinkUp at first): the rotation is in this order */
	uint64_t holder_probe_ms;            /* the link's last probe of it as a stale holder (link_holder.h) */
	bool awaiting_holder;                /* owed an RA once a holder of its source goes (link_holder.h) */
	uint64_t last_active_ms;
	char *request;        /* PROXY header and HTTP request bytes, only while they are awaited */
	uint32_t request_len;
	struct http_request_scan request_scan; /* how far the request's bytes were searched */
	struct framer framer;
	uint64_t body_remaining; /* request body bytes still to come (Content-Length) */
	struct in6_addr client;  /* the TCP peer, or the real client named by a PROXY header (v4-mapped) */
	char *offload_subject;   /* "CN=..." a TLS offloader verified (PROXY v2 PP2_TYPE_SSL), or NULL */
	bool owner_key_known;
	bool owner_has_subject;  /* a verified certificate subject was there when owner_key was computed */
	uint64_t owner_key;      /* who the client is across connections (session_owner_key) */
	uint16_t client_port;
	struct in6_addr addresses[CLIENT_INDEX_ADDRESSES_PER_CLIENT]; /* in the client index */
	uint32_t address_used_s[CLIENT_INDEX_ADDRESSES_PER_CLIENT];  /* the worker clock's second each was last used */
	struct rate_budget address_evictions; /* addresses given up for new ones this second (client_table.c) */
	struct rate_budget multicast_fanned; /* its multicast packets copied to the others this second (link_multicast.c) */
	uint8_t address_count;
	uint64_t id;          /* unique in the appliance's run: what `iphttpsctl disconnect ID` names */
	uint64_t accepted_ms; /* worker clock */
	uint64_t link_up_ms;
	uint64_t rx_packets, tx_packets;
	uint64_t rx_bytes, tx_bytes; /* inner IPv6 packets, as framed */
	/* limits.session_up/down_kbit_per_second: the client's packets and those
	 * forwarded to it are policed each way (link_rate.h) */
	struct token_bucket up_rate, down_rate;
};

/* Per-source queues of the full handshakes a worker holds (a source: an IPv4
 * address, an IPv6 /64): one source's thousand connections take turns with
 * each other, not with everyone else's. A power of two. */
enum { SESSION_ADMISSION_QUEUES = 256 };

TAILQ_HEAD(session_list, session);

/* The session layer's per-worker state: in session_workers[], by worker id. */
struct session_worker {
	struct session_list handshake_deadlines; /* FIFO: one timeout for all, so ordered by deadline */
	struct session_list request_deadlines;
	struct session_list async_paused;
	/* Full handshakes over the budget, by source: a FIFO each, the turns
	 * going round the queues that have one (session_timers.c). */
	struct session_list admission_waiting[SESSION_ADMISSION_QUEUES];
	uint32_t admission_next_queue;           /* the one whose turn is next (their count: tls_admission_held) */
	struct session_list idle;                /* LinkUp sessions by last activity */
	struct session_list rotation;            /* LinkUp sessions by turn: session_rotate_link_up */
	uint32_t link_up_count;                  /* how many are on those lists */
	struct session *walk_next;               /* session_walk_link_up's place in the rotation (NULL: its head) */
	uint8_t scratch[SESSION_RECORD_PLAINTEXT_MAX_BYTES];  /* one TLS record's plaintext at a time */
	/* Packets for one LinkUp session, gathered during a loop iteration and
	 * written as one TLS write (one record of up to 16 KiB instead of one per
	 * packet) by session_flush_sends; a packet for another session, or one
	 * that does not fit, writes out what is held first. */
	uint64_t sessions_accepted; /* numbers the sessions: session ids */
	struct session *tx_batch_session; /* whose packets are held, or NULL */
	uint32_t tx_batch_bytes;
	uint32_t tx_batch_packets;
	uint8_t tx_batch[SESSION_TX_BATCH_BYTES];
} __rte_cache_aligned;

extern struct session_worker session_workers[CONFIG_MAX_WORKERS];

static inline struct session_worker *session_worker_of(const struct worker *w)
{
	return &session_workers[w->id];
}

/* s leaves its place in the rotation (moved or removed): a walk that was to
 * take it next takes the one after it. */
static inline void session_walk_passes(struct session_worker *sw, struct session *s)
{
	if (sw->walk_next == s)
		sw->walk_next = TAILQ_NEXT(s, rotation_link);
}

/* Where a LinkUp session hands each complete IPv6 packet from its client (consumed). */
typedef void (*session_packet_fn)(struct worker *w, struct session *s, struct rte_mbuf *m);

/** Register the layer above (the link) that takes the clients' packets (start-up). */
void session_set_packet_handler(session_packet_fn fn);

/**
 * Build the TLS context and register every configured listener (start-up,
 * before the workers run). @return 0, or -1 with a message in err.
 */
int session_listeners_start(const struct iphttps_config *config, char *err, size_t err_len);

/** Remove the listeners' state (after the workers stopped). */
void session_listeners_stop(void);

/** Prepare a worker's session state. @return 0 or -1. */
int session_worker_init(struct worker *w, const struct iphttps_config *config);

/** Free every session of a stopped worker. */
void session_worker_free(struct worker *w);

/** Run deadlines and resume paused asynchronous jobs; called every loop iteration. */
void session_poll(struct worker *w);

/**
 * Send one IPv6 packet to the client (the response body). Consumes m. Over
 * TLS it is held with the session's other packets of this loop iteration
 * until session_flush_sends. @return 0, or -1 when it was dropped (counted).
 */
int session_send_packet(struct worker *w, struct session *s, struct rte_mbuf *m);

/** What the operator and accounting see of s's TLS: its own, or the offloader's word on the client. */
void session_tls_describe(const struct session *s, struct tls_session_description *d);

/** Write what session_send_packet holds (the worker loop, once per iteration). */
void session_flush_sends(struct worker *w);

/** Call fn for every LinkUp session of the worker (fn may close the one it is given). */
void session_foreach_link_up(struct worker *w, int (*fn)(struct worker *w, struct session *s));
/** Periodic work spread over time: fn for at most `most` of the worker's
 *  LinkUp sessions whose last turn (or LinkUp) was at or before due_ms,
 *  oldest first; each then goes to the back of the line, its turn now.
 *  Returns how many it took. */
uint32_t session_rotate_link_up(struct worker *w, uint32_t most, uint64_t due_ms,
				int (*fn)(struct worker *w, struct session *s));
/** Periodic work that must reach every session in turn, a slice at a
 *  time: fn for at most `most` LinkUp sessions, going on in the rotation
 *  from where the last call stopped, and from its head after its end (fn may
 *  close the one it is given). Returns how many it took. */
uint32_t session_walk_link_up(struct worker *w, uint32_t most, int (*fn)(struct worker *w, struct session *s));
/** How many LinkUp sessions this worker has. */
uint32_t session_link_up_count(const struct worker *w);

/** The same, with an argument for fn. */
void session_foreach_link_up_arg(struct worker *w, void (*fn)(struct worker *w, struct session *s, void *arg),
				 void *arg);

/** End a session: close_notify, FIN, and the Client Table entry goes. */
void session_close(struct worker *w, struct session *s);

/** The same, saying why (the first reason given is the one recorded). */
void session_end(struct worker *w, struct session *s, enum session_end_reason reason);

const char *session_state_name(enum session_state state);

const char *session_end_reason_name(enum session_end_reason reason);

/**
 * Who s's client is across its connections (certificates mode), as 64 bits
 * of SHA-256 of its certificate's subject, verified here or by a TLS
 * offloader. What an address is held for after a disconnect
 * (address_hold.h). Computed once a session.
 */
uint64_t session_owner_key(struct session *s);

/**
 * Whether s's client has a verified certificate subject (here or by a TLS
 * offloader), from the same one-time description as session_owner_key, whose
 * value *key gets.
 */
bool session_subject(struct session *s, uint64_t *key);

/**
 * End the session ref names, on its own worker: an order through that
 * worker's inbox, carried out between its bursts (when ref is already gone,
 * nothing). From any worker, including ref's own (the order then waits for
 * the next loop iteration, so the caller's session work is never
 * interrupted). An order that cannot be posted is counted
 * (session_end_order_lost): that session ends by its own timeouts.
 */
void session_end_by_ref(struct worker *w, const struct client_ref *ref, enum session_end_reason reason);

/** Carry out an order of session_end_by_ref (the inbox's WORKER_INBOX_END_SESSION); consumes m. */
void session_end_handed_over(struct worker *w, struct rte_mbuf *m);

#endif
