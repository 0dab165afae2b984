/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IP-HTTPS sessions (session.h): the upcalls of the IP-HTTPS listeners on the
 * appliance's TCP, and the state machine from TLS handshake to LinkUp.
 *
 * Lifetimes: a session is taken from the worker's shard when TCP accepts the
 * connection and given back when TCP reports the connection gone (or when we
 * abort it ourselves: tcp_abort makes no upcall). Closing is two steps: close
 * (close_notify + FIN, input discarded) and then free on the "gone" event, so
 * a session never outlives or precedes its connection. Both steps start with
 * session_detach, which undoes everything the live states set up.
 */
#include "session.h"

#include <stdio.h>
#include <openssl/sha.h>
#include <string.h>

#include "client_table.h"
#include "log.h"
#include "log_peer.h"
#include "session_admin.h"
#include "session_counters.h"
#include "session_events.h"
#include "session_internal.h"
#include "session_timers.h"
#include "tcp.h"
#include "tls_bio.h"
#include "tls_context.h"
#include "tls_ticket_keys.h"
#include "worker.h"

struct session_worker session_workers[CONFIG_MAX_WORKERS];

/* One per configured listener, registered with TCP at start-up. */
static struct session_listener listeners[CONFIG_MAX_LISTENERS];

const char *session_state_name(enum session_state state)
{
	static const char *const names[SESSION_STATE_COUNT] = {
		[SESSION_TLS_HANDSHAKE] = "tls_handshake", [SESSION_PROXY_HEADER] = "proxy_header",
		[SESSION_HTTP_REQUEST] = "http_request",   [SESSION_LINK_UP] = "link_up",
		[SESSION_CLOSING] = "closing",
	};
	return state < SESSION_STATE_COUNT ? names[state] : "?";
}

const char *session_end_reason_name(enum session_end_reason reason)
{
	static const char *const names[SESSION_END_REASON_COUNT] = {
#define SESSION_END_NAME(id, name) [id] = name,
		SESSION_END_REASONS(SESSION_END_NAME)
#undef SESSION_END_NAME
	};
	return reason < SESSION_END_REASON_COUNT ? names[reason] : "?";
}

bool session_write(struct session *s, const void *buf, uint32_t len)
{
	if (s->tls.ssl)
		return tls_session_write(&s->tls, buf, len);
	return tcp_write(s->tls.transport.w, s->conn, buf, len) == len;
}

/* What closing and freeing both undo: the deadlines and the idle list, the
 * Client Table entry and its addresses (§3.2.7.2), the request buffer, a
 * packet half framed. */
static void session_detach(struct worker *w, struct session *s)
{
	session_timers_closing(w, s);
	if (s->in_client_table)
		session_events_post(w, s, SESSION_EVENT_DOWN); /* accounting: the entry ends here */
	client_table_remove(w, s);
	session_request_free(s);
	free(s->offload_subject);
	s->offload_subject = NULL;
	session_packets_reset(s);
	session_packets_forget_sends(w, s);
}

void session_tls_describe(const struct session *s, struct tls_session_description *d)
{
	tls_session_describe(&s->tls, d);
	if (s->offload_subject)
		snprintf(d->peer_subject, sizeof(d->peer_subject), "%s", s->offload_subject);
}

uint64_t session_owner_key(struct session *s)
{
	uint8_t digest[SHA256_DIGEST_LENGTH];
	struct tls_session_description d;
	uint64_t key;

	if (s->owner_key_known)
		return s->owner_key;
	session_tls_describe(s, &d); /* verified here, or by the TLS offloader (PP2_TYPE_SSL) */
	SHA256((const unsigned char *)d.peer_subject, strlen(d.peer_subject), digest);
	memcpy(&key, digest, sizeof(key));
	s->owner_key = key;
	s->owner_has_subject = d.peer_subject[0] != '\0';
	s->owner_key_known = true;
	return key;
}

bool session_subject(struct session *s, uint64_t *key)
{
	*key = session_owner_key(s);
	return s->owner_has_subject;
}

/* What session_end_by_ref posts: the mbuf's data. */
struct session_end_order {
	struct client_ref ref;
	uint8_t reason; /* enum session_end_reason */
};

void session_end_by_ref(struct worker *w, const struct client_ref *ref, enum session_end_reason reason)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(w->pool);
	struct session_end_order *o = m ? (struct session_end_order *)rte_pktmbuf_append(m, sizeof(*o)) : NULL;

	if (!o) {
		rte_pktmbuf_free(m);
		counter(w, session_end_order_lost)++;
		return;
	}
	o->ref = *ref;
	o->reason = (uint8_t)reason;
	if (worker_inbox_post(&workers[ref->worker], m, WORKER_INBOX_END_SESSION) != 0)
		counter(w, session_end_order_lost)++;
}

