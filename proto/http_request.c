/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The IP-HTTPS request parser (http_request.h). Grammar from RFC 9112
 * (HTTP/1.1 message syntax) and RFC 9110 (fields), applied strictly: every
 * line ends in CRLF, no whitespace before a field's colon, no line folding,
 * one Host, one Content-Length of plain digits. Strictness is the point: the
 * appliance sits on the internet, and a lenient parser behind a proxy is how
 * request smuggling starts.
 */
#include "http_request.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

static const struct {
	unsigned int status;
	const char *name;
	const char *text;
} error_info[HTTP_REQUEST_ERROR_COUNT] = {
#define HTTP_REQUEST_ERROR_INFO(name, status, text) [HTTP_REQUEST_##name] = {status, #name, text},
	HTTP_REQUEST_ERRORS(HTTP_REQUEST_ERROR_INFO)
#undef HTTP_REQUEST_ERROR_INFO
};

unsigned int http_request_error_status(enum http_request_error e)
{
	return e < HTTP_REQUEST_ERROR_COUNT ? error_info[e].status : 400;
}

const char *http_request_error_text(enum http_request_error e)
{
	return e < HTTP_REQUEST_ERROR_COUNT ? error_info[e].text : "unknown";
}

const char *http_request_error_name(enum http_request_error e)
{
	return e < HTTP_REQUEST_ERROR_COUNT ? error_info[e].name : "UNKNOWN";
}

