/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IP-HTTPS sessions (session.h): the upcalls of the IP-HTTPS listeners on the
 * appliance's TCP, and the state machine from TLS handshake to LinkUp.
 *
 * Lifetimes: a session is taken from the worker's shard when TCP accepts the
 * connection and given back when TCP reports the connection gone (or when we
 * abort it ourselves: tcp_abort makes no upcall). Closing is two steps: close
 * (close_notify + FIN, input discarded) and then free on the "gone" event, so
 * a session never outlives or precedes its connection.
 */
#include "session.h"

#include <string.h>
#include <time.h>

#include <openssl/err.h>
#include <rte_cycles.h>
#include <rte_mbuf.h>

#include "appliance_config.h"
#include "client_table.h"
#include "http_request.h"
#include "http_response.h"
#include "link.h"
#include "log.h"
#include "proxy_protocol.h"
#include "tcp.h"
#include "tls_context.h"
#include "worker.h"

/* Bytes a TLS record adds to its plaintext at most, for the suites we allow
 * (TLS 1.2 CBC with SHA-384: 5 header + 16 IV + 48 MAC + 16 padding). */
enum { TLS_RECORD_OVERHEAD_MAX_BYTES = 128 };

/* The request buffer holds a PROXY header and then the HTTP header section. */
enum { SESSION_REQUEST_BUFFER_BYTES = HTTP_HEADER_SECTION_MAX_BYTES + PROXY_V2_MAX_BYTES };

enum deadline_kind { DEADLINE_HANDSHAKE = 1, DEADLINE_REQUEST = 2 };

static SSL_CTX *tls_ctx;
static struct session_listener listeners[CONFIG_MAX_LISTENERS];
static unsigned int listener_count;
static char uri[CONFIG_URI_MAX_BYTES];
static char server_header[CONFIG_NAME_MAX_BYTES];

static void session_pump(struct worker *w, struct session *s);

const char *session_state_name(enum session_state state)
{
	static const char *const names[SESSION_STATE_COUNT] = {
		[SESSION_TLS_HANDSHAKE] = "tls_handshake", [SESSION_PROXY_HEADER] = "proxy_header",
		[SESSION_HTTP_REQUEST] = "http_request",   [SESSION_LINK_UP] = "link_up",
		[SESSION_CLOSING] = "closing",
	};
	return state < SESSION_STATE_COUNT ? names[state] : "?";
}

/* Deadlines: one FIFO per kind; every entry of a FIFO has the same timeout, so it is sorted. */
static void deadline_set(struct worker *w, struct session *s, enum deadline_kind kind)
{
	struct session_worker *sw = &w->sessions;

	if (kind == DEADLINE_HANDSHAKE) {
		s->deadline_ms = w->tcp.now_ms + sw->handshake_timeout_ms;
		TAILQ_INSERT_TAIL(&sw->handshake_deadlines, s, deadline_link);
	} else {
		s->deadline_ms = w->tcp.now_ms + sw->request_timeout_ms;
		TAILQ_INSERT_TAIL(&sw->request_deadlines, s, deadline_link);
	}
	s->deadline_kind = (uint8_t)kind;
	s->on_deadline_list = true;
}

static void deadline_clear(struct worker *w, struct session *s)
{
	if (!s->on_deadline_list)
		return;
	if (s->deadline_kind == DEADLINE_HANDSHAKE)
		TAILQ_REMOVE(&w->sessions.handshake_deadlines, s, deadline_link);
	else
		TAILQ_REMOVE(&w->sessions.request_deadlines, s, deadline_link);
	s->on_deadline_list = false;
}

/* A paused job's session waits on the worker's async list for session_poll. */
static void async_park(struct worker *w, struct session *s)
{
	if (s->on_async_list)
		return;
	TAILQ_INSERT_TAIL(&w->sessions.async_paused, s, async_link);
	s->on_async_list = true;
}

static void async_unpark(struct worker *w, struct session *s)
{
	if (!s->on_async_list)
		return;
	TAILQ_REMOVE(&w->sessions.async_paused, s, async_link);
	s->on_async_list = false;
}

