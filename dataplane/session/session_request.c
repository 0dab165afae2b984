/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The request phase of a session, from the first byte after TLS to LinkUp:
 * the PROXY v1/v2 header on listeners behind a balancer, then the HTTP
 * request header section ([MS-IPHTTPS] §3.2.5.1). Both are read into one
 * buffer that exists only while they are awaited, under one deadline. An
 * accepted request makes the Client Table entry and answers 200 OK; a
 * refused one gets its HTTP status and the session closes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client_table.h"
#include "http_request.h"
#include "http_response.h"
#include "log_peer.h"
#include "proxy_protocol.h"
#include "session_counters.h"
#include "session_events.h"
#include "session_internal.h"
#include "session_timers.h"
#include "worker.h"

void session_request_free(struct session *s)
{
	free(s->request);
	s->request = NULL;
	s->request_len = 0;
}

int session_request_begin(struct worker *w, struct session *s, enum session_state state)
{
	s->request = malloc(SESSION_REQUEST_BUFFER_BYTES);
	if (!s->request)
		return -1;
	s->request_len = 0;
	memset(&s->request_scan, 0, sizeof(s->request_scan));
	s->state = state;
	session_timers_request_started(w, s);
	return 0;
}

/* The statuses a request is refused with, each with its http_status_<code> counter (session_counters.h). */
#define HTTP_REFUSAL_STATUSES(X) X(400) X(404) X(405) X(408) X(411) X(414) X(431) X(501) X(503) X(505)

/* The refusal event's reason for an HTTP status: "http_404". */
static const char *http_refusal_name(unsigned int status)
{
	switch (status) {
#define STATUS_NAME(code) case code: return "http_" #code;
	HTTP_REFUSAL_STATUSES(STATUS_NAME)
#undef STATUS_NAME
	default: return "http_refused";
	}
}

void session_refuse(struct worker *w, struct session *s, unsigned int status)
{
	char response[HTTP_RESPONSE_MAX_BYTES];
	size_t n = http_response_format(response, status, w->config->iphttps.server_header, time(NULL));

	switch (status) {
#define STATUS_COUNT(code) case code: counter(w, http_status_##code)++; break;
	HTTP_REFUSAL_STATUSES(STATUS_COUNT)
#undef STATUS_COUNT
	}
	session_write(s, response, (uint32_t)n);
	session_close(w, s);
}

/* The proxy_protocol_parse version bits of a listener's config. */
static enum proxy_protocol_version accepted_versions(const struct config_listener *cl)
{
	switch (cl->proxy_protocol) {
	case CONFIG_PROXY_V1: return PROXY_ACCEPT_V1;
	case CONFIG_PROXY_V2: return PROXY_ACCEPT_V2;
	default: return PROXY_ACCEPT_ANY;
	}
}

/*
 * Certificates mode behind a TLS offloader (an http listener): the
 * appliance sees no certificate, so it takes the offloader's verdict from
 * PROXY v2's PP2_TYPE_SSL (HAProxy's send-proxy-v2-ssl-cn): the client came
 * over TLS, presented a certificate on this connection or on the TLS
 * session it resumed there, and verify is 0. Without that, anyone reaching
 * the offloader would be admitted. The CN is kept for the operator and
 * accounting.
 */
static bool offloader_verified_client(struct worker *w, struct session *s, const struct proxy_protocol_result *res)
{
	const uint8_t certificate = PROXY_SSL_CLIENT_CERT_CONN | PROXY_SSL_CLIENT_CERT_SESS;
	size_t n;

	if (!res->ssl_present || !(res->ssl_client & PROXY_SSL_CLIENT_SSL) || !(res->ssl_client & certificate) ||
	    res->ssl_verify != 0) {
		counter(w, proxy_client_cert_refused)++;
		session_events_refused(w, s, "proxy_client_certificate_missing", "certificates mode, and the PROXY "
				       "header carries no verified client certificate", "");
		log_peer(w, INFO, &s->client, s->client_port,
			 "refused: certificates mode, and the PROXY header carries no verified client certificate "
			 "(PP2_TYPE_SSL %s)",
			 !res->ssl_present ? "absent" : res->ssl_verify != 0 ? "verify failed" : "without a certificate");
		return false;
	}
	n = strlen(res->ssl_cn);
	free(s->offload_subject);
	s->offload_subject = malloc(n + 4);
	if (s->offload_subject)
		snprintf(s->offload_subject, n + 4, "CN=%s", res->ssl_cn);
	return true;
}

