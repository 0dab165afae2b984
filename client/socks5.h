/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_SOCKS5_H
#define IPHTTPS_SOCKS5_H

/*
 * SOCKS5 (RFC 1928) with username/password authentication (RFC 1929), the
 * client's last way out after direct HTTPS and an HTTP proxy: the messages
 * it sends, built into a caller's buffer, and the replies it reads, parsed
 * with bounds (a reply may arrive in pieces). Pure: no sockets here.
 */

#include <stddef.h>
#include <stdint.h>

enum socks5_limits {
	SOCKS5_FIELD_MAX_BYTES = 255,            /* a user name, password or host name */
	SOCKS5_MESSAGE_MAX_BYTES = 3 + 255 + 255, /* the largest message sent (authentication) */
};

enum socks5_result {
	SOCKS5_NEED_MORE = 0,  /* the reply is incomplete: read more */
	SOCKS5_DONE = 1,       /* parsed; *consumed says how many bytes it took */
	SOCKS5_REFUSED = -1,   /* a well-formed refusal (no method, bad credentials, a REP other than 0) */
	SOCKS5_MALFORMED = -2, /* not SOCKS5 */
};

/** The greeting: offer "no authentication" and, with credentials, user/password. @return bytes. */
size_t socks5_greeting(uint8_t *out, int with_credentials);

/** Read the method the server chose (*method: 0 none, 2 user/password). */
enum socks5_result socks5_parse_method(const uint8_t *in, size_t len, uint8_t *method, size_t *consumed);

/** The RFC 1929 request. @return bytes, or 0 when a field is longer than 255 bytes. */
size_t socks5_auth_request(uint8_t *out, const char *user, const char *password);

/** Read the RFC 1929 answer. */
enum socks5_result socks5_parse_auth(const uint8_t *in, size_t len, size_t *consumed);

/** CONNECT to host (a name, an IPv4 or IPv6 literal) and port. @return bytes, or 0 when host is too long. */
size_t socks5_connect_request(uint8_t *out, const char *host, uint16_t port);

/** Read the CONNECT reply (its bound address skipped); *reply is REP (0 = succeeded). */
enum socks5_result socks5_parse_connect(const uint8_t *in, size_t len, uint8_t *reply, size_t *consumed);

/** The meaning of a CONNECT REP code (RFC 1928 6), for the client's status and logs. */
const char *socks5_reply_text(uint8_t reply);

#endif