/* RFC 9110 5.6.2 tchar. */
static bool is_tchar(unsigned char ch)
{
	if ((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'))
		return true;
	return ch != 0 && strchr("!#$%&'*+-.^_`|~", ch) != NULL;
}

/* RFC 9110 5.5 field-value characters: visible, obs-text, space and tab. */
static bool is_field_char(unsigned char ch)
{
	return ch == ' ' || ch == '\t' || (ch >= 0x21 && ch != 0x7f);
}

/* A line of the header section, CRLF excluded. */
struct line {
	const char *p;
	size_t len;
};

/*
 * Find the end of the header section: returns 1 with *end set to the bytes
 * it spans (blank line included), 0 if it is not complete yet, or -1 with
 * *error set when a line ends badly or a limit is passed.
 */
/* Where the end of the header section is, looking only at bytes the scan has
 * not seen: a request that arrives a byte at a time costs each byte once. */
static int find_header_end(const char *buf, size_t len, struct http_request_scan *scan, size_t *end,
			   enum http_request_error *error)
{
	size_t line_start = scan->line_start;
	bool first_line = !scan->past_first_line;

	for (size_t i = scan->scanned; i < len; i++) {
		if (buf[i] != '\n')
			continue;
		if (i == 0 || buf[i - 1] != '\r') {
			*error = HTTP_REQUEST_BARE_LF;
			return -1;
		}
		if (first_line && i + 1 > HTTP_REQUEST_LINE_MAX_BYTES) {
			*error = HTTP_REQUEST_TARGET_TOO_LONG;
			return -1;
		}
		first_line = false;
		if (i + 1 > HTTP_HEADER_SECTION_MAX_BYTES) {
			*error = HTTP_REQUEST_HEADERS_TOO_LARGE;
			return -1;
		}
		if (i - line_start == 1) { /* just CRLF: the blank line */
			if (line_start == 0) {
				/* RFC 9112 2.2 lets a server skip CRLFs before the request
				 * line; a tunnel client never sends them. */
				*error = HTTP_REQUEST_BAD_REQUEST_LINE;
				return -1;
			}
			*end = i + 1;
			return 1;
		}
		line_start = i + 1;
	}
	if (len > scan->scanned) {
		scan->scanned = len;
		scan->line_start = line_start;
		scan->past_first_line = !first_line;
	}
	if (first_line && len >= HTTP_REQUEST_LINE_MAX_BYTES) {
		*error = HTTP_REQUEST_TARGET_TOO_LONG;
		return -1;
	}
	if (len >= HTTP_HEADER_SECTION_MAX_BYTES) {
		*error = HTTP_REQUEST_HEADERS_TOO_LARGE;
		return -1;
	}
	return 0;
}

/* Next line in [*pos, end): CRLF-terminated by construction (find_header_end checked). */
static struct line next_line(const char *buf, size_t *pos)
{
	struct line l = {.p = buf + *pos, .len = 0};

	while (buf[*pos + l.len] != '\r' || buf[*pos + l.len + 1] != '\n')
		l.len++;
	*pos += l.len + 2;
	return l;
}

/* Match "HTTP/d.d"; *minor gets d after the dot. @return 1 if 1.0/1.1, 0 other version, -1 malformed. */
static int parse_version(const char *p, size_t len, unsigned int *minor)
{
	if (len != 8 || memcmp(p, "HTTP/", 5) != 0 || p[6] != '.' || p[5] < '0' || p[5] > '9' || p[7] < '0' ||
	    p[7] > '9')
		return -1;
	if (p[5] != '1' || (p[7] != '0' && p[7] != '1'))
		return 0;
	*minor = (unsigned int)(p[7] - '0');
	return 1;
}

/*
 * The path of a request target: origin-form "/path?query" or absolute-form
 * "https://authority/path?query" (RFC 9112 3.2.1, 3.2.2). The query is not
 * part of the match. @return false when the target is neither.
 */
static bool target_path(const char *t, size_t len, const char **path, size_t *path_len)
{
	size_t skip = 0;

	if (len >= 7 && strncasecmp(t, "http://", 7) == 0)
		skip = 7;
	else if (len >= 8 && strncasecmp(t, "https://", 8) == 0)
		skip = 8;
	if (skip) {
		size_t i = skip;

		while (i < len && t[i] != '/' && t[i] != '?')
			i++;
		if (i == skip)
			return false; /* no authority */
		t += i;
		len -= i;
		if (len == 0 || t[0] == '?') {
			*path = "/";
			*path_len = 1;
			return true;
		}
	} else if (len == 0 || t[0] != '/') {
		return false;
	}
	*path = t;
	*path_len = 0;
	while (*path_len < len && t[*path_len] != '?' && t[*path_len] != '#')
		(*path_len)++;
	return true;
}

/* Content-Length (RFC 9110 8.6): 1*DIGIT, up to 2^64-1 ([MS-IPHTTPS] §4.1 sends exactly that). */
static bool parse_u64(const char *p, size_t len, uint64_t *out)
{
	uint64_t v = 0;

	if (len == 0 || len > 20)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned int d;

		if (p[i] < '0' || p[i] > '9')
			return false;
		d = (unsigned int)(p[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

static bool name_is(const struct line *name, const char *want)
{
	return name->len == strlen(want) && strncasecmp(name->p, want, name->len) == 0;
}

int http_request_parse(const char *buf, size_t len, const char *uri, struct http_request *req)
{
	struct http_request_scan scan = { 0 };

	return http_request_parse_more(buf, len, uri, &scan, req);
}

int http_request_parse_more(const char *buf, size_t len, const char *uri, struct http_request_scan *scan,
			    struct http_request *req)
{
	enum http_request_error early = HTTP_REQUEST_NONE;
	size_t end = 0, pos = 0;
	struct line rl, method, target, version;
	const char *path;
	size_t path_len, sp1, sp2;
	unsigned int fields = 0, hosts = 0, lengths = 0, encodings = 0;
	bool bad_length = false;
	int rc;

	memset(req, 0, sizeof(*req));
	rc = find_header_end(buf, len, scan, &end, &early);
	if (rc == 0)
		return 0;
	if (rc < 0) {
		req->error = early;
		return 1;
	}
	req->header_bytes = end;

	/* request-line = method SP request-target SP HTTP-version (RFC 9112 3) */
	rl = next_line(buf, &pos);
	for (sp1 = 0; sp1 < rl.len && is_tchar((unsigned char)rl.p[sp1]); sp1++)
		;
	if (sp1 == 0 || sp1 == rl.len || rl.p[sp1] != ' ') {
		req->error = HTTP_REQUEST_BAD_REQUEST_LINE;
		return 1;
	}
	for (sp2 = sp1 + 1; sp2 < rl.len && rl.p[sp2] > 0x20 && rl.p[sp2] < 0x7f; sp2++)
		;
	if (sp2 == sp1 + 1 || sp2 == rl.len || rl.p[sp2] != ' ') {
		req->error = HTTP_REQUEST_BAD_REQUEST_LINE;
		return 1;
	}
	method = (struct line){rl.p, sp1};
	target = (struct line){rl.p + sp1 + 1, sp2 - sp1 - 1};
	version = (struct line){rl.p + sp2 + 1, rl.len - sp2 - 1};
	rc = parse_version(version.p, version.len, &req->version_minor);
	if (rc < 0) {
		req->error = HTTP_REQUEST_BAD_REQUEST_LINE;
		return 1;
	}
	if (rc == 0) {
		req->error = HTTP_REQUEST_BAD_VERSION;
		return 1;
	}
	if (!target_path(target.p, target.len, &path, &path_len)) {
		req->error = HTTP_REQUEST_BAD_TARGET;
		return 1;
	}

	/* field-line = field-name ":" OWS field-value OWS (RFC 9112 5) */
	while (pos < end - 2) {
		struct line f = next_line(buf, &pos), name, value;
		size_t colon = 0, v0, v1;

		if (f.p[0] == ' ' || f.p[0] == '\t') {
			req->error = HTTP_REQUEST_OBSOLETE_LINE_FOLDING;
			return 1;
		}
		if (++fields > HTTP_HEADER_FIELDS_MAX) {
			req->error = HTTP_REQUEST_HEADERS_TOO_LARGE;
			return 1;
		}
		while (colon < f.len && is_tchar((unsigned char)f.p[colon]))
			colon++;
		if (colon == 0 || colon == f.len || f.p[colon] != ':') {
			req->error = HTTP_REQUEST_BAD_HEADER_FIELD;
			return 1;
		}
		for (size_t i = colon + 1; i < f.len; i++)
			if (!is_field_char((unsigned char)f.p[i])) {
				req->error = HTTP_REQUEST_BAD_HEADER_FIELD;
				return 1;
			}
		v0 = colon + 1;
		v1 = f.len;
		while (v0 < v1 && (f.p[v0] == ' ' || f.p[v0] == '\t'))
			v0++;
		while (v1 > v0 && (f.p[v1 - 1] == ' ' || f.p[v1 - 1] == '\t'))
			v1--;
		name = (struct line){f.p, colon};
		value = (struct line){f.p + v0, v1 - v0};
		if (name_is(&name, "host")) {
			hosts++;
		} else if (name_is(&name, "content-length")) {
			lengths++;
			if (!parse_u64(value.p, value.len, &req->content_length))
				bad_length = true;
		} else if (name_is(&name, "transfer-encoding")) {
			encodings++;
		}
	}

	if (hosts > 1)
		req->error = HTTP_REQUEST_DUPLICATE_HOST;
	else if (hosts == 0 && req->version_minor == 1)
		req->error = HTTP_REQUEST_MISSING_HOST; /* RFC 9112 3.2 */
	else if (bad_length || lengths > 1)
		req->error = HTTP_REQUEST_BAD_CONTENT_LENGTH;
	else if (lengths && encodings)
		req->error = HTTP_REQUEST_CONTENT_LENGTH_AND_TRANSFER_ENCODING; /* RFC 9112 6.1 */
	else if (path_len != strlen(uri) || strncasecmp(path, uri, path_len) != 0)
		req->error = HTTP_REQUEST_WRONG_PATH;
	else if (method.len != 4 || memcmp(method.p, "POST", 4) != 0)
		req->error = HTTP_REQUEST_WRONG_METHOD; /* methods are case-sensitive (RFC 9110 9.1) */
	else if (encodings)
		req->error = HTTP_REQUEST_TRANSFER_ENCODING;
	else if (lengths == 0)
		req->error = HTTP_REQUEST_MISSING_CONTENT_LENGTH;
	else if (req->content_length < HTTP_REQUEST_BODY_MIN_BYTES)
		req->error = HTTP_REQUEST_BODY_TOO_SHORT;
	return 1;
}