void session_end_handed_over(struct worker *w, struct rte_mbuf *m)
{
	const struct session_end_order *o = rte_pktmbuf_mtod(m, const struct session_end_order *);
	struct session *s = m->data_len == sizeof(*o) ? client_table_find(w, o->ref.slot, o->ref.generation) : NULL;

	if (s && s->state != SESSION_CLOSING && !s->close_requested) {
		if (s->on_async_list) {
			s->end_reason = o->reason;
			s->close_requested = true; /* ended when its job resumes (session_on_async_resume) */
		} else {
			session_end(w, s, (enum session_end_reason)o->reason);
		}
	}
	rte_pktmbuf_free(m);
}

void session_end(struct worker *w, struct session *s, enum session_end_reason reason)
{
	if (s->state != SESSION_CLOSING)
		s->end_reason = reason;
	session_close(w, s);
}

void session_close(struct worker *w, struct session *s)
{
	if (s->state == SESSION_CLOSING)
		return;
	session_detach(w, s);
	tls_session_close_notify(&s->tls);
	tcp_shutdown(w, s->conn);
	s->state = SESSION_CLOSING;
}

/* The connection is gone (TCP said so, or we aborted it): free everything. */
void session_free(struct worker *w, struct session *s)
{
	session_detach(w, s);
	session_timers_free(w, s);
	s->state = SESSION_CLOSING;
	if (s->tls.ssl)
		tls_session_free(&s->tls);
	counter(w, session_closed)++;
	client_table_session_release(w, s);
}

void session_abort(struct worker *w, struct session *s)
{
	struct tcp_conn *c = s->conn;

	session_free(w, s);
	tcp_abort(w, c);
}

/* ---- the states ---- */

static void handshake_step(struct worker *w, struct session *s)
{
	switch (tls_session_handshake(&s->tls)) {
	case TLS_SESSION_DONE:
		session_timers_deadline_met(w, s);
		if (!tls_context_trust_is_current(SSL_get_SSL_CTX(s->tls.ssl))) {
			/* Begun under a trust since replaced (an auth-mode change, a new
			 * CA or CRL): its handshake followed the old rules. The client
			 * comes back under the new ones. */
			counter(w, session_refused_stale_trust)++;
			session_close(w, s);
			return;
		}
		if (session_request_begin(w, s, SESSION_HTTP_REQUEST) != 0)
			session_close(w, s);
		return;
	case TLS_SESSION_WAIT:
		return;
	case TLS_SESSION_PAUSED:
		session_timers_async_paused(w, s);
		return;
	case TLS_SESSION_DEFERRED:
		session_timers_admission_wait(w, s);
		return;
	case TLS_SESSION_FAILED: {
		struct tls_refusal r;

		if (tls_session_refusal(&s->tls, &r))
			session_events_refused(w, s, r.reason, r.text, r.certificate);
		session_close(w, s);
		return;
	}
	}
}

/*
 * The request body: the client's half of the link, framed into packets. It
 * ends where Content-Length says (18446744073709551615 from every real
 * client, so never): then the client has finished sending and the session
 * closes; bytes after it would be a second request, which a tunnel cannot
 * carry, and are counted and dropped with it.
 */
void session_body_input(struct worker *w, struct session *s, const uint8_t *data, uint32_t len)
{
	uint32_t take = s->body_remaining < len ? (uint32_t)s->body_remaining : len;

	session_timers_input(w, s);
	s->body_remaining -= take;
	session_packets_input(w, s, data, take);
	if (s->body_remaining == 0 && s->state == SESSION_LINK_UP) {
		if (len > take)
			counter(w, session_bytes_after_body)++;
		counter(w, session_body_complete)++;
		session_end(w, s, SESSION_END_BODY_COMPLETE);
	}
}

/* Bytes of the stream after TLS: to the request phase or the framer, by state. */
static void deliver(struct worker *w, struct session *s, const uint8_t *data, uint32_t len)
{
	while (len > 0) {
		switch (s->state) {
		case SESSION_PROXY_HEADER:
		case SESSION_HTTP_REQUEST: {
			/* Returns 0 only after closing the session: the loop then ends. */
			uint32_t n = session_request_input(w, s, data, len);

			data += n;
			len -= n;
			break;
		}
		case SESSION_LINK_UP:
			session_body_input(w, s, data, len);
			return;
		default:
			return;
		}
	}
}

