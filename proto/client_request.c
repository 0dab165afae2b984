/* SPDX-License-Identifier: BSD-3-Clause */
#include "client_request.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* No control character (CR and LF among them) and, unless allowed, no space. */
static bool safe(const char *s, bool spaces_allowed)
{
	if (s == NULL || *s == '\0')
		return false;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c == 0x7f || (c == ' ' && !spaces_allowed))
			return false;
	}
	return true;
}

static int finish(int n, size_t out_len)
{
	return n > 0 && (size_t)n < out_len ? n : -1;
}

int client_request_post(char *out, size_t out_len, const char *uri, const char *host)
{
	if (!safe(uri, false) || uri[0] != '/' || !safe(host, false))
		return -1;
	return finish(snprintf(out, out_len,
			       "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Length: 18446744073709551615\r\n\r\n", uri,
			       host),
		      out_len);
}

int client_request_connect(char *out, size_t out_len, const char *target, const char *authorization)
{
	if (!safe(target, false) || (authorization != NULL && !safe(authorization, true)))
		return -1;
	return finish(snprintf(out, out_len, "CONNECT %s HTTP/1.1\r\nHost: %s\r\n%s%s%s\r\n", target, target,
			       authorization ? "Proxy-Authorization: " : "", authorization ? authorization : "",
			       authorization ? "\r\n" : ""),
		      out_len);
}
