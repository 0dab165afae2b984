/* SPDX-License-Identifier: BSD-3-Clause */
#include "proxy_protocol.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>

static const uint8_t v2_signature[12] = {0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a};

const char *proxy_protocol_error_text(enum proxy_protocol_error e)
{
	switch (e) {
	case PROXY_OK: return "ok";
	case PROXY_ERROR_NOT_PROXY: return "no PROXY protocol header";
	case PROXY_ERROR_VERSION_REFUSED: return "PROXY protocol version not accepted on this listener";
	case PROXY_ERROR_MALFORMED: return "malformed PROXY protocol header";
	case PROXY_ERROR_TOO_LONG: return "PROXY protocol header too long";
	}
	return "unknown";
}

static int done(struct proxy_protocol_result *res, enum proxy_protocol_error e)
{
	res->error = e;
	return 1;
}

/* Whether buf could still become `want` once more bytes arrive. */
static bool prefix_of(const uint8_t *buf, size_t len, const uint8_t *want, size_t want_len)
{
	return memcmp(buf, want, len < want_len ? len : want_len) == 0;
}

/* A decimal port, 0-65535, no leading zeros (the specification's form). */
static bool parse_port(const char *s, uint16_t *port)
{
	unsigned long v = 0;
	size_t n = strlen(s);

	if (n == 0 || n > 5 || (n > 1 && s[0] == '0'))
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v > 65535)
		return false;
	*port = (uint16_t)v;
	return true;
}

static void v4_mapped(struct in6_addr *a, const void *v4)
{
	memset(a, 0, sizeof(*a));
	a->s6_addr[10] = 0xff;
	a->s6_addr[11] = 0xff;
	memcpy(&a->s6_addr[12], v4, 4);
}

/* "PROXY TCP4 1.2.3.4 5.6.7.8 1111 2222\r\n" or "PROXY UNKNOWN ...\r\n" */
static int parse_v1(const uint8_t *buf, size_t len, struct proxy_protocol_result *res)
{
	char line[PROXY_V1_MAX_BYTES + 1], *fields[7], *save = NULL;
	size_t end = 0;
	unsigned int n = 0;

	while (end + 1 < len && end + 2 <= PROXY_V1_MAX_BYTES && !(buf[end] == '\r' && buf[end + 1] == '\n'))
		end++;
	if (end + 1 >= len || !(buf[end] == '\r' && buf[end + 1] == '\n')) {
		if (len >= PROXY_V1_MAX_BYTES)
			return done(res, PROXY_ERROR_TOO_LONG);
		return 0;
	}
	memcpy(line, buf, end);
	line[end] = '\0';
	res->version = 1;
	res->header_bytes = end + 2;
	for (size_t i = 0; i < end; i++)
		if (line[i] < 0x20 || line[i] > 0x7e)
			return done(res, PROXY_ERROR_MALFORMED);
	if (strcmp(line, "PROXY UNKNOWN") == 0 || strncmp(line, "PROXY UNKNOWN ", 14) == 0) {
		res->family = AF_UNSPEC;
		return done(res, PROXY_OK);
	}
	/* Single spaces only: strtok_r would fold "  " silently. */
	if (strstr(line, "  ") || line[end - 1] == ' ')
		return done(res, PROXY_ERROR_MALFORMED);
	for (char *tok = strtok_r(line, " ", &save); tok && n < 7; tok = strtok_r(NULL, " ", &save))
		fields[n++] = tok;
	if (n != 6)
		return done(res, PROXY_ERROR_MALFORMED);
	if (strcmp(fields[1], "TCP4") == 0) {
		struct in_addr s, d;

		if (inet_pton(AF_INET, fields[2], &s) != 1 || inet_pton(AF_INET, fields[3], &d) != 1)
			return done(res, PROXY_ERROR_MALFORMED);
		res->family = AF_INET;
		v4_mapped(&res->source, &s);
		v4_mapped(&res->destination, &d);
	} else if (strcmp(fields[1], "TCP6") == 0) {
		if (inet_pton(AF_INET6, fields[2], &res->source) != 1 ||
		    inet_pton(AF_INET6, fields[3], &res->destination) != 1)
			return done(res, PROXY_ERROR_MALFORMED);
		res->family = AF_INET6;
	} else {
		return done(res, PROXY_ERROR_MALFORMED);
	}
	if (!parse_port(fields[4], &res->source_port) || !parse_port(fields[5], &res->destination_port))
		return done(res, PROXY_ERROR_MALFORMED);
	return done(res, PROXY_OK);
}

enum {
	PP2_TYPE_SSL = 0x20,
	PP2_SUBTYPE_SSL_CN = 0x22,
	PP2_SSL_FIXED_BYTES = 5, /* client (1), verify (4), then sub-TLVs */
};

/* Whether the TLV at `at` (type 1, length 2, value) lies within end; its value's length in *len. */
static bool tlv_fits(const uint8_t *buf, size_t end, size_t at, size_t *len)
{
	if (end - at < 3)
		return false;
	*len = (size_t)buf[at + 1] << 8 | buf[at + 2];
	return *len <= end - at - 3;
}