/*
 * A client that got through TLS and went before its request: the mark of a
 * Windows client that checks the server certificate after the handshake
 * and refused it (its name, chain, expiry or revocation: 0x103, 0x800b0109,
 * 0x800b0101, 0x80092013 on the client; docs/TROUBLESHOOTING.md).
 */
#define GONE_BEFORE_REQUEST "before its HTTP request (a Windows client that refused the server certificate does this)"

static void note_gone_before_request(struct worker *w, struct session *s)
{
	if (s->state != SESSION_PROXY_HEADER && s->state != SESSION_HTTP_REQUEST)
		return;
	counter(w, session_closed_before_request)++;
	session_events_refused(w, s, "closed_before_request", "the client closed the connection " GONE_BEFORE_REQUEST,
			       "");
	log_peer(w, INFO, &s->client, s->client_port, "the client closed the connection %s, " GONE_BEFORE_REQUEST,
		 s->tls.ssl ? "after the TLS handshake" : "after connecting");
}

/* Read what TLS (or plain TCP) has for us. @return bytes, 0 when nothing waits, -1 when the session ended. */
static int session_read(struct worker *w, struct session *s, uint8_t *buf, uint32_t len)
{
	int n;

	if (!s->tls.ssl) {
		uint32_t got = tcp_read(w, s->conn, buf, len);

		if (got == 0 && tcp_peer_closed(s->conn)) {
			note_gone_before_request(w, s);
			session_end(w, s, SESSION_END_CLIENT_CLOSED);
			return -1;
		}
		return (int)got;
	}
	n = tls_session_read(&s->tls, buf, len);
	if (n < 0) { /* end of stream or a bad record: this side closes too */
		note_gone_before_request(w, s);
		session_end(w, s, n == TLS_SESSION_READ_EOF ? SESSION_END_CLIENT_CLOSED : SESSION_END_TLS_ERROR);
		return -1;
	}
	return n;
}

static void discard_input(struct worker *w, struct session *s)
{
	struct rte_mbuf *m;

	while ((m = tcp_take(w, s->conn)) != NULL)
		rte_pktmbuf_free(m);
}

static void session_pump(struct worker *w, struct session *s)
{
	struct session_worker *sw = session_worker_of(w);

	if (s->state == SESSION_TLS_HANDSHAKE) {
		if (s->on_async_list || s->on_admission_list)
			return; /* the paused job resumes, or the held handshake gets its turn, from session_poll */
		handshake_step(w, s);
		if (s->state == SESSION_TLS_HANDSHAKE)
			return;
	}
	while (s->state != SESSION_CLOSING) {
		int n = session_read(w, s, sw->scratch, sizeof(sw->scratch));

		if (n <= 0)
			break;
		deliver(w, s, sw->scratch, (uint32_t)n);
	}
	if (s->state == SESSION_CLOSING)
		discard_input(w, s);
}

/* ---- timer expiries (session_timers.c) ---- */

void session_on_handshake_expired(struct worker *w, struct session *s)
{
	counter(w, tls_handshake_timeouts)++;
	session_abort(w, s);
}

void session_on_async_resume(struct worker *w, struct session *s)
{
	if (s->orphaned || s->close_requested) {
		/* The connection is gone, or the control plane ended the session: run
		 * the job to its end, then free (and reset a connection still there). */
		if (!tls_session_finish_job(&s->tls))
			session_timers_async_paused(w, s);
		else if (s->orphaned)
			session_free(w, s);
		else
			session_abort(w, s);
		return;
	}
	if (session_timers_handshake_overdue(w, s)) {
		/* Its deadline passed while it was paused; the job is done now, so it can go. */
		session_on_handshake_expired(w, s);
		return;
	}
	session_pump(w, s);
}

void session_on_admission_turn(struct worker *w, struct session *s)
{
	session_pump(w, s);
}

/* ---- TCP upcalls ---- */

/* Whether addr (v4-mapped for IPv4) lies in one of the listener's trusted_proxies. */
static bool from_trusted_proxy(const struct config_listener *cl, const struct in6_addr *addr)
{
	for (unsigned int i = 0; i < cl->trusted_proxy_count; i++) {
		const struct config_ipv6_prefix *p = &cl->trusted_proxies[i];
		unsigned int whole = p->len / 8, bits = p->len % 8;

		if (memcmp(addr->s6_addr, p->addr.s6_addr, whole) != 0)
			continue;
		if (bits && ((addr->s6_addr[whole] ^ p->addr.s6_addr[whole]) & (0xff00 >> bits)))
			continue;
		return true;
	}
	return false;
}

