/* SPDX-License-Identifier: BSD-3-Clause */
#include "http_status.h"

#include <string.h>
#include <strings.h>

const char *http_status_error_text(enum http_status_error e)
{
	switch (e) {
	case HTTP_STATUS_OK: return "complete";
	case HTTP_STATUS_BAD_STATUS_LINE: return "status line is not HTTP/1.x followed by a three-digit code";
	case HTTP_STATUS_BAD_FIELD: return "header field is malformed or folded";
	case HTTP_STATUS_BARE_LF: return "line ended by LF without CR";
	case HTTP_STATUS_TOO_LARGE: return "response head larger than the limit";
	}
	return "?";
}

static int parse_u64(const char *p, size_t n, uint64_t *out)
{
	uint64_t v = 0;

	if (n == 0 || n > 20)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		if (v > (UINT64_MAX - (uint64_t)(p[i] - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(p[i] - '0');
	}
	*out = v;
	return 0;
}

/* One field line [p, p + n) without its CRLF. */
static int field(struct http_status *st, const char *p, size_t n)
{
	const char *colon = memchr(p, ':', n);
	size_t name_len, v0, v1;

	if (n == 0 || p[0] == ' ' || p[0] == '\t' || !colon || colon == p)
		return -1;
	name_len = (size_t)(colon - p);
	for (size_t i = 0; i < name_len; i++)
		if (p[i] <= ' ' || p[i] >= 0x7f)
			return -1;
	v0 = name_len + 1;
	while (v0 < n && (p[v0] == ' ' || p[v0] == '\t'))
		v0++;
	v1 = n;
	while (v1 > v0 && (p[v1 - 1] == ' ' || p[v1 - 1] == '\t'))
		v1--;
	if (name_len == 18 && strncasecmp(p, "Proxy-Authenticate", 18) == 0 &&
	    st->challenge_count < HTTP_STATUS_CHALLENGES_MAX && v1 - v0 < HTTP_STATUS_CHALLENGE_MAX_BYTES) {
		memcpy(st->challenges[st->challenge_count], p + v0, v1 - v0);
		st->challenges[st->challenge_count][v1 - v0] = '\0';
		st->challenge_count++;
	} else if (name_len == 14 && strncasecmp(p, "Content-Length", 14) == 0) {
		if (parse_u64(p + v0, v1 - v0, &st->content_length) != 0)
			return -1;
		st->has_content_length = 1;
	}
	return 0;
}

static int status_line(struct http_status *st, const char *p, size_t n)
{
	/* HTTP-version SP status-code SP [reason-phrase] (RFC 9112 4) */
	if (n < 12 || memcmp(p, "HTTP/1.", 7) != 0 || (p[7] != '0' && p[7] != '1') || p[8] != ' ')
		return -1;
	for (int i = 9; i < 12; i++)
		if (p[i] < '0' || p[i] > '9')
			return -1;
	if (n > 12 && p[12] != ' ')
		return -1;
	st->version_minor = (unsigned int)(p[7] - '0');
	st->code = (unsigned int)((p[9] - '0') * 100 + (p[10] - '0') * 10 + (p[11] - '0'));
	return st->code >= 100 && st->code <= 599 ? 0 : -1;
}

int http_status_parse(const char *buf, size_t len, struct http_status *st)
{
	size_t line = 0;
	int first = 1;

	memset(st, 0, sizeof(*st));
	for (size_t i = 0; i < len; i++) {
		if (buf[i] != '\n')
			continue;
		if (i == 0 || buf[i - 1] != '\r') {
			st->error = HTTP_STATUS_BARE_LF;
			return 1;
		}
		if (i + 1 > HTTP_STATUS_HEAD_MAX_BYTES) {
			st->error = HTTP_STATUS_TOO_LARGE;
			return 1;
		}
		if (first) {
			if (status_line(st, buf, i - 1) != 0) {
				st->error = HTTP_STATUS_BAD_STATUS_LINE;
				return 1;
			}
			first = 0;
		} else if (i - 1 == line) { /* the blank line */
			st->head_bytes = i + 1;
			return 1;
		} else if (field(st, buf + line, i - 1 - line) != 0) {
			st->error = HTTP_STATUS_BAD_FIELD;
			return 1;
		}
		line = i + 1;
	}
	if (len >= HTTP_STATUS_HEAD_MAX_BYTES) {
		st->error = HTTP_STATUS_TOO_LARGE;
		return 1;
	}
	return 0;
}
