/* SPDX-License-Identifier: BSD-3-Clause */
#include "proxy_url.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* Copy [from, to) into out, decoding %XX. @return NULL or the problem. */
static const char *decode(const char *from, const char *to, char *out, size_t out_len, const char *what)
{
	size_t n = 0;

	while (from < to) {
		char c = *from++;

		if (c == '%') {
			char hex[3] = {0};

			if (to - from < 2 || !isxdigit((unsigned char)from[0]) || !isxdigit((unsigned char)from[1]))
				return what[0] == 'u' ? "a bad %-escape in the user name" : "a bad %-escape in the password";
			hex[0] = from[0];
			hex[1] = from[1];
			c = (char)strtol(hex, NULL, 16);
			from += 2;
			if (c == '\0')
				return "%00 in the credentials";
		}
		if (n + 1 >= out_len)
			return what[0] == 'u' ? "the user name is too long" : "the password is too long";
		out[n++] = c;
	}
	out[n] = '\0';
	return NULL;
}

const char *proxy_url_parse(const char *text, struct proxy_url *u)
{
	const char *p = text, *at, *host_end, *port_start = NULL, *end;
	const char *err;
	size_t len;

	memset(u, 0, sizeof(*u));
	u->kind = PROXY_HTTP;
	if (strstr(text, "://") != NULL) {
		if (strncmp(text, "http://", 7) == 0)
			p = text + 7;
		else if (strncmp(text, "socks5://", 9) == 0)
			p = text + 9, u->kind = PROXY_SOCKS5;
		else if (strncmp(text, "socks5h://", 10) == 0)
			p = text + 10, u->kind = PROXY_SOCKS5;
		else
			return "the scheme is not http://, socks5:// or socks5h://";
	}
	end = p + strlen(p);
	if (end > p && end[-1] == '/')
		end--; /* "http://proxy:3128/" as https_proxy often has it */
	if (memchr(p, '/', (size_t)(end - p)) != NULL)
		return "a path after the proxy's host and port";
	at = NULL;
	for (const char *q = p; q < end; q++)
		if (*q == '@')
			at = q; /* the last '@': an unescaped one in a password still works */
	if (at != NULL) {
		const char *colon = memchr(p, ':', (size_t)(at - p));

		if ((err = decode(p, colon ? colon : at, u->user, sizeof(u->user), "user")) != NULL)
			return err;
		if (colon && (err = decode(colon + 1, at, u->password, sizeof(u->password), "password")) != NULL)
			return err;
		if (u->user[0] == '\0')
			return "credentials without a user name";
		p = at + 1;
	}
	if (*p == '[') {
		host_end = memchr(p, ']', (size_t)(end - p));
		if (host_end == NULL)
			return "an IPv6 address without its closing ']'";
		p++;
		if (host_end + 1 < end) {
			if (host_end[1] != ':')
				return "something other than a port after the IPv6 address";
			port_start = host_end + 2;
		}
	} else {
		host_end = memchr(p, ':', (size_t)(end - p));
		if (host_end != NULL)
			port_start = host_end + 1;
		else
			host_end = end;
	}
	len = (size_t)(host_end - p);
	if (len == 0)
		return "no proxy host";
	if (len >= sizeof(u->host))
		return "the proxy host name is too long";
	memcpy(u->host, p, len);
	u->host[len] = '\0';
	if (port_start != NULL) {
		size_t plen = (size_t)(end - port_start);
		unsigned long v = 0;

		if (plen == 0 || plen > 5)
			return "a bad proxy port";
		for (size_t i = 0; i < plen; i++) {
			if (!isdigit((unsigned char)port_start[i]))
				return "a bad proxy port";
			v = v * 10 + (unsigned long)(port_start[i] - '0');
		}
		if (v == 0 || v > 65535)
			return "a bad proxy port";
		memcpy(u->port, port_start, plen);
		u->port[plen] = '\0';
	} else {
		strcpy(u->port, u->kind == PROXY_SOCKS5 ? "1080" : "3128");
	}
	return NULL;
}