/* LinkUp sessions sit on the idle list, least recently active first. */
static void idle_touch(struct worker *w, struct session *s)
{
	if (s->last_active_ms == w->tcp.now_ms)
		return; /* already at the tail this millisecond */
	s->last_active_ms = w->tcp.now_ms;
	TAILQ_REMOVE(&w->sessions.idle, s, idle_link);
	TAILQ_INSERT_TAIL(&w->sessions.idle, s, idle_link);
}

static void idle_unlink(struct worker *w, struct session *s)
{
	if (s->state == SESSION_LINK_UP)
		TAILQ_REMOVE(&w->sessions.idle, s, idle_link);
}

static void request_buffer_free(struct session *s)
{
	free(s->request);
	s->request = NULL;
	s->request_len = 0;
}

/* Start awaiting the PROXY header or the HTTP request: one buffer, one deadline. */
static int request_begin(struct worker *w, struct session *s, enum session_state state)
{
	s->request = malloc(SESSION_REQUEST_BUFFER_BYTES);
	if (!s->request)
		return -1;
	s->request_len = 0;
	s->state = state;
	deadline_set(w, s, DEADLINE_REQUEST);
	return 0;
}

/* ---- the framer's sink: packets built in mbufs from the worker's pool ---- */

static void *packet_begin(void *ctx, uint32_t bytes)
{
	struct session *s = ctx;
	struct worker *w = s->transport.w;
	uint16_t room = (uint16_t)(rte_pktmbuf_data_room_size(w->pool) - RTE_PKTMBUF_HEADROOM);
	unsigned int segs = (bytes + room - 1) / room;
	struct rte_mbuf *m[64];

	if (s->state != SESSION_LINK_UP)
		return NULL; /* the session ended while a segment was being framed: skip the rest */
	/* Allocate the whole chain now so appending never fails halfway. */
	if (segs == 0 || segs > RTE_DIM(m) || rte_pktmbuf_alloc_bulk(w->pool, m, segs) != 0) {
		w->counters.drop_link_mbuf_alloc++;
		return NULL;
	}
	for (unsigned int i = 1; i < segs; i++)
		if (rte_pktmbuf_chain(m[0], m[i]) != 0) {
			rte_pktmbuf_free(m[0]);
			for (unsigned int j = i; j < segs; j++)
				rte_pktmbuf_free(m[j]);
			w->counters.drop_link_mbuf_alloc++;
			return NULL;
		}
	return m[0];
}

static void packet_append(void *ctx, void *packet, const uint8_t *data, uint32_t len)
{
	struct rte_mbuf *head = packet, *seg = head;

	(void)ctx;
	/* The chain was sized for the whole packet in packet_begin: fill it in order. */
	while (len > 0) {
		uint32_t room;

		while (rte_pktmbuf_tailroom(seg) == 0 && seg->next)
			seg = seg->next;
		room = RTE_MIN((uint32_t)rte_pktmbuf_tailroom(seg), len);
		if (room == 0)
			return; /* cannot happen: the framer never appends past the length it announced */
		memcpy(rte_pktmbuf_mtod_offset(seg, uint8_t *, seg->data_len), data, room);
		seg->data_len = (uint16_t)(seg->data_len + room);
		head->pkt_len += room;
		data += room;
		len -= room;
	}
}

static void packet_end(void *ctx, void *packet)
{
	struct session *s = ctx;

	link_input(s->transport.w, s, packet);
}

static void packet_abandon(void *ctx, void *packet)
{
	(void)ctx;
	rte_pktmbuf_free(packet);
}

static const struct framer_sink packet_sink = {
	.begin = packet_begin,
	.append = packet_append,
	.end = packet_end,
	.abandon = packet_abandon,
};

/* ---- writing and closing ---- */

static bool session_write(struct session *s, const void *buf, uint32_t len)
{
	size_t written;

	if (s->ssl)
		return SSL_write_ex(s->ssl, buf, len, &written) == 1;
	return tcp_write(s->transport.w, s->conn, buf, len) == len;
}

