/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_PROXY_AUTH_H
#define IPHTTPS_PROXY_AUTH_H

/*
 * Answers to a web proxy's 407 (the proxy tunnelling draft in spec/: CONNECT
 * with proxy authentication): the Proxy-Authorization value for a Basic
 * challenge (RFC 7617) or a Digest one (RFC 7616 with MD5 and qop "auth", or
 * RFC 2069 without qop, what squid offers). Pure but for OpenSSL's MD5 and
 * base64; the client picks the strongest challenge it can answer.
 */

#include <stdbool.h>
#include <stddef.h>

enum proxy_auth_limits { PROXY_AUTH_FIELD_MAX_BYTES = 256 };

struct proxy_digest_challenge {
	char realm[PROXY_AUTH_FIELD_MAX_BYTES];
	char nonce[PROXY_AUTH_FIELD_MAX_BYTES];
	char opaque[PROXY_AUTH_FIELD_MAX_BYTES];
	bool qop_auth;  /* the proxy offers qop="auth" */
	bool stale;     /* the last nonce expired: answer again with the new one */
};

/** "Basic <base64(user:password)>" into out. @return 0, or -1 when out is too small. */
int proxy_auth_basic(const char *user, const char *password, char *out, size_t out_len);

/**
 * Parse a challenge value ("Digest realm=..., nonce=..., qop="auth", ...").
 * @return 0, or -1 when it is not a Digest challenge this client can answer
 * (another scheme, an algorithm other than MD5, a missing realm or nonce, a
 * malformed parameter list).
 */
int proxy_auth_parse_digest(const char *challenge, struct proxy_digest_challenge *c);

/**
 * The Digest answer for method and uri (CONNECT and host:port) with the
 * client nonce cnonce and count nc. @return 0, or -1 when out is too small.
 */
int proxy_auth_digest(const struct proxy_digest_challenge *c, const char *user, const char *password,
		      const char *method, const char *uri, const char *cnonce, unsigned int nc, char *out,
		      size_t out_len);

#endif