static void *session_accepted(struct worker *w, struct tcp_conn *c, void *listener_ctx)
{
	const struct session_listener *l = listener_ctx;
	const struct config_listener *cl = &w->config->listeners[l->index];
	struct session *s;

	if (cl->proxy_protocol != CONFIG_PROXY_NONE) {
		/* A PROXY header names the client: only a balancer we trust may say it. */
		struct in6_addr peer;
		uint16_t port;

		tcp_peer_address(c, &peer, &port);
		if (!from_trusted_proxy(cl, &peer)) {
			counter(w, proxy_untrusted_peer)++;
			log_peer(w, INFO, &peer, port, "refused on PROXY listener port %u: not a trusted proxy",
				 cl->port);
			return NULL; /* reset */
		}
	}
	if (!session_admission_open()) {
		counter(w, session_refused_not_accepting)++;
		return NULL; /* reset: the link is disabled or the appliance drains */
	}
	s = client_table_session_alloc(w);
	if (!s) {
		counter(w, drop_session_pool_full)++;
		return NULL;
	}
	s->conn = c;
	s->id = ++session_worker_of(w)->sessions_accepted * CONFIG_MAX_WORKERS + w->id;
	s->accepted_ms = w->now_ms;
	token_bucket_start(&s->up_rate, w->now_us);
	token_bucket_start(&s->down_rate, w->now_us);
	s->listener = l;
	s->tls.transport.w = w;
	s->tls.transport.conn = c;
	tcp_peer_address(c, &s->client, &s->client_port);
	framer_init(&s->framer, w->config->iphttps.link_mtu);
	if (cl->protocol == CONFIG_LISTENER_HTTPS) {
		if (tls_session_open(&s->tls, w, c) != 0) {
			counter(w, drop_session_pool_full)++;
			client_table_session_release(w, s);
			return NULL;
		}
		s->state = SESSION_TLS_HANDSHAKE;
		session_timers_handshake_started(w, s);
	} else if (session_request_begin(w, s, cl->proxy_protocol != CONFIG_PROXY_NONE ? SESSION_PROXY_HEADER
											: SESSION_HTTP_REQUEST) != 0) {
		counter(w, drop_session_pool_full)++;
		client_table_session_release(w, s);
		return NULL;
	}
	counter(w, session_accepted)++;
	return s;
}

static void session_readable(struct worker *w, struct tcp_conn *c, void *ctx)
{
	(void)c;
	session_pump(w, ctx);
}

static void session_writable(struct worker *w, struct tcp_conn *c, void *ctx)
{
	struct session *s = ctx;

	(void)c;
	if (s->state == SESSION_TLS_HANDSHAKE && !s->on_async_list)
		session_pump(w, s);
}

static void session_closed(struct worker *w, struct tcp_conn *c, void *ctx, enum tcp_event event)
{
	struct session *s = ctx;

	(void)c;
	if (event == TCP_EVENT_PEER_FIN) {
		if (s->on_admission_list) {
			/* A client that closes while its handshake waits for its turn
			 * has given up (TLS has no half-closed handshake): its place
			 * goes now, not at its turn or deadline, so that a flood's
			 * abandoned handshakes do not hold its source's queue. */
			counter(w, session_held_handshake_abandoned)++;
			session_close(w, s);
			return;
		}
		/* Read what is left; the end of the stream then closes our side. */
		if (s->state == SESSION_CLOSING)
			discard_input(w, s);
		else if (!s->on_async_list)
			session_pump(w, s);
		return;
	}
	/* §3.2.5.3 / §3.2.7.2: the transport is gone, so is the client's entry. */
	note_gone_before_request(w, s); /* a reset */
	if (s->on_async_list) {
		/* A job is paused inside this SSL: freeing it now would leak the job
		 * (its fibre and stack). Cut the transport and let the job finish. */
		s->orphaned = true;
		tls_session_detach_transport(&s->tls);
		session_timers_deadline_met(w, s);
		client_table_remove(w, s);
		return;
	}
	session_free(w, s);
}

static bool session_syn_answered(void *listener_ctx)
{
	(void)listener_ctx;
	return session_admission_answers_syn();
}