void session_close(struct worker *w, struct session *s)
{
	if (s->state == SESSION_CLOSING)
		return;
	idle_unlink(w, s);
	deadline_clear(w, s);
	client_table_remove(w, s);
	/* close_notify, which we do not wait for; not before the handshake is done
	 * (a failed handshake has its alert queued already). */
	if (s->ssl && SSL_is_init_finished(s->ssl))
		SSL_shutdown(s->ssl);
	ERR_clear_error();
	request_buffer_free(s);
	framer_reset(&s->framer, &packet_sink, s);
	tcp_shutdown(w, s->conn);
	s->state = SESSION_CLOSING;
}

/* The connection is gone (TCP said so, or we aborted it): free everything. */
static void session_free(struct worker *w, struct session *s)
{
	idle_unlink(w, s);
	s->state = SESSION_CLOSING;
	deadline_clear(w, s);
	async_unpark(w, s);
	client_table_remove(w, s);
	request_buffer_free(s);
	framer_reset(&s->framer, &packet_sink, s);
	if (s->ssl) {
		SSL_free(s->ssl);
		s->ssl = NULL;
	}
	w->counters.session_closed++;
	client_table_session_release(w, s);
}

static void session_abort(struct worker *w, struct session *s)
{
	struct tcp_conn *c = s->conn;

	session_free(w, s);
	tcp_abort(w, c);
}

/* Answer an HTTP error and close. */
static void http_refuse(struct worker *w, struct session *s, unsigned int status)
{
	char response[HTTP_RESPONSE_MAX_BYTES];
	size_t n = http_response_format(response, status, server_header, time(NULL));

	switch (status) {
	case 400: w->counters.http_status_400++; break;
	case 404: w->counters.http_status_404++; break;
	case 405: w->counters.http_status_405++; break;
	case 408: w->counters.http_status_408++; break;
	case 411: w->counters.http_status_411++; break;
	case 414: w->counters.http_status_414++; break;
	case 431: w->counters.http_status_431++; break;
	case 501: w->counters.http_status_501++; break;
	case 505: w->counters.http_status_505++; break;
	}
	session_write(s, response, (uint32_t)n);
	session_close(w, s);
}

/* ---- the states ---- */

static void handshake_step(struct worker *w, struct session *s)
{
	char reason[256];
	uint64_t start = rte_rdtsc();
	int rc = SSL_do_handshake(s->ssl);
	int err;

	w->counters.tls_handshake_cycles += rte_rdtsc() - start;
	if (rc == 1) {
		w->counters.tls_handshakes++;
		deadline_clear(w, s);
		/* Asynchronous engines pay off for the private-key operation; records
		 * are cheap, so the bulk path skips the job switch of SSL_MODE_ASYNC. */
		SSL_clear_mode(s->ssl, SSL_MODE_ASYNC);
		if (request_begin(w, s, SESSION_HTTP_REQUEST) != 0)
			session_close(w, s);
		return;
	}
	err = SSL_get_error(s->ssl, rc);
	switch (err) {
	case SSL_ERROR_WANT_READ:
		if (tcp_peer_closed(s->conn) && tcp_readable_bytes(s->conn) == 0) {
			w->counters.tls_handshake_failed++;
			session_close(w, s);
		}
		return;
	case SSL_ERROR_WANT_WRITE:
		tcp_want_writable(s->conn);
		return;
	case SSL_ERROR_WANT_ASYNC:
		/* An engine paused the job (a key operation in flight): park the
		 * session; session_poll resumes it while the worker serves others. */
		w->counters.tls_async_paused++;
		async_park(w, s);
		return;
	default: {
		int why = ERR_GET_REASON(ERR_peek_last_error());

		w->counters.tls_handshake_failed++;
		if (why == SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE || why == SSL_R_CERTIFICATE_VERIFY_FAILED ||
		    SSL_get_verify_result(s->ssl) != X509_V_OK)
			w->counters.tls_client_cert_rejected++;
		log_debug("TLS handshake failed: %s", tls_last_error(reason, sizeof(reason)));
		session_close(w, s);
	}
	}
}

