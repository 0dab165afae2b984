/* SPDX-License-Identifier: BSD-3-Clause */
#include "proxy_auth.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

int proxy_auth_basic(const char *user, const char *password, char *out, size_t out_len)
{
	char plain[2 * PROXY_AUTH_FIELD_MAX_BYTES + 2];
	unsigned char b64[4 * sizeof(plain) / 3 + 4];
	int n = snprintf(plain, sizeof(plain), "%s:%s", user, password);

	if (n < 0 || (size_t)n >= sizeof(plain))
		return -1;
	EVP_EncodeBlock(b64, (const unsigned char *)plain, n);
	n = snprintf(out, out_len, "Basic %s", b64);
	return n < 0 || (size_t)n >= out_len ? -1 : 0;
}

/* Copy a token or quoted-string value at *p into dst; advance *p past it. */
static int value(const char **p, char *dst, size_t dst_len)
{
	const char *s = *p;
	size_t n = 0;

	if (*s == '"') {
		for (s++; *s && *s != '"'; s++) {
			if (*s == '\\' && s[1])
				s++;
			if (n + 1 >= dst_len)
				return -1;
			dst[n++] = *s;
		}
		if (*s != '"')
			return -1;
		s++;
	} else {
		for (; *s && *s != ',' && *s != ' ' && *s != '\t'; s++) {
			if (n + 1 >= dst_len)
				return -1;
			dst[n++] = *s;
		}
	}
	dst[n] = '\0';
	*p = s;
	return 0;
}

/* Whether the comma-separated list holds token (qop="auth,auth-int" holds "auth", "auth-int" does not). */
static bool list_has(const char *list, const char *token)
{
	size_t n = strlen(token);

	for (const char *p = list; *p;) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (strncasecmp(p, token, n) == 0 && (p[n] == '\0' || p[n] == ',' || p[n] == ' ' || p[n] == '\t'))
			return true;
		while (*p && *p != ',')
			p++;
	}
	return false;
}

int proxy_auth_parse_digest(const char *challenge, struct proxy_digest_challenge *c)
{
	const char *p = challenge;

	memset(c, 0, sizeof(*c));
	if (strncasecmp(p, "Digest", 6) != 0 || (p[6] != ' ' && p[6] != '\t'))
		return -1;
	p += 6;
	while (*p) {
		char name[32], v[PROXY_AUTH_FIELD_MAX_BYTES];
		size_t n = 0;

		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (!*p)
			break;
		while (*p && *p != '=' && *p != ' ' && n + 1 < sizeof(name))
			name[n++] = *p++;
		name[n] = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p++ != '=')
			return -1;
		while (*p == ' ' || *p == '\t')
			p++;
		if (value(&p, v, sizeof(v)) != 0)
			return -1;
		if (strcasecmp(name, "realm") == 0)
			snprintf(c->realm, sizeof(c->realm), "%s", v);
		else if (strcasecmp(name, "nonce") == 0)
			snprintf(c->nonce, sizeof(c->nonce), "%s", v);
		else if (strcasecmp(name, "opaque") == 0)
			snprintf(c->opaque, sizeof(c->opaque), "%s", v);
		else if (strcasecmp(name, "qop") == 0)
			c->qop_auth = list_has(v, "auth");
		else if (strcasecmp(name, "algorithm") == 0 && strcasecmp(v, "MD5") != 0)
			return -1;
		else if (strcasecmp(name, "stale") == 0)
			c->stale = strcasecmp(v, "true") == 0;
	}
	return c->realm[0] && c->nonce[0] ? 0 : -1;
}

/* MD5 of text as 32 lowercase hex digits. */
static void md5_hex(const char *text, char hex[33])
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	EVP_Digest(text, strlen(text), d, &n, EVP_md5(), NULL);
	for (unsigned int i = 0; i < 16; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
}

int proxy_auth_digest(const struct proxy_digest_challenge *c, const char *user, const char *password,
		      const char *method, const char *uri, const char *cnonce, unsigned int nc, char *out,
		      size_t out_len)
{
	char a[4 * PROXY_AUTH_FIELD_MAX_BYTES], ha1[33], ha2[33], response[33];
	int n;

	snprintf(a, sizeof(a), "%s:%s:%s", user, c->realm, password);
	md5_hex(a, ha1);
	snprintf(a, sizeof(a), "%s:%s", method, uri);
	md5_hex(a, ha2);
	if (c->qop_auth)
		snprintf(a, sizeof(a), "%s:%s:%08x:%s:auth:%s", ha1, c->nonce, nc, cnonce, ha2);
	else
		snprintf(a, sizeof(a), "%s:%s:%s", ha1, c->nonce, ha2); /* RFC 2069 */
	md5_hex(a, response);
	if (c->qop_auth)
		n = snprintf(out, out_len,
			     "Digest username=\"%s\", realm=\"%s\", nonce=\"%s\", uri=\"%s\", qop=auth, nc=%08x, "
			     "cnonce=\"%s\", response=\"%s\"%s%s%s",
			     user, c->realm, c->nonce, uri, nc, cnonce, response, c->opaque[0] ? ", opaque=\"" : "",
			     c->opaque, c->opaque[0] ? "\"" : "");
	else
		n = snprintf(out, out_len, "Digest username=\"%s\", realm=\"%s\", nonce=\"%s\", uri=\"%s\", "
			     "response=\"%s\"%s%s%s", user, c->realm, c->nonce, uri, response,
			     c->opaque[0] ? ", opaque=\"" : "", c->opaque, c->opaque[0] ? "\"" : "");
	return n < 0 || (size_t)n >= out_len ? -1 : 0;
}
