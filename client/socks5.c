/* SPDX-License-Identifier: BSD-3-Clause */
#include "socks5.h"

#include <string.h>
#include <arpa/inet.h>

enum {
	SOCKS5_VERSION = 5,
	SOCKS5_AUTH_VERSION = 1,   /* RFC 1929 */
	METHOD_NONE = 0,
	METHOD_USER_PASSWORD = 2,
	METHOD_NO_ACCEPTABLE = 0xff,
	CMD_CONNECT = 1,
	ATYP_IPV4 = 1,
	ATYP_DOMAIN = 3,
	ATYP_IPV6 = 4,
};

size_t socks5_greeting(uint8_t *out, int with_credentials)
{
	out[0] = SOCKS5_VERSION;
	out[1] = with_credentials ? 2 : 1;
	out[2] = METHOD_NONE;
	if (!with_credentials)
		return 3;
	out[3] = METHOD_USER_PASSWORD;
	return 4;
}

enum socks5_result socks5_parse_method(const uint8_t *in, size_t len, uint8_t *method, size_t *consumed)
{
	if (len < 2)
		return SOCKS5_NEED_MORE;
	if (in[0] != SOCKS5_VERSION)
		return SOCKS5_MALFORMED;
	*consumed = 2;
	*method = in[1];
	if (in[1] == METHOD_NO_ACCEPTABLE)
		return SOCKS5_REFUSED;
	return in[1] == METHOD_NONE || in[1] == METHOD_USER_PASSWORD ? SOCKS5_DONE : SOCKS5_MALFORMED;
}

size_t socks5_auth_request(uint8_t *out, const char *user, const char *password)
{
	size_t ul = strlen(user), pl = strlen(password);

	if (ul == 0 || ul > SOCKS5_FIELD_MAX_BYTES || pl > SOCKS5_FIELD_MAX_BYTES)
		return 0;
	out[0] = SOCKS5_AUTH_VERSION;
	out[1] = (uint8_t)ul;
	memcpy(out + 2, user, ul);
	out[2 + ul] = (uint8_t)pl;
	memcpy(out + 3 + ul, password, pl);
	return 3 + ul + pl;
}

enum socks5_result socks5_parse_auth(const uint8_t *in, size_t len, size_t *consumed)
{
	if (len < 2)
		return SOCKS5_NEED_MORE;
	if (in[0] != SOCKS5_AUTH_VERSION)
		return SOCKS5_MALFORMED;
	*consumed = 2;
	return in[1] == 0 ? SOCKS5_DONE : SOCKS5_REFUSED;
}

size_t socks5_connect_request(uint8_t *out, const char *host, uint16_t port)
{
	size_t n = 4, hl = strlen(host);

	out[0] = SOCKS5_VERSION;
	out[1] = CMD_CONNECT;
	out[2] = 0;
	if (inet_pton(AF_INET, host, out + 4) == 1) {
		out[3] = ATYP_IPV4;
		n += 4;
	} else if (inet_pton(AF_INET6, host, out + 4) == 1) {
		out[3] = ATYP_IPV6;
		n += 16;
	} else {
		if (hl == 0 || hl > SOCKS5_FIELD_MAX_BYTES)
			return 0;
		out[3] = ATYP_DOMAIN;
		out[4] = (uint8_t)hl;
		memcpy(out + 5, host, hl);
		n += 1 + hl;
	}
	out[n] = (uint8_t)(port >> 8);
	out[n + 1] = (uint8_t)port;
	return n + 2;
}

enum socks5_result socks5_parse_connect(const uint8_t *in, size_t len, uint8_t *reply, size_t *consumed)
{
	size_t need;

	if (len < 5)
		return SOCKS5_NEED_MORE;
	if (in[0] != SOCKS5_VERSION || in[2] != 0)
		return SOCKS5_MALFORMED;
	switch (in[3]) {
	case ATYP_IPV4: need = 4 + 4 + 2; break;
	case ATYP_IPV6: need = 4 + 16 + 2; break;
	case ATYP_DOMAIN: need = 4 + 1 + (size_t)in[4] + 2; break;
	default: return SOCKS5_MALFORMED;
	}
	if (len < need)
		return SOCKS5_NEED_MORE;
	*consumed = need;
	*reply = in[1];
	return in[1] == 0 ? SOCKS5_DONE : SOCKS5_REFUSED;
}

const char *socks5_reply_text(uint8_t reply)
{
	switch (reply) {
	case 0: return "succeeded";
	case 1: return "general SOCKS server failure";
	case 2: return "connection not allowed by ruleset";
	case 3: return "network unreachable";
	case 4: return "host unreachable";
	case 5: return "connection refused";
	case 6: return "TTL expired";
	case 7: return "command not supported";
	case 8: return "address type not supported";
	default: return "unknown SOCKS5 reply";
	}
}