/*
 * The TLVs after the addresses, from at to end (proxy-protocol.txt 2.2):
 * each type (1), length (2), value. Only PP2_TYPE_SSL is read (the
 * offloader's verdict on a client certificate, and its CN); a TLV that runs
 * past the header is malformed.
 */
static int parse_tlvs(const uint8_t *buf, size_t end, size_t at, struct proxy_protocol_result *res)
{
	while (at < end) {
		size_t len;

		if (!tlv_fits(buf, end, at, &len))
			return done(res, PROXY_ERROR_MALFORMED);
		if (buf[at] == PP2_TYPE_SSL) {
			const uint8_t *v = buf + at + 3;
			size_t sub = PP2_SSL_FIXED_BYTES;

			if (len < PP2_SSL_FIXED_BYTES)
				return done(res, PROXY_ERROR_MALFORMED);
			res->ssl_present = 1;
			res->ssl_client = v[0];
			res->ssl_verify = (uint32_t)v[1] << 24 | (uint32_t)v[2] << 16 | (uint32_t)v[3] << 8 | v[4];
			while (sub < len) {
				size_t sub_len;

				if (!tlv_fits(v, len, sub, &sub_len))
					return done(res, PROXY_ERROR_MALFORMED);
				if (v[sub] == PP2_SUBTYPE_SSL_CN) {
					size_t n = sub_len < sizeof(res->ssl_cn) - 1 ? sub_len : sizeof(res->ssl_cn) - 1;

					/* Printable only: it goes to logs and accounting as text. */
					for (size_t i = 0; i < n; i++)
						res->ssl_cn[i] = v[sub + 3 + i] >= 0x20 && v[sub + 3 + i] < 0x7f
									 ? (char)v[sub + 3 + i] : '?';
					res->ssl_cn[n] = '\0';
				}
				sub += 3 + sub_len;
			}
		}
		at += 3 + len;
	}
	return done(res, PROXY_OK);
}

static int parse_v2(const uint8_t *buf, size_t len, struct proxy_protocol_result *res)
{
	size_t body, total, addresses = 0; /* the address block's bytes, the TLVs after it */
	uint8_t command, family;

	if (len < PROXY_V2_HEADER_BYTES)
		return 0;
	body = (size_t)buf[14] << 8 | buf[15];
	total = PROXY_V2_HEADER_BYTES + body;
	res->version = 2;
	if ((buf[12] >> 4) != 2)
		return done(res, PROXY_ERROR_MALFORMED);
	if (total > PROXY_V2_MAX_BYTES)
		return done(res, PROXY_ERROR_TOO_LONG);
	if (len < total)
		return 0;
	res->header_bytes = total;
	command = buf[12] & 0x0f;
	family = buf[13];
	if (command == 0x0) { /* LOCAL: a health check from the balancer itself */
		res->family = AF_UNSPEC;
		return done(res, PROXY_OK);
	}
	if (command != 0x1)
		return done(res, PROXY_ERROR_MALFORMED);
	switch (family) {
	case 0x11: /* TCP over IPv4 */
		addresses = 12;
		if (body < addresses)
			return done(res, PROXY_ERROR_MALFORMED);
		res->family = AF_INET;
		v4_mapped(&res->source, buf + 16);
		v4_mapped(&res->destination, buf + 20);
		res->source_port = (uint16_t)(buf[24] << 8 | buf[25]);
		res->destination_port = (uint16_t)(buf[26] << 8 | buf[27]);
		break;
	case 0x21: /* TCP over IPv6 */
		addresses = 36;
		if (body < addresses)
			return done(res, PROXY_ERROR_MALFORMED);
		res->family = AF_INET6;
		memcpy(&res->source, buf + 16, 16);
		memcpy(&res->destination, buf + 32, 16);
		res->source_port = (uint16_t)(buf[48] << 8 | buf[49]);
		res->destination_port = (uint16_t)(buf[50] << 8 | buf[51]);
		break;
	case 0x00: /* UNSPEC */
		res->family = AF_UNSPEC;
		break;
	default: /* UDP or UNIX: not what fronts an HTTPS tunnel */
		return done(res, PROXY_ERROR_MALFORMED);
	}
	return parse_tlvs(buf, total, PROXY_V2_HEADER_BYTES + addresses, res);
}

int proxy_protocol_parse(const uint8_t *buf, size_t len, enum proxy_protocol_version accept,
			 struct proxy_protocol_result *res)
{
	memset(res, 0, sizeof(*res));
	if (len == 0)
		return 0;
	if (prefix_of(buf, len, v2_signature, sizeof(v2_signature))) {
		if (len < sizeof(v2_signature))
			return 0;
		if (!(accept & PROXY_ACCEPT_V2))
			return done(res, PROXY_ERROR_VERSION_REFUSED);
		return parse_v2(buf, len, res);
	}
	if (prefix_of(buf, len, (const uint8_t *)"PROXY ", 6)) {
		if (len < 6)
			return 0;
		if (!(accept & PROXY_ACCEPT_V1))
			return done(res, PROXY_ERROR_VERSION_REFUSED);
		return parse_v1(buf, len, res);
	}
	return done(res, PROXY_ERROR_NOT_PROXY);
}