static void proxy_header_step(struct worker *w, struct session *s)
{
	struct proxy_protocol_result res;
	int rc = proxy_protocol_parse((const uint8_t *)s->request, s->request_len,
				      (enum proxy_protocol_version)s->listener->proxy_versions, &res);

	if (rc == 0)
		return;
	if (res.error != PROXY_OK) {
		w->counters.proxy_header_rejected++;
		log_debug("PROXY header refused: %s", proxy_protocol_error_text(res.error));
		session_close(w, s);
		return;
	}
	if (res.family != AF_UNSPEC) {
		s->client = res.source;
		s->client_port = res.source_port;
	}
	s->request_len -= (uint32_t)res.header_bytes;
	memmove(s->request, s->request + res.header_bytes, s->request_len);
	s->state = SESSION_HTTP_REQUEST;
}

static void framing_error(struct worker *w, struct session *s, enum framer_error e)
{
	switch (e) {
	case FRAMER_ERROR_NOT_IPV6: w->counters.drop_framer_not_ipv6++; break;
	case FRAMER_ERROR_JUMBOGRAM: w->counters.drop_framer_jumbogram++; break;
	case FRAMER_ERROR_TOO_BIG: w->counters.drop_framer_too_big++; break;
	case FRAMER_OK: return;
	}
	/* §3.2.5.2.2: discard, and terminate this client's session (only this one). */
	session_close(w, s);
}

static void link_up(struct worker *w, struct session *s, const struct http_request *req)
{
	char response[HTTP_RESPONSE_MAX_BYTES];
	uint32_t body_len = s->request_len - (uint32_t)req->header_bytes;
	size_t n;

	deadline_clear(w, s);
	/* §3.2.5.1: add the Client Table entry; if that fails, disconnect. */
	if (client_table_add(w, s) != 0) {
		w->counters.client_table_full++;
		session_close(w, s);
		return;
	}
	n = http_response_format(response, 200, server_header, time(NULL));
	if (!session_write(s, response, (uint32_t)n)) {
		session_close(w, s);
		return;
	}
	w->counters.http_requests_accepted++;
	w->counters.session_link_up++;
	s->state = SESSION_LINK_UP;
	s->link_up_ms = w->tcp.now_ms;
	s->last_active_ms = w->tcp.now_ms;
	TAILQ_INSERT_TAIL(&w->sessions.idle, s, idle_link);
	if (body_len) {
		/* The body's first bytes came with the request. The buffer is detached
		 * before framing: a packet can end the session, which frees it. */
		char *buf = s->request;
		enum framer_error e;

		s->request = NULL;
		s->request_len = 0;
		e = framer_push(&s->framer, (const uint8_t *)buf + req->header_bytes, body_len, &packet_sink, s);
		free(buf);
		framing_error(w, s, e);
		return;
	}
	request_buffer_free(s);
}

static void http_request_step(struct worker *w, struct session *s)
{
	struct http_request req;

	if (http_request_parse(s->request, s->request_len, uri, &req) == 0)
		return;
	if (req.error != HTTP_REQUEST_NONE) {
		log_debug("HTTP request refused: %s", http_request_error_text(req.error));
		http_refuse(w, s, http_request_error_status(req.error));
		return;
	}
	link_up(w, s, &req);
}

/* Bytes of the stream after TLS: to the request parser or the framer, by state. */
static void deliver(struct worker *w, struct session *s, const uint8_t *data, uint32_t len)
{
	while (len > 0) {
		switch (s->state) {
		case SESSION_PROXY_HEADER:
		case SESSION_HTTP_REQUEST: {
			uint32_t take = RTE_MIN(len, SESSION_REQUEST_BUFFER_BYTES - s->request_len);

			if (take == 0) { /* the parsers bound themselves below this; never spin */
				http_refuse(w, s, 431);
				return;
			}
			memcpy(s->request + s->request_len, data, take);
			s->request_len += take;
			data += take;
			len -= take;
			if (s->state == SESSION_PROXY_HEADER)
				proxy_header_step(w, s);
			if (s->state == SESSION_HTTP_REQUEST)
				http_request_step(w, s);
			break;
		}
		case SESSION_LINK_UP:
			idle_touch(w, s);
			framing_error(w, s, framer_push(&s->framer, data, len, &packet_sink, s));
			return;
		default:
			return;
		}
	}
}

