/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_PROXY_URL_H
#define IPHTTPS_PROXY_URL_H

/*
 * A proxy as the user names it, the way curl and the https_proxy variable
 * do: "http://[user[:password]@]host[:port]" for a web proxy (port 3128,
 * squid's, when none is given) and "socks5://..." or "socks5h://..." for
 * SOCKS5 (port 1080). A bare "host:port" is a web proxy, as https_proxy often
 * says. User and password may be percent-encoded ("%40" for '@'); an IPv6
 * host is written in brackets. Pure: parsing only.
 */

#include <stddef.h>

enum proxy_url_limits { PROXY_URL_FIELD_MAX_BYTES = 256 };

enum proxy_kind { PROXY_HTTP, PROXY_SOCKS5 };

struct proxy_url {
	enum proxy_kind kind;
	char host[PROXY_URL_FIELD_MAX_BYTES];  /* a name, an IPv4 literal, or an IPv6 literal without brackets */
	char port[8];
	char user[PROXY_URL_FIELD_MAX_BYTES];  /* empty: no credentials */
	char password[PROXY_URL_FIELD_MAX_BYTES];
};

/**
 * Parse text into *u. @return NULL, or what is wrong with it in words
 * (an unknown scheme, an empty host, a bad port, a bad %-escape, a field
 * too long, a path after the host).
 */
const char *proxy_url_parse(const char *text, struct proxy_url *u);

#endif