static void proxy_header_step(struct worker *w, struct session *s)
{
	const struct config_listener *cl = &w->config->listeners[s->listener->index];
	struct proxy_protocol_result res;
	int rc = proxy_protocol_parse((const uint8_t *)s->request, s->request_len, accepted_versions(cl), &res);

	if (rc == 0)
		return;
	if (res.error != PROXY_OK) {
		counter(w, proxy_header_rejected)++;
		session_events_refused(w, s, "proxy_header_rejected", proxy_protocol_error_text(res.error), "");
		log_peer(w, INFO, &s->client, s->client_port, "PROXY header refused: %s",
			 proxy_protocol_error_text(res.error));
		session_close(w, s);
		return;
	}
	if (res.family != AF_UNSPEC) {
		s->client = res.source;
		s->client_port = res.source_port;
	}
	if (w->config->iphttps.authentication == CONFIG_AUTH_CERTIFICATES && !offloader_verified_client(w, s, &res)) {
		session_close(w, s);
		return;
	}
	s->request_len -= (uint32_t)res.header_bytes;
	memmove(s->request, s->request + res.header_bytes, s->request_len);
	memset(&s->request_scan, 0, sizeof(s->request_scan)); /* the bytes moved: search them from the start */
	s->state = SESSION_HTTP_REQUEST;
}

static void link_up(struct worker *w, struct session *s, const struct http_request *req)
{
	char response[HTTP_RESPONSE_MAX_BYTES];
	uint32_t body_len = s->request_len - (uint32_t)req->header_bytes;
	size_t n;

	session_timers_deadline_met(w, s);
	/* §3.2.5.1: add the Client Table entry; if that fails, disconnect. */
	switch (client_table_add(w, s)) {
	case 0:
		break;
	case -EDQUOT: {
		/* Told, not only dropped: the person behind a copied certificate
		 * sees why (the client prints the status). */
		struct tls_session_description d;

		session_tls_describe(s, &d);
		log_peer(w, INFO, &s->client, s->client_port,
			 "refused with 503: %s has %u sessions already (limits.sessions_per_subject)", d.peer_subject,
			 w->config->limits.sessions_per_subject);
		session_events_refused(w, s, "sessions_per_subject",
				       "its certificate subject has limits.sessions_per_subject sessions", d.peer_subject);
		session_refuse(w, s, 503);
		return;
	}
	default:
		counter(w, client_table_full)++;
		session_close(w, s);
		return;
	}
	n = http_response_format(response, 200, w->config->iphttps.server_header, time(NULL));
	if (!session_write(s, response, (uint32_t)n)) {
		session_end(w, s, SESSION_END_TLS_ERROR);
		return;
	}
	counter(w, http_requests_accepted)++;
	counter(w, session_link_up)++;
	s->state = SESSION_LINK_UP;
	s->link_up_ms = w->now_ms;
	session_events_post(w, s, SESSION_EVENT_UP);
	s->body_remaining = req->content_length;
	session_timers_link_up(w, s);
	if (body_len) {
		/* The body's first bytes came with the request. The buffer is detached
		 * before framing: a packet can end the session, which frees it. */
		char *buf = s->request;

		s->request = NULL;
		s->request_len = 0;
		session_body_input(w, s, (const uint8_t *)buf + req->header_bytes, body_len);
		free(buf);
		return;
	}
	session_request_free(s);
}

static void http_request_step(struct worker *w, struct session *s)
{
	struct http_request req;

	if (http_request_parse_more(s->request, s->request_len, w->config->iphttps.uri, &s->request_scan, &req) == 0)
		return;
	if (req.error != HTTP_REQUEST_NONE) {
		log_peer(w, INFO, &s->client, s->client_port, "HTTP request refused with %d: %s",
			 http_request_error_status(req.error), http_request_error_text(req.error));
		session_events_refused(w, s, http_refusal_name(http_request_error_status(req.error)),
				       http_request_error_text(req.error), "");
		session_refuse(w, s, http_request_error_status(req.error));
		return;
	}
	link_up(w, s, &req);
}

uint32_t session_request_input(struct worker *w, struct session *s, const uint8_t *data, uint32_t len)
{
	uint32_t take = RTE_MIN(len, SESSION_REQUEST_BUFFER_BYTES - s->request_len);

	if (take == 0) { /* the parsers bound themselves below this; never spin */
		session_refuse(w, s, 431);
		return 0;
	}
	memcpy(s->request + s->request_len, data, take);
	s->request_len += take;
	if (s->state == SESSION_PROXY_HEADER)
		proxy_header_step(w, s);
	if (s->state == SESSION_HTTP_REQUEST)
		http_request_step(w, s);
	return take;
}