/* Read what TLS (or plain TCP) has for us. @return bytes, 0 when nothing waits, -1 when the session ended. */
static int session_read(struct worker *w, struct session *s, uint8_t *buf, uint32_t len)
{
	size_t got;
	int rc;

	if (!s->ssl) {
		uint32_t n = tcp_read(w, s->conn, buf, len);

		if (n == 0 && tcp_peer_closed(s->conn)) {
			session_close(w, s);
			return -1;
		}
		return (int)n;
	}
	rc = SSL_read_ex(s->ssl, buf, len, &got);
	if (rc == 1)
		return (int)got;
	switch (SSL_get_error(s->ssl, rc)) {
	case SSL_ERROR_WANT_READ:
		if (tcp_peer_closed(s->conn) && tcp_readable_bytes(s->conn) == 0) {
			session_close(w, s);
			return -1;
		}
		return 0;
	case SSL_ERROR_WANT_WRITE:
		tcp_want_writable(s->conn);
		return 0;
	case SSL_ERROR_ZERO_RETURN: /* close_notify, or EOF (SSL_OP_IGNORE_UNEXPECTED_EOF) */
		session_close(w, s);
		return -1;
	default: {
		char reason[256];

		w->counters.tls_errors++;
		log_debug("TLS error: %s", tls_last_error(reason, sizeof(reason)));
		session_close(w, s);
		return -1;
	}
	}
}

static void discard_input(struct worker *w, struct session *s)
{
	struct rte_mbuf *m;

	while ((m = tcp_take(w, s->conn)) != NULL)
		rte_pktmbuf_free(m);
}

static void session_pump(struct worker *w, struct session *s)
{
	if (s->state == SESSION_TLS_HANDSHAKE) {
		if (s->on_async_list)
			return; /* the paused job resumes from session_poll */
		handshake_step(w, s);
		if (s->state == SESSION_TLS_HANDSHAKE)
			return;
	}
	while (s->state != SESSION_CLOSING) {
		int n = session_read(w, s, w->sessions.scratch, sizeof(w->sessions.scratch));

		if (n <= 0)
			break;
		deliver(w, s, w->sessions.scratch, (uint32_t)n);
	}
	if (s->state == SESSION_CLOSING)
		discard_input(w, s);
}

/* ---- TCP upcalls ---- */

static void *session_accepted(struct worker *w, struct tcp_conn *c, void *listener_ctx)
{
	const struct session_listener *l = listener_ctx;
	struct session *s = client_table_session_alloc(w);

	if (!s) {
		w->counters.drop_session_pool_full++;
		return NULL;
	}
	s->conn = c;
	s->listener = l;
	s->transport.w = w;
	s->transport.conn = c;
	tcp_peer_address(c, &s->client, &s->client_port);
	framer_init(&s->framer, w->sessions.link_mtu);
	if (l->tls) {
		BIO *bio;

		s->ssl = SSL_new(tls_ctx);
		bio = s->ssl ? tls_bio_new(&s->transport) : NULL;
		if (!bio) {
			SSL_free(s->ssl);
			s->ssl = NULL;
			ERR_clear_error();
			w->counters.drop_session_pool_full++;
			client_table_session_release(w, s);
			return NULL;
		}
		SSL_set_bio(s->ssl, bio, bio);
		SSL_set_accept_state(s->ssl);
		s->state = SESSION_TLS_HANDSHAKE;
		deadline_set(w, s, DEADLINE_HANDSHAKE);
	} else if (request_begin(w, s, l->proxy_versions ? SESSION_PROXY_HEADER : SESSION_HTTP_REQUEST) != 0) {
		w->counters.drop_session_pool_full++;
		client_table_session_release(w, s);
		return NULL;
	}
	w->counters.session_accepted++;
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
		/* Read what is left; the end of the stream then closes our side. */
		if (s->state == SESSION_CLOSING)
			discard_input(w, s);
		else if (!s->on_async_list)
			session_pump(w, s);
		return;
	}
	/* §3.2.5.3 / §3.2.7.2: the transport is gone, so is the client's entry. */
	if (s->on_async_list) {
		/* A job is paused inside this SSL: freeing it now would leak the job
		 * (its fibre and stack). Cut the transport and let the job finish. */
		s->orphaned = true;
		s->transport.conn = NULL;
		deadline_clear(w, s);
		client_table_remove(w, s);
		return;
	}
	session_free(w, s);
}

