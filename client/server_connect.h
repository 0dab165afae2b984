/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_SERVER_CONNECT_H
#define IPHTTPS_SERVER_CONNECT_H

/*
 * How the client reaches the server's TCP port, before TLS: directly, through
 * a web proxy (CONNECT, answering a 407 with Basic or Digest credentials:
 * spec/ proxy tunnelling draft, RFC 7617, RFC 7616), or through SOCKS5
 * (RFC 1928/1929). The ways configured are tried in that order, starting from
 * the one that worked last, so a client behind a proxy does not wait for the
 * direct attempt's timeout on every reconnect. Every step is bounded by the
 * timeout; a failure is said in words, one clause per way tried.
 */

#include "proxy_url.h"

#include <stddef.h>

enum server_way_kind { WAY_DIRECT, WAY_HTTP_PROXY, WAY_SOCKS5 };

enum { SERVER_WAYS_MAX = 3, SERVER_CONNECT_WHY_MAX_BYTES = 512 };

struct server_way {
	enum server_way_kind kind;
	struct proxy_url proxy; /* unused for WAY_DIRECT */
};

struct server_connect_config {
	const char *host, *port;        /* the IP-HTTPS server, as the proxy is asked for it */
	struct server_way ways[SERVER_WAYS_MAX];
	unsigned int way_count;
	unsigned int timeout_ms;        /* each connect, and each proxy's answer */
};

/**
 * Open a byte stream to the server, trying the ways from index *way (the one
 * that worked last; 0 at first) and wrapping around. @return a blocking
 * socket whose reads and writes time out after timeout_ms, with *way set to
 * the way that worked (why then names the ways that failed before it, or is
 * empty); or -1 with why filled.
 */
int server_connect(const struct server_connect_config *cfg, unsigned int *way, char *why, size_t why_len);

/** "direct", "http proxy HOST:PORT" or "socks5 HOST:PORT", for logs and status. */
void server_way_describe(const struct server_way *w, char *out, size_t out_len);

#endif
