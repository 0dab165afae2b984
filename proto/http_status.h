/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_HTTP_STATUS_H
#define IPHTTPS_HTTP_STATUS_H

/*
 * A response head as the client side reads it: the server's answer to the
 * IP-HTTPS POST ([MS-IPHTTPS] 3.1.5.2: LinkUp on a successful response), and
 * a proxy's answer to CONNECT (200, or 407 with the Proxy-Authenticate
 * challenges to answer). Strict and bounded like the request parser: CRLF
 * lines, no folding, at most HTTP_STATUS_HEAD_MAX_BYTES; it never reads past
 * what it is given. Pure: linked by iphttps-client, the tests and a fuzzer.
 */

#include <stddef.h>
#include <stdint.h>

enum http_status_limits {
	HTTP_STATUS_HEAD_MAX_BYTES = 16384,   /* longer: refused */
	HTTP_STATUS_CHALLENGES_MAX = 4,       /* Proxy-Authenticate fields kept */
	HTTP_STATUS_CHALLENGE_MAX_BYTES = 1024,
};

enum http_status_error {
	HTTP_STATUS_OK = 0,
	HTTP_STATUS_BAD_STATUS_LINE,  /* not "HTTP/1.x NNN reason" */
	HTTP_STATUS_BAD_FIELD,        /* a field line without a name and a colon, or folded */
	HTTP_STATUS_BARE_LF,
	HTTP_STATUS_TOO_LARGE,
};

struct http_status {
	enum http_status_error error;
	unsigned int version_minor;
	unsigned int code;                 /* 100..599 */
	size_t head_bytes;                 /* the head, blank line included: what follows is the body */
	unsigned int challenge_count;      /* Proxy-Authenticate fields, in order */
	char challenges[HTTP_STATUS_CHALLENGES_MAX][HTTP_STATUS_CHALLENGE_MAX_BYTES];
	int has_content_length;
	uint64_t content_length;
};

/**
 * Parse a response head that may be incomplete.
 * @return 0 when more bytes are needed (and len is under the limit), 1 when
 *         it is complete or refused: st->error says which.
 */
int http_status_parse(const char *buf, size_t len, struct http_status *st);

/** A short English description of an error, for the client's status and logs. */
const char *http_status_error_text(enum http_status_error e);

#endif