static const struct tcp_upcalls session_upcalls = {
	.accepted = session_accepted,
	.readable = session_readable,
	.writable = session_writable,
	.closed = session_closed,
};

/* ---- packets down to the client ---- */

int session_send_packet(struct worker *w, struct session *s, struct rte_mbuf *m)
{
	uint32_t len = m->pkt_len;

	if (s->state != SESSION_LINK_UP) {
		worker_drop(w, m, drop_link_session_not_up);
		return -1;
	}
	if (tcp_send_space(w, s->conn) < len + (s->ssl ? TLS_RECORD_OVERHEAD_MAX_BYTES : 0)) {
		/* Like a full interface queue: drop and count, never block the worker. */
		worker_drop(w, m, drop_link_send_queue_full);
		return -1;
	}
	if (s->ssl) {
		const void *data = rte_pktmbuf_read(m, 0, len, w->sessions.scratch_send);
		size_t written;

		if (SSL_write_ex(s->ssl, data, len, &written) != 1) {
			rte_pktmbuf_free(m);
			w->counters.tls_errors++;
			ERR_clear_error();
			session_close(w, s);
			return -1;
		}
		rte_pktmbuf_free(m);
	} else if (tcp_write_mbuf(w, s->conn, m) != 0) {
		worker_drop(w, m, drop_link_send_queue_full);
		return -1;
	}
	w->counters.link_tx_packets++;
	w->counters.link_tx_bytes += len;
	s->tx_packets++;
	return 0;
}

/* ---- the worker's periodic work ---- */

void session_poll(struct worker *w)
{
	struct session_worker *sw = &w->sessions;
	uint64_t now = w->tcp.now_ms;
	struct session *s;

	/* Resume paused jobs: each gets one step per loop iteration; an engine
	 * still busy pauses it again. The list is detached first so a session
	 * that pauses again waits for the next iteration. */
	if (!TAILQ_EMPTY(&sw->async_paused)) {
		struct session_list resume = TAILQ_HEAD_INITIALIZER(resume);

		TAILQ_CONCAT(&resume, &sw->async_paused, async_link);
		while ((s = TAILQ_FIRST(&resume)) != NULL) {
			TAILQ_REMOVE(&resume, s, async_link);
			s->on_async_list = false;
			w->counters.tls_async_resumed++;
			if (s->orphaned) {
				/* The connection is gone: run the job to its end, then free. */
				int rc = SSL_do_handshake(s->ssl);

				if (rc <= 0 && SSL_get_error(s->ssl, rc) == SSL_ERROR_WANT_ASYNC) {
					async_park(w, s);
				} else {
					ERR_clear_error();
					session_free(w, s);
				}
				continue;
			}
			if (s->deadline_kind == DEADLINE_HANDSHAKE && !s->on_deadline_list &&
			    s->deadline_ms <= now) {
				/* Its deadline passed while it was paused; the job is done now, so it can go. */
				w->counters.tls_handshake_timeouts++;
				session_abort(w, s);
				continue;
			}
			session_pump(w, s);
		}
	}

	while ((s = TAILQ_FIRST(&sw->handshake_deadlines)) != NULL && s->deadline_ms <= now) {
		deadline_clear(w, s);
		if (s->on_async_list)
			continue; /* never free a paused job: it is timed out when it resumes */
		w->counters.tls_handshake_timeouts++;
		session_abort(w, s);
	}
	while ((s = TAILQ_FIRST(&sw->request_deadlines)) != NULL && s->deadline_ms <= now) {
		deadline_clear(w, s);
		http_refuse(w, s, 408);
	}
	while (sw->idle_timeout_ms && (s = TAILQ_FIRST(&sw->idle)) != NULL &&
	       s->last_active_ms + sw->idle_timeout_ms <= now) {
		w->counters.session_idle_timeouts++;
		session_close(w, s);
	}
}