static const struct tcp_upcalls session_upcalls = {
	.accepted = session_accepted,
	.readable = session_readable,
	.writable = session_writable,
	.closed = session_closed,
	.syn_answered = session_syn_answered,
};

void session_foreach_link_up(struct worker *w, int (*fn)(struct worker *w, struct session *s))
{
	struct session *s = TAILQ_FIRST(&session_worker_of(w)->idle), *next;

	for (; s; s = next) {
		next = TAILQ_NEXT(s, idle_link);
		fn(w, s);
	}
}

uint32_t session_rotate_link_up(struct worker *w, uint32_t most, uint64_t due_ms,
				int (*fn)(struct worker *w, struct session *s))
{
	struct session_worker *sw = session_worker_of(w);
	uint32_t done = 0;
	struct session *s;

	/* In order of last turn: the head is the one most overdue. */
	for (; done < most && (s = TAILQ_FIRST(&sw->rotation)) != NULL && s->rotation_ms <= due_ms; done++) {
		/* To the back first: fn may end the session, which takes it off the list. */
		s->rotation_ms = w->now_ms;
		session_walk_passes(sw, s);
		TAILQ_REMOVE(&sw->rotation, s, rotation_link);
		TAILQ_INSERT_TAIL(&sw->rotation, s, rotation_link);
		fn(w, s);
	}
	return done;
}

uint32_t session_walk_link_up(struct worker *w, uint32_t most, int (*fn)(struct worker *w, struct session *s))
{
	struct session_worker *sw = session_worker_of(w);
	uint32_t done = 0;

	if (most > sw->link_up_count)
		most = sw->link_up_count; /* one lap at most */
	for (; done < most; done++) {
		struct session *s = sw->walk_next ? sw->walk_next : TAILQ_FIRST(&sw->rotation);

		if (!s)
			break;
		sw->walk_next = TAILQ_NEXT(s, rotation_link); /* first: fn may end s */
		fn(w, s);
	}
	return done;
}

uint32_t session_link_up_count(const struct worker *w)
{
	return session_worker_of(w)->link_up_count;
}

void session_foreach_link_up_arg(struct worker *w, void (*fn)(struct worker *w, struct session *s, void *arg),
				 void *arg)
{
	struct session *s = TAILQ_FIRST(&session_worker_of(w)->idle), *next;

	for (; s; s = next) {
		next = TAILQ_NEXT(s, idle_link);
		fn(w, s, arg);
	}
}

/* ---- the worker's periodic work ---- */

void session_poll(struct worker *w)
{
	session_timers_run(w);
}

/* ---- start and stop ---- */

int session_worker_init(struct worker *w, const struct iphttps_config *config)
{
	session_timers_init(w);
	return client_table_shard_init(w, config);
}

void session_worker_free(struct worker *w)
{
	struct client_table_shard *t = client_table_shard_of(w);

	/* Workers are stopped: free what is left without upcalls (the TCP tables go next). */
	for (uint32_t i = 0; t->slots && i < t->capacity; i++)
		if (t->slots[i].conn)
			session_free(w, &t->slots[i]);
	client_table_shard_free(w);
}

int session_listeners_start(const struct iphttps_config *config, char *err, size_t err_len)
{
	if (session_events_init() != 0) {
		snprintf(err, err_len, "cannot create the session event ring");
		return -1;
	}
	if (config_has_https_listener(config)) {
		SSL_CTX *ctx;

		if (tls_bio_init() != 0 || tls_ticket_keys_init() != 0) {
			snprintf(err, err_len, "cannot create the TLS transport and ticket keys");
			return -1;
		}
		ctx = tls_context_create(config, err, err_len);
		if (!ctx)
			return -1;
		tls_context_free(tls_context_swap(ctx)); /* workers are not running yet */
	}
	for (unsigned int i = 0; i < config->listener_count; i++) {
		const struct config_listener *cl = &config->listeners[i];

		listeners[i].index = i;
		if (tcp_listen(cl->port, &session_upcalls, &listeners[i]) != 0) {
			snprintf(err, err_len, "listeners: cannot listen on port %u (taken by another listener or "
				 "tcp_services)", cl->port);
			return -1;
		}
		log_info("IP-HTTPS listener on port %u (%s%s)", cl->port,
			 cl->protocol == CONFIG_LISTENER_HTTPS ? "https" : "http",
			 cl->proxy_protocol != CONFIG_PROXY_NONE ? ", PROXY protocol" : "");
	}
	return 0;
}

void session_listeners_stop(void)
{
	tls_context_free(tls_context_swap(NULL));
	session_events_free();
}
