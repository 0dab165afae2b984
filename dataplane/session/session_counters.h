/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_SESSION_COUNTERS_H
#define IPHTTPS_SESSION_COUNTERS_H

/*
 * The session layer's counters: listeners and the PROXY protocol, HTTP
 * requests and their refusals, the Client Table, the framer, and what a
 * session sends and the client addresses it holds.
 * Each X(name, help) is one per-worker counter: counter(w, name)++ counts it,
 * the control plane exports it under its name with its help. A layer declares
 * the counters it counts; its slots follow those of the layer below, so that
 * a file can count only what its own layer and the ones below declare
 * (dataplane/core/counters.h; dataplane/worker_counters.h collects them all).
 */

#include "tls_counters.h"

#define SESSION_COUNTERS(X) \
	X(session_accepted, "connections taken by an IP-HTTPS listener") \
	X(session_held_handshake_abandoned, "full handshakes waiting for their turn whose client closed: their places freed at once") \
	X(session_refused_not_accepting, "connections reset: the link is disabled, or they were past their SYN when it stopped or drained") \
	X(session_events_dropped, "session up/down events lost: the control plane's ring was full (accounting records missing)") \
	X(session_disconnected_by_operator, "sessions ended by the control plane (disconnect, auth-mode, link disable, shutdown)") \
	X(drop_session_pool_full, "connection refused: the worker's session pool is full") \
	X(tls_handshake_timeouts, "TLS handshakes not done within limits.tls_handshake_timeout_ms") \
	X(tls_async_resumed, "paused TLS operations resumed to completion or the next pause") \
	X(proxy_header_rejected, "PROXY protocol header missing, malformed or of a refused version") \
	X(proxy_untrusted_peer, "connection to a PROXY listener from outside its trusted_proxies (reset)") \
	X(session_refused_stale_trust, "handshakes that ended on a context whose trust (mode, CA, CRL) was since replaced") \
	X(proxy_client_cert_refused, "certificates mode: a PROXY header without the offloader's verified client certificate") \
	X(http_requests_accepted, "IP-HTTPS requests accepted (200 OK)") \
	X(http_status_400, "requests answered 400 Bad Request") \
	X(http_status_404, "requests answered 404 Not Found (another path)") \
	X(http_status_405, "requests answered 405 Method Not Allowed") \
	X(http_status_408, "requests answered 408: headers not received in time") \
	X(http_status_411, "requests answered 411 Length Required") \
	X(http_status_414, "requests answered 414 URI Too Long") \
	X(http_status_431, "requests answered 431 Request Header Fields Too Large") \
	X(http_status_501, "requests answered 501 (Transfer-Encoding)") \
	X(http_status_505, "requests answered 505 HTTP Version Not Supported") \
	X(http_status_503, "requests answered 503: the certificate subject has limits.sessions_per_subject sessions") \
	X(client_table_full, "clients disconnected: the Client Table is full (limits.max_clients)") \
	X(session_subject_replaced, "sessions ended for a newer one of their certificate subject (limits.sessions_per_subject)") \
	X(session_subject_refused, "sessions refused: their certificate subject had limits.sessions_per_subject (action refuse)") \
	X(session_subject_untracked, "sessions admitted without counting them under their subject (more than it tracks, or its table full)") \
	X(session_end_order_lost, "sessions to end on their worker not ended: no mbuf, or that worker's inbox full (it times out)") \
	X(session_link_up, "sessions that reached LinkUp (Client Table entries added)") \
	X(session_idle_timeouts, "LinkUp sessions closed after limits.idle_session_timeout_s without input") \
	X(session_refusal_events_limited, "refused clients not told to the monitor: over the per-second budget (still counted by reason)") \
	X(session_closed_before_request, "clients gone after TLS, before their HTTP request (a Windows client refusing the server certificate)") \
	X(session_closed, "sessions ended (Client Table entries removed when they had one)") \
	X(session_body_complete, "sessions whose request body ended (a Content-Length below 2^64-1 ran out)") \
	X(session_bytes_after_body, "sessions that sent bytes after their request body (dropped, session closed)") \
	X(link_tx_packets, "IPv6 packets sent to clients") \
	X(link_tx_bytes, "bytes of IPv6 packets sent to clients") \
	X(link_address_evicted, "client addresses given up for a newer one: the client was at its cap (LRU)") \
	X(link_address_aged_out, "client addresses forgotten after address_idle_timeout_s unused") \
	X(link_address_held, "addresses of a client that went, held for it for address_grace_s") \
	X(link_address_hold_full, "addresses of a client that went, not held: the hold table was full") \
	X(link_address_hold_returned, "held addresses bound again by their previous owner") \
	X(link_address_hold_refused, "held addresses another client tried to take (its DAD answered, packets dropped)") \
	X(drop_framer_not_ipv6, "client sent a packet whose version is not 6 (session ended)") \
	X(drop_framer_jumbogram, "client sent a jumbogram (session ended)") \
	X(drop_framer_too_big, "client packet longer than the link MTU: dropped, answered with Packet Too Big") \
	X(drop_link_mbuf_alloc, "client packet dropped: no mbuf to hold it") \
	X(drop_link_no_route, "client packet not for the server itself (forwarding not built)") \
	X(drop_link_session_not_up, "packet to a client whose session is not (or no longer) up") \
	X(drop_link_send_queue_full, "packet to a client dropped: its TCP send queue is full")

enum session_counter {
	SESSION_COUNTER_BEFORE = TLS_COUNTER_END - 1,
	SESSION_COUNTERS(COUNTER_ENUM)
	SESSION_COUNTER_END
};

#endif
