/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_HTTP_REQUEST_H
#define IPHTTPS_HTTP_REQUEST_H

/*
 * The IP-HTTPS request ([MS-IPHTTPS] §3.2.5.1, §4.1): a strict, bounded
 * parser for the one request a client sends,
 *
 *   POST /IPHTTPS HTTP/1.1\r\n
 *   Host: gw.example.com\r\n
 *   Content-Length: 18446744073709551615\r\n
 *   \r\n
 *
 * after which the request body is the client's half of the link.
 * [MS-IPHTTPS] §3.1.5.2: a client SHOULD send Content-Length and SHOULD set
 * it to 18446744073709551615. Any other length is honoured: the body, and so
 * the client's half of the link, ends after that many bytes (the session
 * closes there); a length below one IPv6 header is refused. The parser
 * sees the whole header section at once (the session accumulates it, up to
 * HTTP_HEADER_SECTION_MAX_BYTES) and never reads past what it is given, so a
 * probe or a slow client cannot make it loop or overrun. It knows nothing of
 * TLS, sockets or sessions: it is a pure function, fuzzed by
 * tests/fuzz/fuzz_http_request.c.
 */

#include <stddef.h>
#include <stdint.h>

enum http_request_limits {
	HTTP_REQUEST_LINE_MAX_BYTES = 2048,    /* longer: 414 */
	HTTP_HEADER_SECTION_MAX_BYTES = 8192,  /* request line + fields + blank line; longer: 431 */
	HTTP_HEADER_FIELDS_MAX = 64,           /* more: 431 */
	/* The body is the client's half of the link: one that cannot carry an
	 * IPv6 header (40 bytes) cannot carry the link (400). */
	HTTP_REQUEST_BODY_MIN_BYTES = 40,
};

/* Why a request was refused: one name per reason, for counters and logs. */
#define HTTP_REQUEST_ERRORS(X)                                                    \
	X(NONE, 200, "accepted")                                                  \
	X(BAD_REQUEST_LINE, 400, "request line is not METHOD SP target SP HTTP/x.y") \
	X(BAD_TARGET, 400, "request target is not an absolute path or URI")      \
	X(BAD_HEADER_FIELD, 400, "header field is malformed")                    \
	X(OBSOLETE_LINE_FOLDING, 400, "header field continued on the next line")\
	X(BARE_LF, 400, "line ended by LF without CR")                           \
	X(MISSING_HOST, 400, "HTTP/1.1 request without Host")                    \
	X(DUPLICATE_HOST, 400, "more than one Host")                              \
	X(BAD_CONTENT_LENGTH, 400, "Content-Length is not one unsigned 64-bit number") \
	X(BODY_TOO_SHORT, 400, "Content-Length too small to carry one IPv6 packet") \
	X(CONTENT_LENGTH_AND_TRANSFER_ENCODING, 400, "both Content-Length and Transfer-Encoding") \
	X(WRONG_PATH, 404, "path is not the IP-HTTPS URI")                       \
	X(WRONG_METHOD, 405, "method is not POST")                                \
	X(MISSING_CONTENT_LENGTH, 411, "POST without Content-Length")             \
	X(TARGET_TOO_LONG, 414, "request line longer than the limit")             \
	X(HEADERS_TOO_LARGE, 431, "header section larger than the limit or too many fields") \
	X(TRANSFER_ENCODING, 501, "Transfer-Encoding is not supported on the tunnel") \
	X(BAD_VERSION, 505, "HTTP version other than 1.0 or 1.1")

enum http_request_error {
#define HTTP_REQUEST_ERROR_ENUM(name, status, text) HTTP_REQUEST_##name,
	HTTP_REQUEST_ERRORS(HTTP_REQUEST_ERROR_ENUM)
#undef HTTP_REQUEST_ERROR_ENUM
	HTTP_REQUEST_ERROR_COUNT
};

struct http_request {
	enum http_request_error error; /* HTTP_REQUEST_NONE when accepted */
	unsigned int version_minor;    /* HTTP/1.<minor> */
	uint64_t content_length;       /* 18446744073709551615 from a real client */
	size_t header_bytes;           /* the header section, blank line included: the body starts here */
};

/**
 * Parse a request whose header section may be incomplete.
 *
 * @param buf   the bytes received so far (not NUL-terminated)
 * @param len   their count
 * @param uri   the IP-HTTPS path, compared without regard to case
 * @param req   filled when the return is 1
 * @return 0 when more bytes are needed (and len is under every limit),
 *         1 when the request is complete: req->error says whether it is
 *           accepted (HTTP_REQUEST_NONE) or which status to answer.
 */
int http_request_parse(const char *buf, size_t len, const char *uri, struct http_request *req);

/*
 * Where the search for the end of the header section stopped, so that the
 * next call with more bytes looks only at the new ones: without it, a client
 * sending one byte per TLS record would make every byte cost a rescan of up
 * to HTTP_HEADER_SECTION_MAX_BYTES. Zero it before the first call.
 */
struct http_request_scan {
	size_t scanned;       /* bytes searched */
	size_t line_start;    /* where the line being searched began */
	int past_first_line;  /* the request line has ended */
};

/**
 * http_request_parse for a buffer that grows between calls (the same bytes
 * first, more after them): scan carries the search position across calls.
 */
int http_request_parse_more(const char *buf, size_t len, const char *uri, struct http_request_scan *scan,
			    struct http_request *req);

/** The HTTP status to answer for an error (200 for HTTP_REQUEST_NONE). */
unsigned int http_request_error_status(enum http_request_error e);

/** A short English description of an error, for logs. */
const char *http_request_error_text(enum http_request_error e);

/** A stable identifier for an error ("wrong_path"), for counters. */
const char *http_request_error_name(enum http_request_error e);

#endif