/* ---- start and stop ---- */

int session_worker_init(struct worker *w, const struct iphttps_config *config)
{
	struct session_worker *sw = &w->sessions;

	TAILQ_INIT(&sw->handshake_deadlines);
	TAILQ_INIT(&sw->request_deadlines);
	TAILQ_INIT(&sw->async_paused);
	TAILQ_INIT(&sw->idle);
	sw->idle_timeout_ms = (uint64_t)config->limits.idle_session_timeout_s * 1000;
	sw->handshake_timeout_ms = config->limits.tls_handshake_timeout_ms;
	sw->request_timeout_ms = config->limits.http_request_timeout_ms;
	sw->link_mtu = config->iphttps.link_mtu;
	return client_table_shard_init(w, config);
}

void session_worker_free(struct worker *w)
{
	struct client_table_shard *t = &w->clients;

	/* Workers are stopped: free what is left without upcalls (the TCP tables go next). */
	for (uint32_t i = 0; t->slots && i < t->capacity; i++)
		if (t->slots[i].conn)
			session_free(w, &t->slots[i]);
	client_table_shard_free(w);
}

int session_listeners_start(const struct iphttps_config *config, char *err, size_t err_len)
{
	bool need_tls = false;

	for (unsigned int i = 0; i < config->listener_count; i++)
		need_tls |= config->listeners[i].protocol == CONFIG_LISTENER_HTTPS;
	if (need_tls) {
		if (tls_bio_init() != 0) {
			snprintf(err, err_len, "cannot create the TLS transport");
			return -1;
		}
		tls_ctx = tls_context_create(config, err, err_len);
		if (!tls_ctx)
			return -1;
	}
	snprintf(uri, sizeof(uri), "%s", config->iphttps.uri);
	snprintf(server_header, sizeof(server_header), "%s", config->iphttps.server_header);
	link_init(config);
	listener_count = 0;
	for (unsigned int i = 0; i < config->listener_count; i++) {
		const struct config_listener *cl = &config->listeners[i];
		struct session_listener *l = &listeners[listener_count];

		l->tls = cl->protocol == CONFIG_LISTENER_HTTPS;
		l->port = cl->port;
		switch (cl->proxy_protocol) {
		case CONFIG_PROXY_NONE: l->proxy_versions = 0; break;
		case CONFIG_PROXY_V1: l->proxy_versions = PROXY_ACCEPT_V1; break;
		case CONFIG_PROXY_V2: l->proxy_versions = PROXY_ACCEPT_V2; break;
		case CONFIG_PROXY_ANY: l->proxy_versions = PROXY_ACCEPT_ANY; break;
		}
		if (tcp_listen(cl->port, &session_upcalls, l) != 0) {
			snprintf(err, err_len, "listeners: cannot listen on port %u (taken by another listener or "
				 "tcp_services)", cl->port);
			return -1;
		}
		listener_count++;
		log_info("IP-HTTPS listener on port %u (%s%s)", cl->port, l->tls ? "https" : "http",
			 l->proxy_versions ? ", PROXY protocol" : "");
	}
	return 0;
}

SSL_CTX *session_tls_context(void)
{
	return tls_ctx;
}

void session_listeners_stop(void)
{
	listener_count = 0;
	tls_context_free(tls_ctx);
	tls_ctx = NULL;
}
